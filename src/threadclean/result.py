"""What cleaning returns: posts with their own words, references to what they quoted, and an
account of every character removed (kind + offsets into the raw input)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .patterns import iso_time
from .perf import collector_paused
from .spans import QuoteHeader

FORMAT = "threadclean/1"


@dataclass(frozen=True, slots=True)
class Origin:
    """``[start, end)`` in code points of one input: a JSON post's ``text`` (``input`` = its id),
    or the whole decoded file (``input`` = None)."""

    input: str | None
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Removal:
    """Text that left the output, and why."""

    kind: str
    origin: Origin
    text: str
    header: QuoteHeader | None = None  # a quote header's removal: what it said
    replacement: str | None = None  # what stands in the post's text in its place (an entity's character)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "origin": self.origin.to_dict(), "text": self.text}
        if self.header is not None:
            out.update(self.header.to_dict())
        if self.replacement is not None:
            out["replacement"] = self.replacement
        return out


@dataclass(frozen=True, slots=True)
class Replacement:
    """Raw text that the post's text reads as something else, nothing removed: an entity
    (``&amp;``) as its character. ``replacement`` stands in the post's ``text`` in its place."""

    origin: Origin
    text: str
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin.to_dict(), "text": self.text, "replacement": self.replacement}


@dataclass(frozen=True, slots=True)
class Quote:
    """A repeated passage, collapsed into a reference to its first appearance.

    ``post`` is the id of the post where the passage first appears and ``source`` its exact
    place; ``text`` is the copy as it stood (noise included) and ``at`` where it stood in the
    post's cleaned ``text``. ``quoted`` is, for an explicit quote, the post its header named
    (``post`` may be earlier still: where that post's words first appeared). A quote of words that
    are not in the input (a post not in the file, or deleted) has no ``post`` and no ``source``:
    ``author``, ``time`` and ``quoted`` say what its header said.
    """

    post: str | None
    origin: Origin
    source: Origin | None
    text: str
    at: int
    similarity: float
    explicit: bool
    author: str | None = None
    time: str | None = None
    paragraph: int = 1
    quoted: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "post": self.post,
            "origin": self.origin.to_dict(),
            "source": self.source.to_dict() if self.source is not None else None,
            "text": self.text,
            "at": self.at,
            "similarity": round(self.similarity, 4),
            "explicit": self.explicit,
            "author": self.author,
            "time": self.time,
            "paragraph": self.paragraph,
            "quoted": self.quoted,
        }


@dataclass(frozen=True, slots=True)
class Post:
    """One post: its own words in ``text``, what it quoted, what was removed from it, and what in it
    reads as something else (``replaced``: its entities)."""

    id: str
    text: str
    origin: Origin
    author: str | None = None
    time: str | None = None
    quotes: tuple[Quote, ...] = ()
    removed: tuple[Removal, ...] = ()
    replaced: tuple[Replacement, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "time": self.time,
            "time_iso": iso_time(self.time),  # None where it cannot be read
            "text": self.text,
            "origin": self.origin.to_dict(),
            "quotes": [q.to_dict() for q in self.quotes],
            "removed": [r.to_dict() for r in self.removed],
            "replaced": [r.to_dict() for r in self.replaced],
        }


