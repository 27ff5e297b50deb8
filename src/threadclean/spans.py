"""The offset model: the inputs a thread is read from, spans into them, and the interval algebra.

Everything in threadclean works in offsets into the raw input: detectors return spans, and the
text is cut once at the end. There are three offset spaces, and each type lives in one:

- **input offsets**: code points of one ``Input``'s ``raw`` text (a JSON post's ``text``, or the
  whole decoded file). Detectors, ``Span``, post regions and every ``Origin`` of the result
  are in this space.
- **thread offsets**: ``Input.base + input offset``: every input of a thread laid end to end,
  so one number names a character anywhere in the thread. A placed copy's source, and the
  quoted post a header named, are kept in this space until the result is assembled.
- **stream offsets**: characters of the repeat finder's folded stream (``find.stream``), which
  maps each one back to its thread offset (``Stream.to_raw``). The finder's ``Chain`` and
  ``Copy`` are in this space, and nothing else is.

``TextView`` lets a later pass look at a text as it would read with some spans removed, and
map what it finds back to input offsets.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import regex


@dataclass(frozen=True, slots=True)
class Input:
    """One input the offsets index: a JSON post (``input`` = its id), a page's post body, or the
    whole text of a file or page (``input`` = None or the page's name)."""

    input: str | None
    raw: str
    base: int  # where ``raw`` starts in the thread offsets
    author: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteHeader:
    """What a quote header says: who is quoted, when they wrote it, and the quoted post's id
    where the page links it. The document writes it beside the header's removal."""

    author: str
    time: str | None = None
    post: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"author": self.author}
        if self.time is not None:
            out["time"] = self.time
        if self.post is not None:
            out["post"] = self.post
        return out


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """``text[start:end]`` (input offsets) is noise of ``kind``; a quote header's span carries what
    it says in ``header``. A span with a ``replacement`` reads as that text in the output (an
    entity as its character, a line-break tag as a line break): never longer than the span."""

    start: int
    end: int
    kind: str = field(compare=False)
    header: QuoteHeader | None = field(default=None, compare=False)
    replacement: str | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return self.end - self.start


class Piece(NamedTuple):
    """A stretch of an input as a reader reads it: ``raw[start:end]`` itself, or (``replaced``)
    the replacement a noise span there reads as."""

    start: int
    end: int
    text: str
    replaced: bool = False


def read_pieces(raw: str, start: int, end: int, spans: Iterable[Span]) -> list[Piece]:
    """``raw[start:end]`` as it reads with ``spans`` taken out: the stretches between them, and
    each span that has a replacement as its replacement, in order (``spans`` sorted, disjoint).

    >>> [p.text for p in read_pieces("a&amp;b<x>c", 0, 11, [Span(1, 6, "entity", replacement="&"), Span(7, 10, "m")])]
    ['a', '&', 'b', 'c']
    """
    out: list[Piece] = []
    at = start
    for span in sorted(spans):
        if span.end <= at:
            continue
        if span.start >= end:
            break
        if span.start > at:
            out.append(Piece(at, span.start, raw[at : span.start]))
        if span.replacement and span.start >= at and span.end <= end:
            out.append(Piece(span.start, span.end, span.replacement, True))
        at = max(at, span.end)
        if at >= end:
            return out
    if at < end:
        out.append(Piece(at, end, raw[at:end]))
    return out


#: A detector: a text in, the spans of its kind out (offsets into that text); pure.
Detector = Callable[[str], list[Span]]


def spans_of(pattern: regex.Pattern[str], kind: str, text: str) -> list[Span]:
    """Every match of ``pattern`` in ``text`` as a span of ``kind``: the body of most detectors.

    >>> [(s.start, s.end) for s in spans_of(regex.compile("ab"), "x", "abcab")]
    [(0, 2), (3, 5)]
    """
    return [Span(m.start(), m.end(), kind) for m in pattern.finditer(text)]


def keep_disjoint(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlaps resolved: the earlier span wins, ties go to the longer one."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if out and span.start < out[-1].end:
            continue
        out.append(span)
    return out


def overlaps_any(span: Span, spans: list[Span]) -> bool:
    """Whether ``span`` overlaps one of ``spans`` (sorted and disjoint), in log time.

    >>> overlaps_any(Span(3, 5, "x"), [Span(0, 2, "a"), Span(4, 9, "b")])
    True
    """
    i = bisect.bisect_left(spans, span)
    return any(s.start < span.end and span.start < s.end for s in spans[max(0, i - 1) : i + 1])


def remove_spans(text: str, spans: Iterable[Span]) -> str:
    """``text`` with the given (disjoint) spans cut out."""
    pieces, at = [], 0
    for span in sorted(spans):
        pieces.append(text[at : span.start])
        at = max(at, span.end)
    pieces.append(text[at:])
    return "".join(pieces)


def gaps(start: int, end: int, spans: Iterable[Span]) -> Iterator[tuple[int, int]]:
    """The pieces of ``[start, end)`` that no span covers, in order."""
    at = start
    for span in sorted(spans):
        if span.start > at:
            yield at, min(span.start, end)
        at = max(at, span.end)
        if at >= end:
            return
    if at < end:
        yield at, end


class TextView:
    """``text`` as it reads with ``spans`` removed, with offsets mapped back to ``text``.

    >>> view = TextView("ab{x}cd", [Span(2, 5, "smiley")])
    >>> view.text
    'abcd'
    >>> view.to_raw(2)
    5
    """

    def __init__(self, text: str, spans: Iterable[Span]) -> None:
        self._starts: list[int] = [0]  # offset in the view where each kept piece starts
        self._raw: list[int] = [0]  # offset in ``text`` where that piece starts
        self.text = text
        if not spans:  # nothing removed (the common case): the view is the text
            return
        self._starts, self._raw = [], []
        pieces, at = [], 0
        for raw_start, raw_end in gaps(0, len(text), spans):
            self._starts.append(at)
            self._raw.append(raw_start)
            pieces.append(text[raw_start:raw_end])
            at += raw_end - raw_start
        self.text = "".join(pieces)

    def to_raw(self, offset: int) -> int:
        """The raw offset of the view's character at ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._raw[i] + offset - self._starts[i]

    def raw_spans(
        self, start: int, end: int, kind: str, header: QuoteHeader | None = None, replacement: str | None = None
    ) -> list[Span]:
        """The view's ``[start, end)`` as raw spans: one per kept piece it touches (a span with a
        ``replacement`` stays whole only where it touches one piece; it is dropped otherwise)."""
        out: list[Span] = []
        if end <= start:
            return out
        i = bisect.bisect_right(self._starts, start) - 1
        while start < end:
            piece_end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self.text)
            stop = min(end, piece_end)
            raw = self._raw[i] + start - self._starts[i]
            out.append(Span(raw, raw + stop - start, kind, header))
            start = stop
            i += 1
        if replacement is not None:
            return [Span(out[0].start, out[0].end, kind, header, replacement)] if len(out) == 1 else []
        return out
