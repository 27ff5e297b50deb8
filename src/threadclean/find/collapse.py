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

from ..spans import QuoteHeader
from .align import Chain, similarity
from .atoms import atoms, names_one_thing, snap, solid
from .stream import SEPARATOR

_WORDISH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")  # a run of these is a word (the stream is folded)
_MIN_PIECE = 2  # a piece of a split copy shorter than this joins its neighbour
_PIECE_SIMILARITY = 0.9  # a piece of an edited chain, cut by better chains, is kept this close to its source
_REDIRECT_SIMILARITY = 0.95  # a copy of a copy goes back to the first appearance through this close a copy


@dataclass(frozen=True, slots=True)
class Found:
    """A chain in stream offsets, and whether it follows a quote header (and which)."""

    chain: Chain
    explicit: bool = False
    header: QuoteHeader | None = None
    header_at: int | None = None  # thread offset where the header that marked it starts


@dataclass(frozen=True, slots=True)
class Copy:
    """Stream ``[target_start, target_end)`` repeats ``[source_start, source_end)``; a quote whose
    source is not in the input has no source (``source_start`` is -1: see ``sourceless``)."""

    target_start: int
    target_end: int
    source_start: int
    source_end: int
    similarity: float
    explicit: bool
    header: QuoteHeader | None
    quoted: int | None = None  # an explicit quote: where its header's post held it, before redirects
    header_at: int | None = None  # thread offset where the header that marked it starts

    @property
    def sourceless(self) -> bool:
        """A quote of words that are not in the input (a post not in the file, or deleted)."""
        return self.source_start < 0


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