@dataclass(frozen=True)
class Stats:
    """A result's figures: posts, characters in and out, copies collapsed, noise removed by kind
    (``{kind: {"count", "chars"}}``), and what the caps left out of the repeat search. Figures of
    several results add up with ``+``.

    >>> (Stats(posts=2, removed={"smiley": {"count": 1, "chars": 9}}) + Stats(posts=1)).posts
    3
    """

    posts: int = 0
    chars_in: int = 0
    chars_out: int = 0
    quotes: int = 0
    chars_quoted: int = 0
    removed: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    not_searched: Mapping[str, Any] | None = None  # {"posts", "chars", "why": {cap: posts}}

    COUNTERS = ("posts", "chars_in", "chars_out", "quotes", "chars_quoted")

    def __add__(self, other: Stats) -> Stats:
        removed: dict[str, dict[str, int]] = {k: dict(v) for k, v in self.removed.items()}
        for kind, figures in other.removed.items():
            mine = removed.setdefault(kind, {"count": 0, "chars": 0})
            mine["count"] += figures["count"]
            mine["chars"] += figures["chars"]
        return Stats(
            posts=self.posts + other.posts, chars_in=self.chars_in + other.chars_in,
            chars_out=self.chars_out + other.chars_out, quotes=self.quotes + other.quotes,
            chars_quoted=self.chars_quoted + other.chars_quoted, removed=dict(sorted(removed.items())),
            not_searched=_sum_not_searched(self.not_searched, other.not_searched),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {c: getattr(self, c) for c in self.COUNTERS}
        out["removed"] = {k: dict(v) for k, v in self.removed.items()}
        if self.not_searched:
            out["not_searched"] = self.not_searched
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Stats:
        return cls(posts=doc.get("posts", 0), chars_in=doc.get("chars_in", 0), chars_out=doc.get("chars_out", 0),
                   quotes=doc.get("quotes", 0), chars_quoted=doc.get("chars_quoted", 0),
                   removed=doc.get("removed", {}), not_searched=doc.get("not_searched"))


def _sum_not_searched(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not a or not b:
        return a or b
    why = dict(a["why"])
    for cap, n in b["why"].items():
        why[cap] = why.get(cap, 0) + n
    return {"posts": a["posts"] + b["posts"], "chars": a["chars"] + b["chars"], "why": dict(sorted(why.items()))}


@dataclass(frozen=True)
class CleanResult:
    """A cleaned thread. ``to_dict()`` is the ``threadclean/1`` JSON document; ``render()`` the
    text layout (see docs/format.md)."""

    posts: tuple[Post, ...]
    removed: tuple[Removal, ...] = ()
    id: str | None = None
    title: str | None = None
    stats: Stats = field(default_factory=Stats)
    warnings: tuple[str, ...] = ()  # what cleaning had to guess or leave out, one sentence each
    # what read it: an engine's name, "generic", "generic-page", "flat", "posts", "posts:ENGINE"
    reader: str | None = None
    dialect: str | None = None  # the markup of its bodies: html, bbcode, markdown, text (None: none)

    @property
    def text(self) -> str:
        """The own words of every post, one post per paragraph, tidied as ``post_records`` gives
        them (a Parquet shard's ``text`` column is this)."""
        return text_of([p.text for p in self.posts])

    def to_dict(self) -> dict[str, Any]:
        with collector_paused():  # a dict and lists per post and per removal, and no cycles
            return {
                "format": FORMAT,
                "id": self.id,
                "title": self.title,
                "reader": {"name": self.reader, "dialect": self.dialect},
                "posts": [p.to_dict() for p in self.posts],
                "removed": [r.to_dict() for r in self.removed],
                "stats": self.stats.to_dict(),
                **({"warnings": list(self.warnings)} if self.warnings else {}),
            }

    def post_records(self, *, thread: str | None = None) -> list[dict[str, Any]]:
        """One record per post, for a corpus: the thread's id (``thread`` or the result's), the
        post's id, author, time (ISO 8601 where it can be read; ``time_raw`` as the forum wrote
        it), its own words (paragraphs kept, runs of blank lines and edge white space trimmed:
        the text layout's form without its markers), and its quotes as ``{post, author}``."""
        posts = [{"id": p.id, "author": p.author, "time": p.time, "text": p.text,
                  "quotes": [{"post": q.post, "author": q.author} for q in p.quotes]} for p in self.posts]
        return post_records_of(posts, thread=thread if thread is not None else self.id)

    def render(self) -> str:
        """The thread in threadclean's re-readable text layout."""
        from .layout import render

        return render(self)


def text_of(texts: list[str]) -> str:
    """Posts' own words as ``CleanResult.text`` joins them: tidied, one post per paragraph."""
    from .layout import tidy

    return "\n\n".join(t for t in (tidy(x) for x in texts) if t)


def post_records_of(posts: list[dict[str, Any]], *, thread: str | None) -> list[dict[str, Any]]:
    """``CleanResult.post_records`` of a ``threadclean/1`` document's posts (a quote found in
    another thread names it: ``thread``, its ``path`` and ``id``)."""
    from .layout import tidy

    return [{"thread": thread, "post": p["id"], "author": p["author"], "time": iso_time(p["time"]),
             "time_raw": p["time"], "text": tidy(p["text"]),
             "quotes": [{"post": q["post"], "author": q["author"], **({"thread": q["thread"]} if "thread" in q else {})}
                        for q in p["quotes"]]}
            for p in posts]
