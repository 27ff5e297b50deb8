"""Phase 3 of the repeat finder: turn aligned chains into copies of first appearances.

Chains overlap: the same reply can align with the original post and with every earlier copy of
it. Collapse picks, for every character, one chain (an explicit quote first, then the longest
chain, then the earliest source), and then follows copies of copies back to the passage they
all repeat, so every copy points at its canonical first appearance.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .. import patterns as p
from ..spans import QuoteHeader
from .align import Chain

_MIN_PIECE = 2  # a piece of a split copy shorter than this joins its neighbour
_TAG_REACH = 220  # longest tag INLINE_TAG matches: how far around a piece its tags are looked for


@dataclass(frozen=True, slots=True)
class Found:
    """A chain in stream offsets, and whether it follows a quote header (and which)."""

    chain: Chain
    explicit: bool = False
    header: QuoteHeader | None = None
    header_at: int | None = None  # thread offset where the header that marked it starts


@dataclass(frozen=True, slots=True)
class Copy:
    """Stream ``[target_start, target_end)`` repeats ``[source_start, source_end)``."""

    target_start: int
    target_end: int
    source_start: int
    source_end: int
    similarity: float
    explicit: bool
    header: QuoteHeader | None
    quoted: int | None = None  # an explicit quote: where its header's post held it, before redirects
    header_at: int | None = None  # thread offset where the header that marked it starts


def _source_at(chain: Chain, t: int) -> int:
    """The source offset aligned with target offset ``t`` (inside an edit: the nearest block)."""
    for s, tb, n in chain.blocks:
        if t < tb + n:
            return s + max(0, t - tb)
    s, tb, n = chain.blocks[-1]
    return s + n + (t - tb - n)


def _subtract(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` outside the sorted, disjoint intervals ``taken``."""
    out, at = [], start
    i = max(0, bisect.bisect_right(taken, (start, start)) - 1)
    while i < len(taken) and taken[i][0] < end:
        a, b = taken[i]
        if b > at:
            if a > at:
                out.append((at, a))
            at = max(at, b)
        i += 1
    if at < end:
        out.append((at, end))
    return out


def select(found: Iterable[Found], *, min_chars: int, text: str) -> list[Copy]:
    """Disjoint copies from overlapping chains, best chain first for every character.

    An unmarked piece must keep ``min_chars`` non-space characters; an explicit one any.
    """
    ranked = sorted(
        found, key=lambda f: (not f.explicit, -f.chain.matched, f.chain.source_start, f.chain.target_start)
    )
    taken: list[tuple[int, int]] = []
    out: list[Copy] = []
    for f in ranked:
        c = f.chain
        for a, b in _subtract(c.target_start, c.target_end, taken):
            if not f.explicit and _solid(text, a, b) < min_chars:
                continue
            if b - a < _MIN_PIECE:
                continue
            s0 = _source_at(c, a)
            s1 = _source_at(c, b - 1) + 1
            out.append(Copy(a, b, s0, max(s1, s0 + 1), c.similarity, f.explicit, f.header, s0 if f.explicit else None,
                            f.header_at))
            bisect.insort(taken, (a, b))
    return sorted(out, key=lambda c: c.target_start)


def _solid(text: str, a: int, b: int) -> int:
    """Non-space characters of ``text[a:b]`` outside markup tags.

    A tag repeats because the forum's template writes it, not because anyone copied it: every
    content image of a Stage1st dump ends in ``" referrerpolicy="no-referrer">``.

    >>> _solid('看图<img src="a.png" referrerpolicy="no-referrer">好看', 6, 50)
    2
    >>> _solid("两个 词", 0, 4)
    3
    """
    piece = text[a:b]
    solid = len(piece.replace(" ", ""))
    if "<" not in piece and ">" not in piece:
        return solid
    for m in p.INLINE_TAG.finditer(text, max(0, a - _TAG_REACH), min(len(text), b + _TAG_REACH)):
        lo, hi = max(a, m.start()), min(b, m.end())
        if lo < hi:
            solid -= len(text[lo:hi].replace(" ", ""))
    return solid


def to_first_appearance(copies: list[Copy]) -> list[Copy]:
    """Copies whose source is itself a copy, redirected to what that copy repeats.

    ``copies`` are disjoint and sorted by target; a source always lies before its target, so
    one pass in order sees every copy's source already resolved.
    """
    done: list[Copy] = []
    starts: list[int] = []
    for copy in copies:
        for piece in _redirect(copy, done, starts):
            done.append(piece)
            starts.append(piece.target_start)
    return done


def _redirect(copy: Copy, done: list[Copy], starts: list[int]) -> list[Copy]:
    shift = copy.target_start - copy.source_start  # a copy maps its source on one diagonal
    i = max(0, bisect.bisect_right(starts, copy.source_start) - 1)
    pieces: list[Copy] = []
    at = copy.source_start
    while i < len(done) and done[i].target_start < copy.source_end:
        d = done[i]
        i += 1
        a, b = max(at, d.target_start), min(copy.source_end, d.target_end)
        if b <= a:
            continue
        if a > at:
            pieces.append(replace(copy, target_start=at + shift, target_end=a + shift, source_start=at, source_end=a))
        moved = d.source_start - d.target_start
        pieces.append(replace(copy, target_start=a + shift, target_end=b + shift, source_start=a + moved,
                              source_end=b + moved))
        at = b
    if not pieces:
        return [copy]
    if at < copy.source_end:
        pieces.append(replace(copy, target_start=at + shift, target_end=copy.target_end, source_start=at,
                              source_end=copy.source_end))
    pieces[0] = replace(pieces[0], target_start=copy.target_start)
    pieces[-1] = replace(pieces[-1], target_end=copy.target_end)
    # an edited copy's source can be longer than the copy: the shifted pieces then run past its
    # end, so they are held inside it (never overlapping the next copy, never inside out)
    lo, hi = copy.target_start, copy.target_end
    held = []
    for piece in pieces:
        a, b = min(max(piece.target_start, lo), hi), min(max(piece.target_end, lo), hi)
        if b > a:
            held.append(replace(piece, target_start=a, target_end=b))
    return _join_small(held) if held else [copy]


def _join_small(pieces: list[Copy]) -> list[Copy]:
    out: list[Copy] = []
    for piece in pieces:
        if out and piece.target_end - piece.target_start < _MIN_PIECE:
            out[-1] = replace(out[-1], target_end=piece.target_end)
        elif out and out[-1].target_end - out[-1].target_start < _MIN_PIECE:
            out[-1] = replace(piece, target_start=out[-1].target_start)
        else:
            out.append(piece)
    return out


def collapse(found: Iterable[Found], *, min_chars: int, text: str) -> list[Copy]:
    """Chains to disjoint copies, each pointing at its first appearance."""
    return to_first_appearance(select(found, min_chars=min_chars, text=text))
