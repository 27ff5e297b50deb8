"""Stage 3, split: where each post lies, what of it is searched, and which copies fall in it.

A post being built is a ``Region``: its input, its raw ``[start, end)`` (input offsets), its
noise, and the copies placed in it. Copies come from the repeat finder in stream offsets;
``place_copies`` cuts each one at the posts it crosses and turns it into ``PlacedCopy``
pieces (the copy in input offsets, its source in thread offsets). Settling adds noise and
copies to regions through ``add_noise`` and ``add_copy``; nothing else changes a region.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..find.collapse import Copy
from ..find.stream import Stream
from ..spans import Input, Piece, QuoteHeader, Span, read_pieces

__all__ = ["PlacedCopy", "Region", "own_pieces", "place_copies"]


@dataclass(frozen=True, slots=True)
class PlacedCopy:
    """A piece of a copy placed in a post: ``[start, end)`` of its input repeats thread offsets
    ``[source_start, source_end)`` (None: a quote whose source is not in the input); ``quoted``
    is, for an explicit quote, the thread offset its header's post held it at (before redirects
    to the first appearance)."""

    start: int
    end: int
    source_start: int | None
    source_end: int | None
    similarity: float
    explicit: bool
    header: QuoteHeader | None = None
    quoted: int | None = None
    header_at: int | None = None  # thread offset of the header that marked it


@dataclass
class Region:
    """A post being built: its input and raw ``[start, end)``, its noise and the copies in it."""

    id: str
    record: Input
    start: int
    end: int
    noise: list[Span]
    copies: list[PlacedCopy] = field(default_factory=list)
    searched: bool = True  # within the caps of the repeat search (see limits.py)

    def add_noise(self, spans: Iterable[Span]) -> None:
        """More noise found in the region's own words (settling)."""
        self.noise = sorted(self.noise + list(spans))

    def add_copy(self, copy: PlacedCopy) -> None:
        self.copies.append(copy)


def own_pieces(region: Region) -> tuple[list[Piece], list[tuple[int, int]]]:
    """The pieces of a region's own words as they read (input offsets), and its quotes' spans,
    both in order."""
    raw = region.record.raw
    if not region.copies:  # most posts: their words are all but their noise
        return read_pieces(raw, region.start, region.end, region.noise), []
    quotes = sorted((c.start, c.end) for c in region.copies)
    quote_spans = [Span(a, b, "quote") for a, b in quotes]
    return read_pieces(raw, region.start, region.end, _outside(region.noise, quotes) + quote_spans), quotes


def _outside(noise: list[Span], quotes: list[tuple[int, int]]) -> list[Span]:
    """The noise spans no quote holds whole, in one walk of both (each sorted; quotes disjoint).

    >>> [(s.start, s.end) for s in _outside([Span(0, 2, "x"), Span(5, 6, "x"), Span(9, 12, "x")], [(4, 10)])]
    [(0, 2), (9, 12)]
    """
    out, q = [], 0
    for span in sorted(noise):
        while q < len(quotes) and quotes[q][1] <= span.start:
            q += 1  # quotes that end before this span cannot hold it, nor any later one
        if not (q < len(quotes) and quotes[q][0] <= span.start and span.end <= quotes[q][1]):
            out.append(span)
    return out


def place_copies(regions: list[Region], copies: list[Copy], stream: Stream) -> None:
    """Give each region the pieces of the copies that fall inside it (cut in stream offsets,
    where noise no longer stands between the characters)."""
    raw = np.asarray([(r.record.base + r.start, r.record.base + r.end) for r in regions], dtype=np.int64)
    bounds = stream.at_or_after_all(raw.reshape(-1)).reshape(-1, 2).tolist() if regions else []
    firsts = [b[0] for b in bounds]
    replaced = _Replaced(regions)
    for copy in copies:
        k = max(0, bisect.bisect_right(firsts, copy.target_start) - 1)
        while k < len(regions) and bounds[k][0] < copy.target_end:
            a, b = max(copy.target_start, bounds[k][0]), min(copy.target_end, bounds[k][1])
            if b - a >= 2:
                g0, g1 = replaced.widen(*stream.raw_range(a, b))
                h0: int | None = None
                h1: int | None = None
                if not copy.sourceless:
                    s0 = min(copy.source_end - 1, copy.source_start + (a - copy.target_start))
                    s1 = copy.source_end if b == copy.target_end else max(s0 + 1, min(copy.source_end, s0 + b - a))
                    h0, h1 = replaced.widen(*stream.raw_range(s0, s1))
                base = regions[k].record.base
                quoted = int(stream.to_raw[copy.quoted]) if copy.quoted is not None else None
                regions[k].add_copy(PlacedCopy(g0 - base, g1 - base, h0, h1, copy.similarity, copy.explicit,
                                               copy.header, quoted, copy.header_at))
            k += 1


class _Replaced:
    """The thread's replaced noise spans (an entity read as its character), in thread offsets:
    the only noise whose place the stream holds, so the only noise a copy's end can fall in."""

    def __init__(self, regions: list[Region]) -> None:
        spans = sorted({(r.record.base + n.start, r.record.base + n.end) for r in regions for n in r.noise
                        if n.replacement is not None})
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def widen(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` grown to hold whole every replaced span it cuts."""
        if not self.starts:
            return start, end
        k = bisect.bisect_right(self.starts, start) - 1
        if k >= 0 and start < self.ends[k]:
            start = self.starts[k]
        k = bisect.bisect_left(self.starts, end) - 1
        if k >= 0 and end < self.ends[k]:
            end = self.ends[k]
        return start, end
