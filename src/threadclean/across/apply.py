"""Copies found across threads written into a thread's ``threadclean/1`` document: each one
leaves its post's ``text`` for a quote whose ``source`` is in another thread, named by
``thread`` (its ``path`` and ``id``), so the document still rebuilds its input exactly."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from .. import patterns as p
from ..rebuild import rebuild
from .entries import PostEntry
from .search import CrossCopy


def _paragraph(text: str, at: int) -> int:
    return 1 + len(p.PARAGRAPH_BREAK.findall(text[:at].lstrip()))


def apply_copies(
    doc: Mapping[str, Any], entries: Sequence[PostEntry], copies: Mapping[int, Sequence[CrossCopy]],
    sources: Mapping[int, PostEntry],
) -> dict[str, Any]:
    """``doc`` with each post's copies (by its entry's number) cut from its text into quotes."""
    out = copy.deepcopy(dict(doc))
    raw = rebuild(doc)
    added = chars = cut = 0
    for entry, post in zip(entries, out["posts"], strict=False):
        found = copies.get(entry.gpn)
        if not found:
            continue
        text = post["text"]
        quotes = list(post["quotes"])
        for c in sorted(found, key=lambda c: c.start, reverse=True):
            a, b = entry.raw_range(c.start, c.end)
            source = sources[c.source]
            sa, sb = source.raw_range(c.source_start, c.source_end)
            width = c.end - c.start
            for q in quotes:  # a quote of the thread that stood after the copy moves back with the text
                if q["at"] >= c.end:
                    q["at"] -= width
            quoted = raw[entry.input][a:b]
            quotes.append({"post": source.post, "origin": {"input": entry.input, "start": a, "end": b},
                           "source": {"input": source.input, "start": sa, "end": sb}, "text": quoted,
                           "at": c.start, "similarity": round(c.similarity, 4), "explicit": False,
                           "author": source.author, "time": None,
                           "paragraph": _paragraph(source.text, c.source_start), "quoted": None,
                           "thread": {"path": source.path, "id": source.thread}})
            text = text[: c.start] + text[c.end :]
            added += 1
            chars += len(quoted)
            cut += width
        post["text"] = text
        post["quotes"] = sorted(quotes, key=lambda q: (q["origin"]["start"], q["origin"]["end"]))
    followed = _follow(out["posts"])
    stats = out.get("stats")
    if isinstance(stats, dict) and added:
        stats["quotes"] = stats.get("quotes", 0) + added
        stats["chars_quoted"] = stats.get("chars_quoted", 0) + chars
        stats["chars_out"] = stats.get("chars_out", 0) - cut
        stats["across"] = {"quotes": added, "chars_quoted": chars, "chars_cut": cut, "followed": followed}
    return out


def _follow(posts: list[dict[str, Any]]) -> int:
    """A quote of the thread whose source is now a copy across threads names that copy's source:
    the first appearance, in the other thread (the source offsets moved by the same amount)."""
    across = [(p["origin"]["input"], q) for p in posts for q in p["quotes"] if "thread" in q]
    followed = 0
    if not across:
        return followed
    for post in posts:
        for q in post["quotes"]:
            src = q.get("source")
            if "thread" in q or not src:
                continue
            for inp, c in across:
                a, b = c["origin"]["start"], c["origin"]["end"]
                if inp == src["input"] and a <= src["start"] and src["end"] <= b:
                    base = c["source"]["start"]
                    q["post"], q["thread"], q["author"] = c["post"], c["thread"], c["author"]
                    q["source"] = {"input": c["source"]["input"], "start": base + src["start"] - a,
                                   "end": min(c["source"]["end"], base + src["end"] - a)}
                    q["paragraph"] = c["paragraph"]
                    followed += 1
                    break
    return followed
