"""Exact repeats, found by their characters: what the sketches see too few words in.

The candidates come from word and character tokens, so a line of code or a command's output
(``@set ^"\\n=^^^%LF%%LF%^%LF%%LF%^<nul ^^"``, ``total  used  free  shared``) holds too few of
them to be found, however long it is. Here every run of ``_WIDTH`` characters of the stream is
hashed (a rolling polynomial hash, vectorised); a run whose hash stood earlier in another post
seeds an exact match, and consecutive seeds at one distance from their source are one match,
checked character by character and grown to where the texts part. One sort of the hashes, no
pair of posts compared: near-linear.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import Config
from .align import Chain
from .collapse import Found
from .stream import SEPARATOR, Stream

_WIDTH = 16  # characters per hashed run: a copy worth collapsing holds many of them
_BASE = np.uint64(1_000_003)  # odd, so that it has an inverse modulo 2**64
_MAX_TEXT = 50_000_000  # characters of stream past which the pass is not run (memory: ~40 bytes a character)


def _inverse(base: int) -> int:
    """``base``'s inverse modulo 2**64 (Newton's iteration; ``base`` odd)."""
    inv = 1
    for _ in range(7):
        inv = (inv * (2 - base * inv)) % (1 << 64)
    return inv


def _run_hashes(codes: np.ndarray) -> np.ndarray:
    """The hash of every run of ``_WIDTH`` code points, ``codes[i:i + _WIDTH]`` for each ``i``."""
    n = codes.size - _WIDTH + 1
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(codes.size, _BASE, dtype=np.uint64))
        powers = np.concatenate(([np.uint64(1)], powers[:-1]))  # BASE ** i
        inverse = np.cumprod(np.full(codes.size, np.uint64(_inverse(int(_BASE))), dtype=np.uint64))
        inverse = np.concatenate(([np.uint64(1)], inverse[:-1]))  # BASE ** -i
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes.astype(np.uint64) * powers, dtype=np.uint64)))
        return (prefix[_WIDTH : _WIDTH + n] - prefix[:n]) * inverse[:n]


def _earliest(values: np.ndarray) -> np.ndarray:
    """For each value, the index of its earliest equal (its own where it is the first): one
    stable sort, and what ``np.unique`` would give with its index and inverse, for less.

    >>> _earliest(np.array([7, 3, 7, 3, 9], dtype=np.uint64)).tolist()
    [0, 1, 0, 1, 4]
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.ones(values.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    out = np.empty(values.size, dtype=np.int64)
    out[order] = order[np.maximum.accumulate(np.where(new, np.arange(values.size), 0))]
    return out


def _segment_of(starts: np.ndarray, size: int) -> np.ndarray:
    """The segment of every stream offset (segment ``k`` runs from ``starts[k]`` to the next
    segment's start, its separator included), the first starting at 0.

    >>> _segment_of(np.array([0, 3, 4]), 6).tolist()
    [0, 0, 0, 1, 2, 2]
    """
    return np.repeat(np.arange(starts.size), np.diff(np.append(starts, size)))


def _may_reach(codes: np.ndarray, t0: np.ndarray, t1: np.ndarray, shift: np.ndarray, least: int) -> np.ndarray:
    """Which runs of seeds (target ``[t0, t1)``, source ``shift`` before) may grow to ``least``
    characters: those as long already, and those that grow back and on, where the texts still
    agree, by what they lack (grown a step at a time for all runs at once, each only as far as
    it needs). The others cannot: most seeds of a thread that repeats short phrases are such
    runs, and each would cost a loop in Python only to be dropped.

    >>> codes = np.frombuffer("abcdefgh|abcdefgh".encode("utf-32-le"), dtype=np.uint32)
    >>> _may_reach(codes, np.array([11]), np.array([15]), np.array([9]), 8).tolist()
    [True]
    >>> _may_reach(codes, np.array([11]), np.array([15]), np.array([9]), 9).tolist()
    [False]
    """
    need = least - (t1 - t0)
    grown = np.zeros(t0.size, dtype=np.int64)
    for step, (t, s) in enumerate(((t0 - 1, t0 - shift - 1), (t1, t1 - shift))):
        sign = -1 if step == 0 else 1
        active = np.flatnonzero(need > grown)
        at_t, at_s = t[active], s[active]
        for _ in range(max(0, int(need.max(initial=0)))):
            ok = (at_s >= 0) & (at_t < codes.size)
            active, at_t, at_s = active[ok], at_t[ok], at_s[ok]
            same = (codes[at_t] == codes[at_s]) & (codes[at_t] != 0)
            active, at_t, at_s = active[same], at_t[same], at_s[same]
            grown[active] += 1
            still = need[active] > grown[active]
            active, at_t, at_s = active[still], at_t[still] + sign, at_s[still] + sign
            if active.size == 0:
                break
    return need <= grown


def _agreeing(text: str, source: int, target: int, most: int, *, backward: bool) -> int:
    """How many characters the texts agree on going back from (or on from) ``source`` and
    ``target``, ``most`` at most: by comparing slices of doubling length, then halving, so a
    long agreement costs a few comparisons in C, not a Python step per character.

    >>> _agreeing("xabcd|yabcd", 5, 11, 4, backward=True), _agreeing("abcX|abcY", 0, 5, 4, backward=False)
    (4, 3)
    """

    def agree(n: int) -> bool:
        if backward:
            return text[source - n : source] == text[target - n : target]
        return text[source : source + n] == text[target : target + n]

    if most <= 0 or not agree(1):
        return 0
    good, step = 1, 2
    while step <= most and agree(step):
        good, step = step, step * 2
    bad = min(step, most + 1)  # the first length known not to agree (or past the most)
    while bad - good > 1:
        mid = (good + bad) // 2
        if agree(mid):
            good = mid
        else:
            bad = mid
    return good


def exact_repeats(stream: Stream, config: Config, posts: Sequence[int] | None = None) -> list[Found]:
    """A chain for every stretch that repeats, exactly, an earlier post's text, at least
    ``min_copy_chars`` long (the collapse then counts what is not markup and not space).

    >>> from threadclean.find.stream import build_stream
    >>> code = '@set ^"n=^^^%lf%%lf%^%lf%%lf%^<nul ^^" & echo'
    >>> stream = build_stream([[(0, "a " + code + " b")], [(100, "c " + code + " d")]])
    >>> [stream.text[f.chain.target_start:f.chain.target_end] for f in exact_repeats(stream, Config())]
    [' @set ^"n=^^^%lf%%lf%^%lf%%lf%^<nul ^^" & echo ']
    """
    text = stream.text
    if len(text) < 2 * _WIDTH or len(text) > _MAX_TEXT or len(stream.bounds) < 2:
        return []
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    hashes = _run_hashes(codes)
    n = hashes.size
    starts = np.arange(n)
    # a run across a separator belongs to no segment: it never seeds
    separators = np.flatnonzero(codes == ord(SEPARATOR))
    crossing = np.zeros(n, dtype=bool)
    for offset in range(_WIDTH):
        at = separators - offset
        crossing[at[(at >= 0) & (at < n)]] = True
    inside = np.flatnonzero(~crossing)
    first = starts.copy()  # a run across a separator is its own earliest: it is no seed, and no source
    first[inside] = inside[_earliest(hashes[inside])]
    seeds = np.flatnonzero(first < starts)
    if seeds.size == 0:
        return []
    segment_of = _segment_of(stream.starts, len(text))
    source_seg = segment_of[first[seeds]]
    target_seg = segment_of[seeds]
    if posts is not None:
        owner = np.asarray(posts)
        keep = owner[source_seg] != owner[target_seg]
    else:
        keep = source_seg != target_seg
    seeds = seeds[keep]
    if seeds.size == 0:
        return []
    shift = seeds - first[seeds]
    # consecutive seeds at one distance from their source are one match
    breaks = np.flatnonzero((np.diff(seeds) != 1) | (np.diff(shift) != 0)) + 1
    run_starts = np.concatenate(([0], breaks))
    run_ends = np.concatenate((breaks, [seeds.size]))
    least = config.min_copy_chars
    long = _may_reach(codes, seeds[run_starts], seeds[run_ends - 1] + _WIDTH, shift[run_starts], least)
    found: list[Found] = []
    made: set[tuple[int, int, int]] = set()
    for a, b in zip(run_starts[long].tolist(), run_ends[long].tolist(), strict=True):
        t0 = int(seeds[a])
        t1 = int(seeds[b - 1]) + _WIDTH
        s0 = t0 - int(shift[a])
        if text[s0 : s0 + (t1 - t0)] != text[t0:t1]:
            continue  # two runs that only share a hash
        # grown back and on where the hashes were not looked at (a run's first characters), and
        # where the run's shift stops being the earliest one: to where the texts part or a
        # segment ends
        back = _agreeing(text, s0, t0, min(s0, t0 - text.rfind(SEPARATOR, 0, t0) - 1), backward=True)
        s0, t0 = s0 - back, t0 - back
        size = t1 - t0
        ahead = text.find(SEPARATOR, t1)
        t1 += _agreeing(text, s0 + size, t1, (len(text) if ahead < 0 else ahead) - t1, backward=False)
        size = t1 - t0
        if size < least:
            continue  # short even grown: the collapse would not keep it
        if (s0, t0, size) not in made:
            made.add((s0, t0, size))
            found.append(Found(Chain(s0, s0 + size, t0, t1, size, 1.0, ((s0, t0, size),))))
    return found
