"""Engines: the dump and page formats threadclean reads beyond a flat text.

An engine is one module with its own patterns and a ``ENGINE`` entry: a ``sniff`` that tells
whether a text is in its format, and a ``parse`` that returns a ``Document``: where each post
lies in the text (with author, time and floor), the structural spans between posts (post
headers, separators), and the engine's own noise detectors for what stands inside posts.
Offsets index the text as given, so a result still rebuilds it exactly.

To add an engine: write ``engines/NAME.py`` with its patterns, detectors and ``ENGINE``, and
add it to ``REGISTRY`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Engine:
    name: str
    sniff: Callable[[str], bool]
    parse: Callable[[str], Document]


def _registry() -> dict[str, Engine]:
    from . import bbs1984, stage1st

    return {e.name: e for e in (stage1st.ENGINE, bbs1984.ENGINE)}


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
