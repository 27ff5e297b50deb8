"""Text to a thread: telling a text dump from JSON, JSON Lines and threadclean's own text
layout, and reading each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import regex

from .. import layout
from ..errors import ConfigError, FormatError
from . import engines

INPUT_FORMATS = ("auto", "text", "generic", "json", "jsonl", "layout", *engines.names())


@dataclass(frozen=True)
class Thread:
    """A thread as read: either one ``text`` (a flat dump) or ``posts`` (JSON, JSON Lines, layout)."""

    text: str | None = None
    engine: str | None = "auto"  # the engine that reads it (None: none; for a text, a flat dump)
    dialect: str | None = "auto"  # the bodies' markup (None: none, as in threadclean's own layout)
    posts: list[Any] = field(default_factory=list)
    title: str | None = None
    id: str | None = None


def _sniff(text: str) -> str:
    body = text.lstrip("\ufeff \t\r\n")
    if layout.is_layout(text):
        return "layout"
    if body.startswith("{"):
        rest = body[1:].lstrip()
        if rest[:1] in ('"', "}"):
            first, _, more = body.partition("\n")
            return "jsonl" if more.strip() and _is_object(first) else "json"
    if body.startswith("[") and body[1:].lstrip()[:1] in ("{", '"', "]"):
        return "json"
    return "text"


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _json_error(e: json.JSONDecodeError, source: str | None, line_offset: int = 0) -> FormatError:
    where = f"line {e.lineno + line_offset}, column {e.colno}"
    return FormatError(f"invalid JSON: {e.msg}", source=source, where=where)


def parse(text: str, *, source: str | None = None, input_format: str = "auto") -> Thread:
    """The thread in ``text``, read as ``input_format``: ``auto`` tells JSON and the layout by
    the first characters and leaves a text's engine to be told from the text; ``text`` is a
    flat dump; ``generic`` reads a text with no engine, its posts told from its template lines;
    an engine's name reads the text with that engine."""
    if input_format not in INPUT_FORMATS:
        raise ConfigError(f"input_format: unknown format {input_format!r}; known: {', '.join(INPUT_FORMATS)}")
    kind = _sniff(text) if input_format == "auto" else input_format
    if kind == "text":
        return Thread(text=text, engine="auto" if input_format == "auto" else None)
    if kind in engines.names() or kind == "generic":
        return Thread(text=text, engine=kind)
    if kind == "layout":  # threadclean's own output: its posts hold no format's markup any more
        doc = layout.parse(text)
        return Thread(posts=doc["posts"], title=doc["title"], engine=None, dialect=None)
    if kind == "jsonl":
        posts = []
        for n, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            if line.strip():
                posts.append(_loads(line, source, n - 1))
                _check_post(posts[-1], source, f"line {n}")
        return Thread(posts=posts)
    doc = _loads(text.lstrip("\ufeff"), source)
    if isinstance(doc, list):
        doc = {"posts": doc}
    if isinstance(doc, dict) and "posts" not in doc and isinstance(doc.get("post_stream"), dict):
        doc = _discourse_topic(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("posts"), list):
        raise FormatError('a JSON thread is an object with a "posts" array', source=source, where="line 1, column 1")
    # a lone surrogate reaches a post only from the text itself or from a \uD800-\uDFFF escape:
    # where the text holds neither, the posts' fields need no look for one (100,000 regex scans)
    surrogates = _SURROGATE.search(text) is not None or _SURROGATE_ESCAPE.search(text) is not None
    for n, post in enumerate(doc["posts"], 1):
        _check_post(post, source, f"post {n}", surrogates=surrogates)
    title, tid = doc.get("title"), doc.get("id")
    for name, value in (("title", title), ("id", tid)):
        if isinstance(value, str) and _SURROGATE.search(value):
            raise FormatError(f"the thread's {name} holds a lone surrogate", source=source, where="line 1")
    return Thread(posts=doc["posts"], title=None if title is None else str(title), id=None if tid is None else str(tid))


def _discourse_topic(doc: dict[str, Any]) -> dict[str, Any]:
    """A Discourse topic's JSON (``/t/ID.json``) as a thread: each post's number its id (what a
    quote box's ``data-post`` names), ``username`` its author, ``created_at`` its time and
    ``cooked`` (the post's HTML) its text.

    >>> topic = {"title": "T", "id": 9, "post_stream": {"posts": [
    ...     {"post_number": 1, "username": "ann", "created_at": "2024-01-02T10:00:00.000Z", "cooked": "<p>Hi</p>"}]}}
    >>> _discourse_topic(topic)["posts"]
    [{'id': '1', 'author': 'ann', 'time': '2024-01-02T10:00:00.000Z', 'text': '<p>Hi</p>'}]
    """
    posts = []
    for n, post in enumerate(doc["post_stream"].get("posts") or [], 1):
        if not isinstance(post, dict):
            posts.append(post)  # _check_post says what is wrong with it
            continue
        number = post.get("post_number", n)
        posts.append({"id": str(number), "author": post.get("username") or post.get("name"),
                      "time": post.get("created_at"), "text": post.get("cooked", post.get("raw"))})
    return {"posts": posts, "title": doc.get("title") or doc.get("fancy_title"), "id": doc.get("id")}


def _loads(text: str, source: str | None, line_offset: int = 0) -> Any:
    """A JSON value, or a FormatError saying where it is broken (or nested past what can be read)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise _json_error(e, source, line_offset) from None
    except RecursionError:  # '[[[[…' a hundred thousand deep
        raise FormatError("JSON nested too deeply", source=source, where=f"line {line_offset + 1}") from None


# A lone surrogate ("\ud800" in a JSON string): no text holds one, and no output can write it.
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = regex.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")  # "\ud83d" in a JSON string


def _check_post(post: Any, source: str | None, where: str, *, surrogates: bool = True) -> None:
    if not isinstance(post, dict):
        raise FormatError(f"a post must be an object, not {type(post).__name__}", source=source, where=where)
    if not isinstance(post.get("text"), str):
        raise FormatError('a post needs a "text" string', source=source, where=where)
    if not surrogates:
        return
    for name in ("text", "id", "author", "time"):
        value = post.get(name)
        if isinstance(value, str) and _SURROGATE.search(value):
            raise FormatError(f"the post's {name} holds a lone surrogate (\\u{ord(_SURROGATE.search(value)[0]):04x})",
                              source=source, where=where)
