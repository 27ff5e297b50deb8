"""Phase 1 of the repeat finder: candidate pairs of windows, found with MinHash LSH.

The stream is cut into windows of three blocks of ``Config.window // 3`` tokens (a token is
one CJK character or one word), overlapping by two blocks. A copy cut at either end is a
fragment of its source, so what matters is how much of a short window lies inside some source
window (containment); with windows this short and this densely spaced, every window inside a
copy has a source window that shares at least two thirds of it, and Jaccard over such pairs
stands in for containment.

datasketch defines the sketch: the permutations are those of a datasketch ``MinHash``. The
index bands the sketch two rows a band (what ``MinHashLSH`` picks for 24 or 32 permutations at
the default threshold; see ``_banding``) and checks the threshold on the whole sketch. The sketches
of all windows are computed in bulk with numpy (the same values ``MinHash.update_batch`` would
give, which tests/test_candidates.py checks), and the bands are matched by sorting, so no
Python code runs per window.

This is the only module that imports datasketch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .. import patterns as p
from ..config import Config
from .bands import KEY_SPAN, Memory, all_pairs, band_keys, in_sorted, pairs_after_change
from .stream import SEPARATOR, Stream

_SEED = 1  # fixed: the same input gives the same candidates in every process
_TOKEN_CHUNK = 1 << 19  # permuted values computed at once (tokens x permutations): bounds the bulk pass's memory
_SMALL_CHANGE = 0.1  # share of windows in changed segments up to which a search starts from the last one


@dataclass(frozen=True)
class Tokens:
    """The stream's tokens: their stream offsets, segments and shingle hashes."""

    starts: np.ndarray
    ends: np.ndarray
    segments: np.ndarray
    shingles: np.ndarray  # uint32 hash of the n-gram that starts at each token (cut at its segment's end)


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Per code point of the BMP: 2 for a CJK character (a token alone), 1 for a letter or digit
    of other scripts (runs of them are words), 0 for the rest."""
    every = "".join(map(chr, range(0x10000))).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    table = np.zeros(0x10000, np.uint8)
    table[[m.start() for m in p.WORD_CHAR.finditer(every)]] = 1
    table[[m.start() for m in p.CJK_CHARS.finditer(every)]] = 2
    return table


def tokenize(stream: Stream, *, ngram: int) -> Tokens:
    """Tokens and shingle hashes of the stream, deterministic across processes, in numpy."""
    codes = np.frombuffer(stream.text.encode("utf-32-le"), dtype=np.uint32)
    table = _char_classes()
    cls = table[np.minimum(codes, 0xFFFF)]
    cls[codes > 0xFFFF] = 0
    cls[(codes >= 0x20000) & (codes < 0x40000)] = 2  # the CJK extension planes
    word = cls == 1
    prev_word = np.concatenate(([False], word[:-1]))
    next_word = np.concatenate((word[1:], [False]))
    # token starts come out sorted: the first letter of every word and every CJK character
    starts = np.flatnonzero((word & ~prev_word) | (cls == 2))
    word_starts = np.flatnonzero(word & ~prev_word)
    word_ends = np.flatnonzero(word & ~next_word) + 1
    ends = starts + 1
    ends[word[starts]] = word_ends
    # a word's id is a polynomial hash of its code points (over the letters alone, which in
    # Chinese text are few); a one-character token's is its code point
    letters = codes[word].astype(np.uint64)
    lengths = word_ends - word_starts
    first = np.cumsum(lengths) - lengths
    with np.errstate(over="ignore"):
        base = np.uint64(0x100000001B3)
        powers = np.cumprod(np.full(letters.size + 1, base, dtype=np.uint64))
        powers = np.concatenate(([np.uint64(1)], powers[:-1]))
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(letters * powers[:-1])))
        inverse = np.uint64(pow(int(base), -1, 1 << 64))
        inv_powers = np.cumprod(np.full(letters.size + 1, inverse, dtype=np.uint64))
        inv_powers = np.concatenate(([np.uint64(1)], inv_powers[:-1]))
        word_ids = (prefix[first + lengths] - prefix[first]) * inv_powers[first]
    token_ids = codes[starts].astype(np.uint64) | np.uint64(1 << 40)
    long_word = lengths > 1
    token_ids[np.searchsorted(starts, word_starts[long_word])] = word_ids[long_word]
    n = token_ids.size
    # each segment's first token, from one search per segment (not one per token); every
    # segment holds a token or none, and a token's segment and where it ends follow by repeat
    first_token = np.searchsorted(starts, stream.starts)
    per_segment = np.diff(np.append(first_token, n))
    segments = np.repeat(np.arange(first_token.size), per_segment)
    # tokens from each one to its segment's end, so an n-gram never reaches into the next post
    room = np.repeat(first_token + per_segment, per_segment) - np.arange(n)
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        shingles = (token_ids + np.uint64(1)) * mult
        for k in range(1, ngram):
            head = shingles[: n - k]  # a view: updated in place where the n-gram still fits
            np.copyto(head, (head ^ (token_ids[k:] + np.uint64(k + 1))) * mult, where=room[: n - k] > k)
        shingles ^= shingles >> np.uint64(29)
    return Tokens(starts, ends, segments, (shingles >> np.uint64(32)).astype(np.uint32))


@dataclass(frozen=True)
class Windows:
    """Windows as token ranges ``[first, stop)`` with their stream offsets and segments."""

    first: np.ndarray
    stop: np.ndarray
    start: np.ndarray
    end: np.ndarray
    segment: np.ndarray
    blocks: tuple[np.ndarray, np.ndarray]  # first block and number of blocks of each window
    block_starts: np.ndarray  # first token of every block


def windows(tokens: Tokens, *, block: int) -> Windows:
    """Blocks of ``block`` tokens per segment (the last one shorter), and windows of three."""
    n = tokens.starts.size
    if n == 0:
        empty = np.zeros(0, np.int64)
        return Windows(empty, empty, empty, empty, empty, (empty, empty), empty)
    seg_first = np.flatnonzero(np.diff(tokens.segments, prepend=-1))
    seg_len = np.diff(np.append(seg_first, n))
    per_seg = -(-seg_len // block)  # blocks per segment
    block_seg = np.repeat(np.arange(seg_first.size), per_seg)
    rank = np.arange(block_seg.size) - np.repeat(np.cumsum(per_seg) - per_seg, per_seg)
    block_starts = seg_first[block_seg] + rank * block
    # a window is three consecutive blocks of a segment, or all of a segment's blocks if fewer
    wins_per_seg = np.maximum(per_seg - 2, 1)
    win_seg = np.repeat(np.arange(seg_first.size), wins_per_seg)
    win_rank = np.arange(win_seg.size) - np.repeat(np.cumsum(wins_per_seg) - wins_per_seg, wins_per_seg)
    first_block = (np.cumsum(per_seg) - per_seg)[win_seg] + win_rank
    count = np.minimum(3, per_seg[win_seg])
    first = block_starts[first_block]
    last_block = first_block + count - 1
    stop = np.where(
        last_block + 1 < block_starts.size,
        np.minimum(np.append(block_starts, n)[last_block + 1], seg_first[win_seg] + seg_len[win_seg]),
        n,
    )
    return Windows(
        first, stop, tokens.starts[first], tokens.ends[stop - 1], tokens.segments[first],
        (first_block, count), block_starts,
    )


# datasketch's permutations for the default sketch, ``MinHash(num_perm=16, seed=1).permutations``
# (datasketch 2.0's affine32 scheme), written out so that a run with the default settings never
# imports datasketch, which loads scipy: 0.5 s of every start. tests/test_candidates.py checks them
# against datasketch, so a datasketch that changes its permutations fails the tests, not the output.
_DEFAULT_PERM = 16
_DEFAULT_A = (3582191691, 4270784983, 1892572953, 3715639441, 982527, 1100580627, 2597016983, 4286725387,
              1260623519, 2027988865, 793182497, 3406602499, 1599963033, 3332127887, 2968344027, 1458107385)
_DEFAULT_B = (1704103302, 4018109721, 2314200242, 3634877716, 1800426750, 1345499493, 2942995346, 2252917204,
              878115723, 1904615676, 3771485674, 986026652, 117628829, 2295290254, 2879636018, 3925436996)


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    if num_perm == _DEFAULT_PERM:
        return np.array(_DEFAULT_A, dtype=np.uint32), np.array(_DEFAULT_B, dtype=np.uint32)
    return _datasketch_permutations(num_perm)


def _datasketch_permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutations of a datasketch ``MinHash`` of ``num_perm`` at this module's seed."""
    # imported here, not at the top: datasketch loads scipy (0.5 s), and only a sketch of other
    # than the default size needs it
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=_SEED).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser, as datasketch applies it before its affine permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(tokens: Tokens, wins: Windows, *, num_perm: int) -> np.ndarray:
    """MinHash signature of every window, ``(num_perm, windows)`` uint32, in bulk.

    Column ``i`` equals ``datasketch.MinHash(num_perm, seed=1, hashfunc=int)`` updated with
    window ``i``'s shingles: the permutations are datasketch's, and a window's minimum is the
    minimum of its blocks' minima. One row a permutation keeps every pass over the sketches
    (minima, band keys) on contiguous memory.
    """
    out = np.empty((num_perm, wins.first.size), dtype=np.uint32)
    if wins.first.size == 0:
        return out
    a, b = _permutations(num_perm)
    starts = wins.block_starts
    block_min = np.empty((num_perm, starts.size), dtype=np.uint32)
    with np.errstate(over="ignore"):
        mixed = _fmix32(tokens.shingles)
        # a slice of whole blocks at a time, all permutations at once: the temporaries stay small
        # enough for the cache, and the minimum runs along contiguous rows
        step = max(1, _TOKEN_CHUNK // max(1, num_perm))
        for lo in range(0, starts.size, step):
            hi = min(starts.size, lo + step)
            t0 = starts[lo]
            t1 = starts[hi] if hi < starts.size else mixed.size
            permuted = a[:, None] * mixed[None, t0:t1] + b[:, None]
            block_min[:, lo:hi] = np.minimum.reduceat(permuted, starts[lo:hi] - t0, axis=1)
    # a window is one to three consecutive blocks: the minima of every run of two and of three
    first_block, count = wins.blocks
    two = np.minimum(block_min[:, :-1], block_min[:, 1:])
    three = np.minimum(two[:, :-1], block_min[:, 2:])
    for k, minima in ((1, block_min), (2, two), (3, three)):
        chosen = np.flatnonzero(count == k)
        out[:, chosen] = minima[:, first_block[chosen]]
    return out


@dataclass(frozen=True)
class Sketched:
    """The stream's windows, each with its stream ``[start, end)``, segment, tokens and sketch."""

    start: np.ndarray
    end: np.ndarray
    segment: np.ndarray
    size: np.ndarray  # tokens in the window
    sigs: np.ndarray  # (num_perm, windows)


@dataclass
class Sketches:
    """The windows and sketches of every segment the last search read, by the segment's text,
    in offsets from the segment's start: a segment read again unchanged (in a settling round,
    every post the round before did not change) is neither tokenised nor sketched again.

    A segment's tokens, windows and sketches depend on its text alone (no token, shingle or
    window reaches past a segment's end), so reading them here gives what sketching the whole
    stream would: tests/test_candidates.py checks both give the same.
    """

    index: dict[str, tuple[int, int]] = field(default_factory=dict)  # text → its windows [lo, hi)
    start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    size: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sigs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint32))
    settings: tuple[int, int, int] | None = None  # (ngram, block, num_perm) they were made with
    sketched: list[int] = field(default_factory=list)  # the segments the last search sketched


