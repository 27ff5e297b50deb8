"""Engines: the dump and page formats threadclean reads beyond a flat text.

An engine is one module with its own patterns, its own detectors and an ``Engine`` entry:

- ``sniff(text)`` tells whether a text is in its format;
- ``parse(text)`` reads it: a ``Dump`` says where each post lies in the text (with author,
  time and floor) and which spans between posts are structure (post headers, separators),
  offsets indexing the text as given; a ``Page`` gives its posts' bodies as the HTML parser
  writes them, and offsets index those;
- ``detectors`` find, by kind, the noise its format alone writes inside posts (the built-in
  detectors run as well), and ``quote_end`` is where its quote boxes close: a copy never runs
  on past one;
- ``sniff_posts(bodies)`` tells whether posts given apart from their page or dump (a scraper's
  JSON) have bodies in its format, so that its detectors read them as they read its dumps.

To add an engine: write ``engines/NAME.py`` with its patterns, detectors and ``ENGINE`` (or
``ENGINES``), list it in ``_registry`` below, and name its kinds in ``config.NOISE_KINDS``
(the registry refuses an engine whose kinds are not there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ...config import NOISE_KINDS
from ...errors import ConfigError
from ...spans import Detector, Span


@dataclass(frozen=True, slots=True)
class PostSpan:
    """Where one post's body lies in a dump's text, and what its header said."""

    id: str
    start: int
    end: int
    author: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class PagePost:
    """One post of a saved page: its id on the page, author, time, and body as the parser writes it."""

    id: str
    text: str
    author: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Dump:
    """A text read by a dump engine: where its posts lie, and the structure between them."""

    posts: list[PostSpan]
    structure: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    """A saved page read by a page engine: its posts' bodies, and the page's title."""

    posts: list[PagePost]
    title: str | None = None


@dataclass(frozen=True)
class Engine:
    """A format threadclean reads: how to tell it, how to read it, and the noise it alone writes."""

    name: str
    sniff: Callable[[str], bool]
    parse: Callable[[str], Dump | Page]
    detectors: Mapping[str, Detector] = field(default_factory=dict)  # by the kind each finds
    quote_end: regex.Pattern[str] | None = None  # where a quote box closes: a copy stops there
    sniff_posts: Callable[[Sequence[str]], bool] | None = None  # bodies of this format, given as posts
    dialect: str | None = None  # the markup of its bodies (threadclean.strip.dialects); None: told from them

    @property
    def kinds(self) -> frozenset[str]:
        """The noise kinds of the engine's own detectors."""
        return frozenset(self.detectors)


@lru_cache(maxsize=1)
def _registry() -> dict[str, Engine]:
    from . import bbs1984, discourse, discuz, discuzmd, email, mail, mailpage, phpbb, stage1st, western

    # a mail file before a mail reply: a digest or an mbox also holds "On … wrote:" and ">" lines
    engines = (discuz.ENGINE, *western.ENGINES, *phpbb.ENGINES, stage1st.ENGINE, bbs1984.ENGINE, discuzmd.ENGINE,
               *discourse.ENGINES, *mail.ENGINES, mailpage.ENGINE, email.ENGINE)
    for engine in engines:
        unknown = engine.kinds - set(NOISE_KINDS)
        if unknown:  # a kind the options cannot name could never be switched off
            raise AssertionError(f"engine {engine.name}: kinds {sorted(unknown)} are not in config.NOISE_KINDS")
    return {e.name: e for e in engines}


def find(text: str) -> Engine | None:
    """The engine whose format ``text`` is in, if any."""
    for engine in _registry().values():
        if engine.sniff(text):
            return engine
    return None


_SNIFFED_POSTS = 500  # bodies read to tell the engine of posts given as JSON


def find_for_posts(bodies: Sequence[str]) -> Engine | None:
    """The engine whose bodies these are (posts a scraper wrote apart from their page), if any."""
    sample = list(bodies[:_SNIFFED_POSTS])
    for engine in _registry().values():
        if engine.sniff_posts is not None and engine.sniff_posts(sample):
            return engine
    return None


def by_name(name: str) -> Engine:
    """The engine called ``name``; a ``ConfigError`` naming the known ones if there is none."""
    try:
        return _registry()[name]
    except KeyError:
        raise ConfigError(f"engine: unknown engine {name!r}; known: {', '.join(names())}") from None


def names() -> list[str]:
    """Every engine's name, sorted."""
    return sorted(_registry())
