"""The search across threads: postings to candidate pairs of posts, pairs to aligned chains,
chains to the copies each post keeps, in the archive's order.

Three steps, each a pure function of its input, so that any split of the work (one process,
a pool, a cluster) gives the same copies:

1. ``pairs_in``: the postings of some keys (all of a key's postings together) to pairs of
   windows. In a bucket (one key) a window is paired with the first windows of the first
   three threads there, those before it and of another thread, two at most: the first window
   of a passage is where it first appeared, and a bucket of boilerplate costs its size, not its
   square. A key held by more than ``max_shared`` windows is left out and counted.
2. ``best_sources`` then ``chains_for``: per target post, the source posts its windows pair with
   most (``MAX_SOURCES`` at most), each aligned with it.
3. ``settle``: each post's chains in the archive's order, cut where their source's words are
   themselves a copy (so every copy names a first appearance), then the earliest source first.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import regex

from ..config import Config
from ..find.align import align, similarity
from .entries import PostEntry
from .sketch import solid, words

PER_BUCKET = 2  # sources a window is paired with in a bucket
_HEADS = 3  # threads at a bucket's head whose first windows are those sources
MAX_SOURCES = 8  # source posts a target post is aligned with, those it pairs with most
PAIR = np.dtype([("target", "<i8"), ("source", "<i8")])


def _thread(gpn: np.ndarray) -> np.ndarray:
    return gpn >> 24


def pairs_in(rows: np.ndarray, *, max_shared: int) -> tuple[np.ndarray, int, int]:
    """The (target post, source post) pair of every window pair the buckets of ``rows``
    (``POSTING`` rows, any order, every posting of a key among them) give, as ``PAIR`` rows
    (one per window pair, so a pair of posts that share many windows comes many times); and the
    keys left out for holding more than ``max_shared`` windows, and their postings.

    >>> from threadclean.across.sketch import POSTING
    >>> r = np.zeros(3, POSTING); r["key"] = 7; r["gpn"] = [1 << 24, 2 << 24, 3 << 24]
    >>> pairs, _, _ = pairs_in(r, max_shared=10); pairs.tolist()
    [(33554432, 16777216), (50331648, 16777216), (50331648, 33554432)]
    """
    rows = np.sort(rows, order=("key", "rank", "gpn", "start"))
    n = rows.size
    if n < 2:
        return np.zeros(0, PAIR), 0, 0
    key = rows["key"]
    new = np.ones(n, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, n))
    thread = _thread(rows["gpn"])
    big = sizes > max_shared
    skipped_keys, skipped_rows = int(big.sum()), int(sizes[big].sum())
    # buckets of one thread (or one window) pair nothing; huge ones are boilerplate
    lo, hi = np.minimum.reduceat(thread, starts), np.maximum.reduceat(thread, starts)
    useful = (lo != hi) & ~big
    if not useful.any():
        return np.zeros(0, PAIR), skipped_keys, skipped_rows
    keep = np.repeat(useful, sizes)
    rows, thread = rows[keep], thread[keep]
    sizes = sizes[useful]
    starts = np.cumsum(sizes) - sizes
    n = rows.size
    bucket_start = np.repeat(starts, sizes)
    index = np.arange(n)
    none = np.int64(n)
    heads = [bucket_start]
    for _ in range(_HEADS - 1):  # the first window of the next thread not yet at the head
        other = np.ones(n, dtype=bool)
        for h in heads:
            other &= thread != thread[np.minimum(h, n - 1)]
        first = np.minimum.reduceat(np.where(other, index, none), starts)
        heads.append(np.repeat(first, sizes))
    found = []
    taken = np.zeros(n, dtype=np.int64)
    for h in heads:
        ok = (h < index) & (taken < PER_BUCKET)
        ok[ok] = thread[h[ok]] != thread[ok]
        taken += ok
        pair = np.empty(int(ok.sum()), PAIR)
        pair["target"], pair["source"] = rows["gpn"][ok], rows["gpn"][h[ok]]
        found.append(pair)
    return np.concatenate(found), skipped_keys, skipped_rows


def best_sources(pairs: np.ndarray) -> dict[int, list[int]]:
    """Per target post, the ``MAX_SOURCES`` source posts it pairs with most (the earliest in the
    archive's number among equals), from every window pair of the archive (any order)."""
    if pairs.size == 0:
        return {}
    codes, counts = np.unique(pairs, return_counts=True)
    order = np.lexsort((codes["source"], -counts, codes["target"]))
    codes = codes[order]
    targets = codes["target"]
    first = np.searchsorted(targets, targets, side="left")
    keep = np.arange(targets.size) - first < MAX_SOURCES
    out: dict[int, list[int]] = {}
    for t, s in zip(targets[keep].tolist(), codes["source"][keep].tolist(), strict=True):
        out.setdefault(t, []).append(s)
    return out


@dataclass(frozen=True, slots=True)
class CrossChain:
    """Target post text ``[blocks' span)`` repeats source post ``source`` text, as equal runs
    ``(source offset, target offset, length)`` in the two posts' texts."""

    source: int
    blocks: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True, slots=True)