def _within_segment(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` cut at the first separator in it: a source read off past its chain's last
    block (an edited tail) must not run into the next segment, whose separator has no raw place.

    >>> _within_segment("abc" + SEPARATOR + "def", 1, 6)
    (1, 3)
    """
    cut = text.find(SEPARATOR, start, end)
    return start, end if cut < 0 else cut


def select(found: Iterable[Found], *, min_chars: int, text: str, min_similarity: float = 0.0) -> list[Copy]:
    """Disjoint copies from overlapping chains, best chain first for every character.

    Each piece is cut where a reader sees a boundary (``atoms.snap``) and where an atom it holds
    is not its source's; an unmarked piece must then keep ``min_chars`` non-space characters
    outside atoms (or repeat an image or link that names one thing), an explicit one any, and be
    ``min_similarity`` like its source on its own (a piece of an edited chain may not be).
    """
    ranked = sorted(
        found, key=lambda f: (not f.explicit, -f.chain.matched, f.chain.source_start, f.chain.target_start)
    )
    taken: list[tuple[int, int]] = []
    out: list[Copy] = []
    for f in ranked:
        c = f.chain
        for lo, hi in _subtract(c.target_start, c.target_end, taken):
            for a, b in _agreeing(c, text, *snap(text, lo, hi)):
                if b - a < _MIN_PIECE or (not f.explicit and _weight(text, a, b, min_chars) < min_chars):
                    continue
                s0 = max(0, _source_at(c, a))
                s0, s1 = _within_segment(text, s0, max(s0 + 1, _source_at(c, b - 1) + 1))
                if s1 <= s0:
                    continue  # the source would begin on a separator
                if c.similarity < 1.0 and not f.explicit and (a, b) != (c.target_start, c.target_end) and \
                        similarity(text[a:b], text[s0 : max(s1, s0 + 1)]) < max(min_similarity, _PIECE_SIMILARITY):
                    continue  # what is left of an edited chain, once better ones took their part
                out.append(Copy(a, b, s0, s1, c.similarity, f.explicit, f.header,
                                s0 if f.explicit else None, f.header_at))
                bisect.insort(taken, (a, b))
    return sorted(out, key=lambda c: c.target_start)


def _agreeing(chain: Chain, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut around every atom that is not what the source holds in its place.

    >>> text = '<img src="a/1.png"> <img src="a/2.png">'
    >>> _agreeing(Chain(0, 19, 20, 39, 18, 0.95, ((0, 20, 17), (18, 38, 1))), text, 20, 39)
    []
    """
    if start >= end:
        return []
    pieces, at = [], start
    for a, b in atoms(text, start, end):
        if text[_source_at(chain, a) : _source_at(chain, b - 1) + 1] != text[a:b]:
            if a > at:
                pieces.append((at, a))
            at = b
    if at < end:
        pieces.append((at, end))
    return pieces


def _weight(text: str, start: int, end: int, min_chars: int) -> int:
    """What a piece counts towards ``min_chars``: its characters outside atoms, or enough where
    it repeats an image or link that names one thing (the same picture posted again)."""
    weight = solid(text, start, end)
    if weight < min_chars and any(names_one_thing(text[a:b]) for a, b in atoms(text, start, end)):
        return min_chars
    return weight


def to_first_appearance(copies: list[Copy], text: str | None = None) -> list[Copy]:
    """Copies whose source is itself a copy, redirected to what that copy repeats (where that
    copy is close to its own source: a copy of an edited copy repeats the edit).

    ``copies`` are disjoint and sorted by target; a source always lies before its target, so
    one pass in order sees every copy's source already resolved.
    """
    done: list[Copy] = []
    starts: list[int] = []
    for copy in copies:
        pieces = _redirect(copy, done, starts)
        if text is not None and len(pieces) > 1:
            pieces = _on_word_bounds(pieces, text)
        if text is not None and not all(_sound(piece, text) for piece in pieces):
            pieces = [copy]  # an edited copy's source, mapped on one diagonal, ran off its segment
        for piece in pieces:
            done.append(piece)
            starts.append(piece.target_start)
    return done


def _sound(copy: Copy, text: str) -> bool:
    """A source of one or more characters inside one segment (or none at all)."""
    if copy.sourceless:
        return True
    a, b = copy.source_start, copy.source_end
    return 0 <= a < b <= len(text) and text.find(SEPARATOR, a, b) < 0


def _on_word_bounds(pieces: list[Copy], text: str) -> list[Copy]:
    """Pieces of one copy, each split point moved back to the start of the word it fell in (the
    source a copy of a copy went back to may end mid-word where the copy's words go on): the word
    goes whole to the piece after, which holds the same text on its own diagonal."""
    out = [pieces[0]]
    for piece in pieces[1:]:
        at = piece.target_start
        back = at
        while back > out[-1].target_start + 1 and text[back - 1] in _WORDISH and text[back] in _WORDISH:
            back -= 1
        if back < at and text[back] in _WORDISH and text[at - 1] in _WORDISH:
            moved = at - back
            out[-1] = replace(out[-1], target_end=back, source_end=out[-1].source_end - moved)
            piece = replace(piece, target_start=back, source_start=piece.source_start - moved)
        out.append(piece)
    return out


def _redirect(copy: Copy, done: list[Copy], starts: list[int]) -> list[Copy]:
    shift = copy.target_start - copy.source_start  # a copy maps its source on one diagonal
    i = max(0, bisect.bisect_right(starts, copy.source_start) - 1)
    pieces: list[Copy] = []
    at = copy.source_start
    while i < len(done) and done[i].target_start < copy.source_end:
        d = done[i]
        i += 1
        a, b = max(at, d.target_start), min(copy.source_end, d.target_end)
        if b <= a or d.sourceless or d.similarity < _REDIRECT_SIMILARITY:
            continue  # an edited copy's words are its own edit's: the copy of it points at them
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


def collapse(found: Iterable[Found], *, min_chars: int, text: str, min_similarity: float = 0.0) -> list[Copy]:
    """Chains to disjoint copies, each pointing at its first appearance."""
    return to_first_appearance(select(found, min_chars=min_chars, text=text, min_similarity=min_similarity), text)
