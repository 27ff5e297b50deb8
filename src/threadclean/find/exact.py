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
    hashes[crossing] = np.uint64(1 << 63) | np.flatnonzero(crossing).astype(np.uint64)  # each alone
    _, first_index, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    first = first_index[inverse]  # the earliest run with the same hash
    seeds = np.flatnonzero(~crossing & (first < starts))
    if seeds.size == 0:
        return []
    segment_of = np.searchsorted(stream.starts, np.arange(len(text)), side="right") - 1
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
    found: list[Found] = []
    made: set[tuple[int, int, int]] = set()
    least = config.min_copy_chars
    for a, b in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
        t0 = int(seeds[a])
        t1 = int(seeds[b - 1]) + _WIDTH
        s0 = t0 - int(shift[a])
        if text[s0 : s0 + (t1 - t0)] != text[t0:t1]:
            continue  # two runs that only share a hash
        while s0 > 0 and text[s0 - 1] == text[t0 - 1] != SEPARATOR:  # grown back and on where
            s0, t0 = s0 - 1, t0 - 1  # the hashes were not looked at (a run's first characters)
        size = t1 - t0
        while t1 < len(text) and text[s0 + size] == text[t1] != SEPARATOR:
            t1, size = t1 + 1, size + 1
        if size < least:
            continue  # short even grown: the collapse would not keep it
        if (s0, t0, size) not in made:
            made.add((s0, t0, size))
            found.append(Found(Chain(s0, s0 + size, t0, t1, size, 1.0, ((s0, t0, size),))))
    return found