class CrossCopy:
    """``text[start:end]`` of a post repeats ``text[source_start:source_end]`` of post ``source``."""

    start: int
    end: int
    source: int
    source_start: int
    source_end: int
    similarity: float


# the folding of the search within a thread (``find.stream``): full-width ASCII to ASCII, the
# ideographic space to a space, A-Z to a-z
_FOLD = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, **{c: c - 0xFEE0 + 32 for c in range(0xFF21, 0xFF3B)},
         0x3000: 0x20, **{c: c + 32 for c in range(0x41, 0x5B)}}
_SOLID = regex.compile(r"[^\s\u200b\ufeff]++")  # a run of what is not white space (as the stream counts it)


def _folded(text: str) -> tuple[str, np.ndarray]:
    r"""A post's words folded as the search within a thread folds them (white space between
    letters of spaced scripts one space, none between CJK characters), and each character's
    offset in the text.

    >>> _folded("Ａb  c\n中 文")
    ('ab c 中文', array([0, 1, 3, 4, 5, 6, 8]))
    """
    out: list[str] = []
    where: list[int] = []
    for base, piece in words(text):
        folded = piece.translate(_FOLD)
        for m in _SOLID.finditer(folded):
            run = m.group()
            if out and (out[-1][-1] < "\x80" or run[0] < "\x80"):  # white space stood between the two
                out.append(" ")
                where.append(base + m.start() - 1)
            out.append(run)
            where.extend(range(base + m.start(), base + m.end()))
    return "".join(out), np.asarray(where, dtype=np.int64)


def _text_blocks(blocks: Iterable[tuple[int, int, int]], s_map: np.ndarray, t_map: np.ndarray
                 ) -> list[tuple[int, int, int]]:
    """Equal runs of two folded texts as runs of the texts themselves (a run breaks where the
    folding dropped white space on one side)."""
    out = []
    for s, t, n in blocks:
        sr, tr = s_map[s : s + n], t_map[t : t + n]
        cut = np.flatnonzero((np.diff(sr) != 1) | (np.diff(tr) != 1)) + 1
        for a, b in zip(np.concatenate(([0], cut)).tolist(), np.concatenate((cut, [n])).tolist(), strict=True):
            out.append((int(sr[a]), int(tr[a]), b - a))
    return out


