"""Rebuild the raw input from a result alone: proof that nothing was lost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from .errors import ArgumentError, FormatError


def rebuild(result: Mapping[str, Any] | Any) -> dict[str | None, str]:
    """The raw text of every input, rebuilt from a ``threadclean/1`` document (or a result).

    Each input's characters come from the posts' own ``text``, their ``quotes`` (a copy as it
    stood), every ``removed`` entry and every ``replaced`` one, placed by their offsets; what
    stands in the post's text in place of a ``replacement`` (an entity read as its character, a
    line-break tag as a line break) the raw text takes back. Returns ``{input: text}``: one entry keyed None
    for a text file, one per post id for JSON input.

    >>> from threadclean import clean_text
    >>> raw = "顶{:5_108:}\\n顶"
    >>> rebuild(clean_text(raw).to_dict())[None] == raw
    True
    """
    doc = document_of(result)
    try:
        return _rebuild(doc)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as e:  # a document edited by hand
        raise FormatError(f"not a threadclean/1 document: {type(e).__name__} {e}") from None


def document_of(result: Mapping[str, Any] | Any) -> Mapping[str, Any]:
    """A result's ``threadclean/1`` document: the mapping given, or a result's ``to_dict()``."""
    if isinstance(result, Mapping):
        return result
    if callable(getattr(result, "to_dict", None)):
        return result.to_dict()
    raise ArgumentError(f"give a CleanResult or its to_dict(), not {type(result).__name__}")


def _rebuild(doc: Mapping[str, Any]) -> dict[str | None, str]:
    pieces: dict[str | None, list[tuple[int, int, str]]] = defaultdict(list)
    for post in doc.get("posts", []):
        inp = post["origin"]["input"]
        quotes = [(q["origin"]["start"], q["origin"]["end"], q["text"], 0) for q in post.get("quotes", [])]
        spans = list(quotes)
        for r in [*post.get("removed", []), *post.get("replaced", [])]:
            o = r["origin"]
            if not any(a <= o["start"] and o["end"] <= b for a, b, _, _ in quotes):
                spans.append((o["start"], o["end"], r["text"], len(r.get("replacement") or "")))
        spans.sort()
        text, used = post["text"], 0
        at = post["origin"]["start"]
        for a, b, piece, stands in [*spans, (post["origin"]["end"], post["origin"]["end"], "", 0)]:
            if a > at:
                pieces[inp].append((at, a, text[used : used + a - at]))
                used += a - at
            if piece:
                pieces[inp].append((a, b, piece))
            used += stands
            at = max(at, b)
    for r in doc.get("removed", []):
        o = r["origin"]
        pieces[o["input"]].append((o["start"], o["end"], r["text"]))
    return {inp: "".join(t for _, _, t in sorted(ps, key=lambda x: (x[0], x[1]))) for inp, ps in pieces.items()}
