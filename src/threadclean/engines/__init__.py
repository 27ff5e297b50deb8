"""Engines: the dump and page formats threadclean reads beyond a flat text.

An engine is one module with its own patterns and a ``ENGINE`` entry: a ``sniff`` that tells
whether a text is in its format, and a ``parse`` that returns a ``Document``. A dump engine
says where each post lies in the text (with author, time and floor) and which spans between
posts are structure (post headers, separators); offsets index the text as given. A page engine
gives its posts as records whose text is each body's HTML as its parser writes it; offsets
index those. Both bring their own noise detectors for what stands inside posts.

To add an engine: write ``engines/NAME.py`` with its patterns, detectors and ``ENGINE``, and
add it to ``REGISTRY`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from ..noise import Detector
from ..spans import Span


@dataclass(frozen=True, slots=True)
class PostSpan:
    """Where one post's body lies in the text, and what its header said."""

    id: str
    start: int
    end: int
    author: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Document:
    """A text read by an engine: its posts, the spans between them, and its detectors."""

    posts: list[PostSpan]
    structure: list[Span] = field(default_factory=list)
    detectors: Mapping[str, Detector] = field(default_factory=dict)  # by the kind each finds
    # a page: its posts as records (id, author, time, text = the body as the parser writes it)
    records: list[dict[str, Any]] | None = None
    title: str | None = None
    quote_end: regex.Pattern[str] | None = None  # where a quote box closes: a copy stops there


@dataclass(frozen=True)
class Engine:
    name: str
    sniff: Callable[[str], bool]
    parse: Callable[[str], Document]


def _registry() -> dict[str, Engine]:
    from . import bbs1984, discuz, discuzmd, email, stage1st, western

    engines = (discuz.ENGINE, *western.ENGINES, stage1st.ENGINE, bbs1984.ENGINE, discuzmd.ENGINE, email.ENGINE)
    return {e.name: e for e in engines}


def find(text: str) -> Engine | None:
    """The engine whose format ``text`` is in, if any."""
    for engine in _registry().values():
        if engine.sniff(text):
            return engine
    return None


def by_name(name: str) -> Engine:
    """The engine called ``name`` (KeyError if there is none)."""
    return _registry()[name]


def names() -> list[str]:
    return sorted(_registry())