def chains_for(target: PostEntry, sources: Sequence[PostEntry], config: Config,
               folded: dict[int, tuple[str, np.ndarray]] | None = None) -> list[CrossChain]:
    """The chains of ``target``'s text that repeat each of ``sources``' texts (``folded``: the
    posts folded so far, by number, which this call adds to)."""
    folded = {} if folded is None else folded

    def fold(e: PostEntry) -> tuple[str, np.ndarray]:
        if e.gpn not in folded:
            folded[e.gpn] = _folded(e.text)
        return folded[e.gpn]

    t_text, t_map = fold(target)
    out = []
    for source in sources:
        s_text, s_map = fold(source)
        for chain in align(s_text, t_text, max_gap=config.max_gap, min_matched=max(1, config.min_copy_chars // 2)):
            out.append(CrossChain(source.gpn, tuple(_text_blocks(chain.blocks, s_map, t_map))))
    return out


def _cut_blocks(blocks: Sequence[tuple[int, int, int]], holes: Sequence[tuple[int, int]], *, side: int
                ) -> list[tuple[int, int, int]]:
    """The blocks with the parts whose ``side`` (0: source, 1: target) offsets fall in ``holes``
    (sorted, disjoint ``[a, b)``) taken out.

    >>> _cut_blocks([(100, 0, 10)], [(2, 4), (8, 20)], side=1)
    [(100, 0, 2), (104, 4, 4)]
    """
    if not holes:
        return list(blocks)
    out = []
    for s, t, n in blocks:
        lo = s if side == 0 else t
        hi, at = lo + n, lo
        for a, b in holes[max(0, bisect.bisect_right(holes, (lo, 1 << 62)) - 1):]:
            if a >= hi:
                break
            if b <= at:
                continue
            if a > at:
                out.append((s + at - lo, t + at - lo, a - at))
            at = max(at, b)
        if at < hi:
            out.append((s + at - lo, t + at - lo, hi - at))
    return out


Block = tuple[int, int, int]


def _runs(blocks: list[Block], barriers: Sequence[int], max_gap: int) -> list[list[Block]]:
    """Blocks (in target order) grouped into runs: a run breaks at an edit wider than
    ``max_gap`` on either side, or where a barrier stands between two blocks."""
    runs: list[list[Block]] = []
    for block in sorted(blocks, key=lambda b: b[1]):
        if runs:
            s, t, n = runs[-1][-1]
            gap_ok = 0 <= block[0] - (s + n) <= max_gap and 0 <= block[1] - (t + n) <= max_gap
            k = bisect.bisect_left(barriers, t + n)  # a quote of the thread stands between them
            crossed = k < len(barriers) and barriers[k] <= block[1]
            if gap_ok and not crossed:
                runs[-1].append(block)
                continue
        runs.append([block])
    return runs


def _split_at_barriers(blocks: list[tuple[int, int, int]], barriers: Sequence[int]) -> list[tuple[int, int, int]]:
    out = []
    for s, t, n in blocks:
        cuts = [b for b in barriers if t < b < t + n]
        at = t
        for c in [*cuts, t + n]:
            out.append((s + at - t, at, c - at))
            at = c
    return out


def settle(
    targets: Iterable[tuple[PostEntry, Sequence[CrossChain]]],
    entries: Mapping[int, PostEntry],
    collapsed: dict[int, list[tuple[int, int]]],
    config: Config,
) -> dict[int, list[CrossCopy]]:
    """Each target's copies, the targets taken in the archive's order (rank, then number).

    ``entries`` holds every source post; ``collapsed`` the text ranges of posts already cut as
    copies (those of earlier runs, from the index), which this call extends with its own: a
    chain's parts whose source is itself a copy are cut out, so a copy always names words that
    stand in their post. Of overlapping chains, the one whose source comes first wins.
    """
    out: dict[int, list[CrossCopy]] = {}
    for target, chains in targets:
        pieces = []
        for chain in chains:
            source = entries[chain.source]
            blocks = _cut_blocks(chain.blocks, collapsed.get(chain.source, []), side=0)
            blocks = _split_at_barriers(blocks, target.barriers)
            for run in _runs(blocks, target.barriers, config.max_gap):
                pieces.append(((source.rank, source.gpn, -sum(n for _, _, n in run)), source, run))
        pieces.sort(key=lambda p: p[0])
        taken: list[tuple[int, int]] = []
        copies = []
        for _, source, run in pieces:
            for part in _runs(_cut_blocks(run, taken, side=1), target.barriers, config.max_gap):
                s0, t0, _ = part[0]
                s1, t1, n1 = part[-1]
                t_end, s_end = t1 + n1, s1 + n1
                piece = target.text[t0:t_end]
                if solid(piece) < config.min_copy_chars:
                    continue
                sim = similarity(source.text[s0:s_end], piece)
                if sim < config.min_similarity:
                    continue
                copies.append(CrossCopy(t0, t_end, source.gpn, s0, s_end, sim))
                bisect.insort(taken, (t0, t_end))
        if copies:
            copies.sort(key=lambda c: c.start)
            out[target.gpn] = copies
            collapsed[target.gpn] = sorted(collapsed.get(target.gpn, []) + [(c.start, c.end) for c in copies])
    return out
