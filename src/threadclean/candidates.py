"""Phase 1 of the repeat finder: candidate pairs of windows, found with MinHash LSH.

The stream is cut into windows of ``Config.window`` tokens (a token is one CJK character or
one word). Every window is sketched and indexed, at a stride of a third of a window; the
windows that start on a whole window's step are also looked up, before they go into the
index, against every earlier window. A copy cut at either end is a fragment of its source, so
what matters is how much of a short window lies inside some source window (containment); with
windows this short and this densely indexed, every query window inside a copy has an indexed
source window that shares at least two thirds of it, and Jaccard over such pairs stands in for
containment.

This is the only module that imports datasketch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from . import patterns as p
from .config import Config
from .normalize import Stream

_SEED = 1  # fixed: the same input gives the same candidates in every process
_QUERY_STRIDES = 1  # every how many indexed windows one is looked up


@dataclass(frozen=True, slots=True)
class Window:
    """Stream offsets ``[start, end)`` of ``tokens`` consecutive tokens in one segment."""

    start: int
    end: int
    segment: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A later window that may repeat an earlier one."""

    target: Window
    source: Window


@dataclass(frozen=True)
class Tokens:
    """The stream's tokens: their stream offsets, segments and shingle hashes."""

    starts: np.ndarray
    ends: np.ndarray
    segments: np.ndarray
    shingles: np.ndarray  # hash of the n-gram that starts at each token (within its segment)


def tokenize(stream: Stream, *, ngram: int) -> Tokens:
    """Tokens and shingle hashes of the stream, deterministic across processes."""
    spans = [(m.start(), m.end(), m.group()) for m in p.TOKEN.finditer(stream.text)]
    ids: dict[str, int] = {}
    token_ids = np.fromiter((ids.setdefault(t, len(ids)) for _, _, t in spans), dtype=np.uint64, count=len(spans))
    starts = np.fromiter((s for s, _, _ in spans), dtype=np.int64, count=len(spans))
    ends = np.fromiter((e for _, e, _ in spans), dtype=np.int64, count=len(spans))
    seg_starts = np.asarray([b[0] for b in stream.bounds], dtype=np.int64)
    segments = np.searchsorted(seg_starts, starts, side="right") - 1
    shingles = np.zeros(len(spans), dtype=np.uint64)
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for k in range(ngram):
            shifted = np.concatenate((token_ids[k:], np.zeros(min(k, token_ids.size), np.uint64)))
            shingles = (shingles ^ (shifted + np.uint64(k + 1))) * mult
        shingles ^= shingles >> np.uint64(29)
    return Tokens(starts, ends, segments, (shingles >> np.uint64(32)).astype(np.uint64))


def _segment_windows(
    first: int, stop: int, *, size: int, stride: int, query_every: int
) -> Iterator[tuple[int, int, bool]]:
    """Token ranges of one segment's windows and whether each is also looked up."""
    count = stop - first
    if count <= size:
        yield first, stop, True
        return
    last = stop - size
    for start in range(first, last + 1, stride):
        yield start, start + size, (start - first) % query_every == 0
    if (last - first) % stride:
        yield last, stop, True


def find_candidates(stream: Stream, config: Config) -> list[Candidate]:
    """Every (later window, earlier window) pair whose sketches collide in the LSH index.

    Per query window, only the ``config.max_candidates`` earliest sources are kept: the earliest
    is where a copied passage first appeared, and a cap bounds the work on boilerplate.
    """
    tokens = tokenize(stream, ngram=config.ngram)
    if tokens.starts.size == 0:
        return []
    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
    sketch = MinHash(num_perm=config.num_perm, seed=_SEED, hashfunc=int)
    indexed: list[Window] = []
    signatures: list[np.ndarray] = []
    found: list[Candidate] = []
    seg_firsts = np.flatnonzero(np.diff(tokens.segments, prepend=-1))
    seg_stops = np.append(seg_firsts[1:], tokens.starts.size)
    stride = max(1, config.window // 3)
    for first, stop in zip(seg_firsts.tolist(), seg_stops.tolist(), strict=True):
        segment = int(tokens.segments[first])
        every = stride * _QUERY_STRIDES
        for a, b, query in _segment_windows(first, stop, size=config.window, stride=stride, query_every=every):
            window = Window(int(tokens.starts[a]), int(tokens.ends[b - 1]), segment)
            usable = max(a + 1, b - config.ngram + 1)  # n-grams that end inside the window
            sketch.clear()
            sketch.update_batch(tokens.shingles[a:usable].tolist())
            signature = sketch.digest()
            if query:
                keys = sorted(k for k in lsh.query(sketch) if indexed[k].end <= window.start)
                # LSH bands let through pairs well below the threshold: check the whole sketch
                kept = [k for k in keys if np.mean(signatures[k] == signature) >= config.lsh_threshold]
                for k in kept[: config.max_candidates]:
                    found.append(Candidate(window, indexed[k]))
            lsh.insert(len(indexed), sketch, check_duplication=False)
            indexed.append(window)
            signatures.append(signature)
    return found