def sketch(stream: Stream, config: Config, cache: Sketches | None = None) -> Sketched:
    """Every window of the stream with its sketch; with ``cache``, only the segments it does not
    hold are tokenised and sketched (in one bulk pass over a stream of just them), and the cache
    then holds this stream's segments."""
    block = max(1, config.window // 3)
    if cache is None:
        return _sketched(stream, config.ngram, block, config.num_perm)
    settings = (config.ngram, block, config.num_perm)
    if cache.settings != settings:  # sketches made with other settings are no use: start afresh
        empty = np.zeros(0, np.int64)
        cache.index, cache.settings = {}, settings
        cache.start, cache.end, cache.size = empty, empty, empty
        cache.sigs = np.zeros((config.num_perm, 0), np.uint32)
    texts = [stream.text[a:b] for a, b in stream.bounds]
    held = [cache.index.get(t) for t in texts]
    missed = [k for k, h in enumerate(held) if h is None]
    cache.sketched = missed
    start, end, size, sigs = cache.start, cache.end, cache.size, cache.sigs
    lo = np.fromiter((h[0] if h is not None else -1 for h in held), dtype=np.int64, count=len(held))
    hi = np.fromiter((h[1] if h is not None else -1 for h in held), dtype=np.int64, count=len(held))
    if missed:
        bounds, at = [], 0
        for k in missed:
            bounds.append((at, at + len(texts[k])))
            at += len(texts[k]) + 1
        fresh = _sketched(Stream(SEPARATOR.join(texts[k] for k in missed) + SEPARATOR, np.zeros(0, np.int64),
                                 bounds), config.ngram, block, config.num_perm)
        base = np.asarray([b[0] for b in bounds], dtype=np.int64)[fresh.segment]
        order = np.arange(len(missed))
        first = np.searchsorted(fresh.segment, order, side="left") + start.size
        last = np.searchsorted(fresh.segment, order, side="right") + start.size
        lo[missed], hi[missed] = first, last
        start = np.concatenate((start, fresh.start - base))
        end = np.concatenate((end, fresh.end - base))
        size = np.concatenate((size, fresh.size))
        sigs = np.concatenate((sigs, fresh.sigs), axis=1)
    counts = hi - lo
    offsets = np.cumsum(counts) - counts
    gather = np.repeat(lo - offsets, counts) + np.arange(int(counts.sum()), dtype=np.int64)
    segment = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    rel_start, rel_end, size, sigs = start[gather], end[gather], size[gather], sigs[:, gather]
    cache.start, cache.end, cache.size, cache.sigs = rel_start, rel_end, size, sigs
    cache.index = dict(zip(texts, zip(offsets.tolist(), (offsets + counts).tolist(), strict=True), strict=True))
    shift = stream.starts[segment]
    return Sketched(rel_start + shift, rel_end + shift, segment, size, sigs)


def _sketched(stream: Stream, ngram: int, block: int, num_perm: int) -> Sketched:
    tokens = tokenize(stream, ngram=ngram)
    wins = windows(tokens, block=block)
    sigs = signatures(tokens, wins, num_perm=num_perm)
    return Sketched(wins.start, wins.end, wins.segment, wins.stop - wins.first, sigs)


def _banding(num_perm: int) -> tuple[int, int]:
    """(bands, rows): two rows a band, as many bands as the permutations give.

    ``MinHashLSH`` picks the same for 24 or 32 permutations at the default threshold, but one
    row a band for 16: a band of one row puts every window with one equal minimum in one bucket,
    and on a long thread those buckets are so full that the true source is not among the few
    earliest windows a window is paired with (recall 0.978 instead of 0.997 at 100,000 posts).
    The threshold is applied afterwards, on the whole sketch.

    >>> _banding(16), _banding(32)
    ((8, 2), (16, 2))
    """
    return num_perm // 2, 2


def band_keys_of(stream: Stream, config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The windows of a stream as the search within a thread makes them, for the search across
    threads: each window's key in each band (``(bands, windows)`` uint64) and its raw
    ``[start, end)``. The same tokens, windows, sketches and banding as ``find_candidates``."""
    tokens = tokenize(stream, ngram=config.ngram)
    wins = windows(tokens, block=max(1, config.window // 3))
    if wins.first.size == 0:
        empty = np.zeros(0, np.int64)
        return np.zeros((0, 0), np.uint64), empty, empty
    sigs = signatures(tokens, wins, num_perm=config.num_perm)
    bands, rows = _banding(config.num_perm)
    return band_keys(sigs, bands=bands, rows=rows), stream.to_raw[wins.start], stream.to_raw[wins.end - 1] + 1


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs as parallel arrays of stream offsets, sorted by target window (so by
    ``target_start``).

    Each pair is a later window (``target_*``) and an earlier one it may repeat (``source_*``);
    ``agreement`` is the share of their sketches that agree (the Jaccard estimate).
    """

    target_start: np.ndarray
    target_end: np.ndarray
    target_segment: np.ndarray
    source_start: np.ndarray
    source_end: np.ndarray
    source_segment: np.ndarray
    agreement: np.ndarray
    containment: np.ndarray  # estimated share of the smaller window's shingles found in the other

    def __len__(self) -> int:
        return int(self.target_start.size)

    def targeting(self, start: int, end: int) -> list[tuple[int, int]]:
        """(target start, source start) of the pairs whose target window starts in ``[start, end)``."""
        lo, hi = np.searchsorted(self.target_start, [start, end])
        return list(zip(self.target_start[lo:hi].tolist(), self.source_start[lo:hi].tolist(), strict=True))


def _none() -> Candidates:
    empty = np.zeros(0, np.int64)
    return Candidates(empty, empty, empty, empty, empty, empty, np.zeros(0), np.zeros(0))


def find_candidates(
    stream: Stream, config: Config, *, focus: np.ndarray | None = None, memory: Memory | None = None,
    placed: Sequence[tuple[int, int]] = (), sketches: Sketches | None = None,
) -> Candidates:
    """Every (later window, earlier window) pair whose sketches collide in the LSH bands.

    A collision is checked against the whole sketch (bands let through pairs below the
    threshold), and per window only the ``config.max_candidates`` most similar sources are kept
    (the earliest among equals): the cap bounds the work on boilerplate.

    With ``focus`` (a flag per segment) and ``memory`` (what the search before saw, which this
    search updates), a pair is kept only if a window of it is in a flagged segment or the pair
    is new: which pairs a window gets depends on the whole thread, so a pair between two
    unchanged segments can be new when others changed. Only the buckets a change touched are
    sorted again (see bands.py).

    A window that starts in a ``placed`` stretch (stream offsets: an explicit quote already
    aligned with its source) is no pair's target: that text needs no search. It stays a
    source, since a later paste may copy the quote whole where its source was pieces.

    ``sketches`` (from the search before, which this one updates) spares the segments it holds
    their tokens and sketches (see ``Sketches``); the candidates are the same.
    """
    wins = sketch(stream, config, sketches)
    if wins.start.size < 2:
        return _none()
    sigs = wins.sigs
    bands, rows = _banding(config.num_perm)
    per_bucket = min(2, config.max_candidates)
    keys = band_keys(sigs, bands=bands, rows=rows)
    ids = stream.to_raw[wins.start]
    ends = stream.to_raw[wins.end - 1] + 1
    if memory is not None and (int(ends.max()) >= KEY_SPAN or bool(np.any(ids[1:] <= ids[:-1]))):
        memory.ids = memory.pairs = None  # no keys for this thread: every search is whole
        memory = None
    flagged = None if focus is None else focus[wins.segment]
    # after a small change, only the touched buckets are sorted again; after a large one (most
    # buckets touched), sorting them all is quicker, and both give the same pairs
    small = flagged is not None and flagged.mean() <= _SMALL_CHANGE
    if memory is not None and flagged is not None and small and memory.holds(per_bucket, bands):
        pairs, stale, buckets = pairs_after_change(keys, ids, ends, flagged, memory, per_bucket=per_bucket)
    else:
        pairs, buckets = all_pairs(keys, ids, per_bucket=per_bucket, buckets=memory is not None)
        stale = None
    if len(placed):
        pairs = pairs[~_inside(wins.start, placed)[pairs[:, 0]]]
    t, s, j = _most_similar(pairs, sigs, wins, config)
    if memory is not None:
        t, s, j = _new_or_flagged((t, s, j), ids, flagged, stale, memory)
        memory.ids, memory.ends, memory.keys, memory.buckets = ids, ends, keys, buckets
    # Jaccard j of sets of sizes a and b share j/(1+j)*(a+b) elements: of the smaller, that share
    a, b = wins.size[t], wins.size[s]
    contained = np.minimum(1.0, j / (1 + j) * (a + b) / np.minimum(a, b))
    return Candidates(
        wins.start[t], wins.end[t], wins.segment[t], wins.start[s], wins.end[s], wins.segment[s], j, contained
    )


def _inside(offsets: np.ndarray, stretches: Sequence[tuple[int, int]]) -> np.ndarray:
    """Which of ``offsets`` lie in one of ``stretches`` (``[start, end)`` pairs, any order).

    >>> _inside(np.array([0, 3, 5, 9, 12]), [(8, 12), (2, 5)]).tolist()
    [False, True, False, True, False]
    """
    edges = np.asarray(stretches, dtype=np.int64).reshape(-1, 2)
    order = np.argsort(edges[:, 0], kind="stable")
    starts, ends = edges[order, 0], np.maximum.accumulate(edges[order, 1])
    at = np.searchsorted(starts, offsets, side="right") - 1
    return (at >= 0) & (offsets < ends[np.maximum(at, 0)])


def _most_similar(
    pairs: np.ndarray, sigs: np.ndarray, wins: Sketched, config: Config
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(target, source, agreement) of each window's ``max_candidates`` most similar earlier
    windows at the threshold or above, the earliest among equals, sorted by target."""
    n, perms = sigs.shape[1], sigs.shape[0]
    codes = np.sort(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if codes.size else codes
    target, source = np.divmod(codes, n)
    keep = wins.end[source] <= wins.start[target]
    target, source = target[keep], source[keep]
    equal = np.empty(target.size, dtype=np.int64)
    by_window = np.ascontiguousarray(sigs.T)  # a window's sketch in one cache line: pairs jump about
    for lo in range(0, target.size, 65536):  # bounded memory on boilerplate-heavy threads
        hi = lo + 65536
        equal[lo:hi] = (by_window[target[lo:hi]] == by_window[source[lo:hi]]).sum(axis=1)
    keep = equal / perms >= config.lsh_threshold
    target, source, equal = target[keep], source[keep], equal[keep]
    # per target, most similar first, then earliest: one sort of (target, perms - equal, source)
    ranked = np.sort((target * (perms + 1) + (perms - equal)) * n + source)
    rest, source = np.divmod(ranked, n)
    target, unequal = np.divmod(rest, perms + 1)
    rank = np.arange(target.size) - np.searchsorted(target, target, side="left")
    keep = rank < config.max_candidates
    return target[keep], source[keep], (perms - unequal[keep]) / perms


def _new_or_flagged(
    found: tuple[np.ndarray, np.ndarray, np.ndarray], ids: np.ndarray, flagged: np.ndarray | None,
    stale: np.ndarray | None, memory: Memory,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs with a flagged side or that the last search did not have; ``memory`` then
    holds this search's pairs. ``stale`` (raw starts, sorted) names the windows whose pairs
    the memory no longer holds (``None``: all of them); every other window kept its pairs."""
    t, s, j = found
    keys = ids[t] * KEY_SPAN + ids[s]
    before = memory.pairs
    now = np.sort(keys)
    if stale is not None and before is not None:  # the others' pairs, as the last search found them
        now = np.sort(np.concatenate((before[~in_sorted(before // KEY_SPAN, stale)], now)))
    memory.pairs = now
    if flagged is None or before is None:
        return found
    keep = flagged[t] | flagged[s] | ~in_sorted(keys, before)
    return t[keep], s[keep], j[keep]
