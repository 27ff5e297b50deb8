"""What cleaning returns: posts with their own words, references to what they quoted, and an
account of every character removed (kind + offsets into the raw input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "origin": self.origin.to_dict(), "text": self.text}
        if self.header is not None:
            out.update(self.header.to_dict())
        return out


@dataclass(frozen=True, slots=True)
class Quote:
    """A repeated passage, collapsed into a reference to its first appearance.

    ``post`` is the id of the post where the passage first appears and ``source`` its exact
    place; ``text`` is the copy as it stood (noise included) and ``at`` where it stood in the
    post's cleaned ``text``. ``quoted`` is, for an explicit quote, the post its header named
    (``post`` may be earlier still: where that post's words first appeared).
    """

    post: str
    origin: Origin
    source: Origin
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
            "source": self.source.to_dict(),
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
    """One post: its own words in ``text``, what it quoted, and what was removed from it."""

    id: str
    text: str
    origin: Origin
    author: str | None = None
    time: str | None = None
    quotes: tuple[Quote, ...] = ()
    removed: tuple[Removal, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "time": self.time,
            "text": self.text,
            "origin": self.origin.to_dict(),
            "quotes": [q.to_dict() for q in self.quotes],
            "removed": [r.to_dict() for r in self.removed],
        }


@dataclass(frozen=True)
class CleanResult:
    """A cleaned thread. ``to_dict()`` is the ``threadclean/1`` JSON document; ``render()`` the
    text layout (see docs/format.md)."""

    posts: tuple[Post, ...]
    removed: tuple[Removal, ...] = ()
    id: str | None = None
    title: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The own words of every post, one post per paragraph."""
        return "\n\n".join(p.text.strip() for p in self.posts if p.text.strip())

    def to_dict(self) -> dict[str, Any]:
        with collector_paused():  # a dict and lists per post and per removal, and no cycles
            return {
                "format": FORMAT,
                "id": self.id,
                "title": self.title,
                "posts": [p.to_dict() for p in self.posts],
                "removed": [r.to_dict() for r in self.removed],
                "stats": self.stats,
            }

    def render(self) -> str:
        """The thread in threadclean's re-readable text layout."""
        from .layout import render

        return render(self)
