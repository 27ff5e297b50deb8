"""LSH buckets: which windows share a band of their sketches, for a whole search or again after
a few posts changed.

A window's key in a band hashes that band's rows of its sketch, and windows with equal keys
share a bucket. A window is paired with the earliest ``per_bucket`` windows of each of its
buckets that stand before it: the earliest window of a passage is where it first appeared, and
the cap bounds the work on boilerplate, whose buckets hold thousands of windows.

Settling (``threadclean.settle``) searches a thread again after a few posts changed, and keeps only pairs
with a side in a changed post or pairs the search before did not have. ``Memory`` holds what
that search saw: its windows (by raw offsets), the earliest windows of every bucket, and its
pairs. With it, ``pairs_after_change`` finds the pairs of every window whose pairs can differ,
exactly as ``all_pairs`` would, while sorting only the buckets a change touched: a search
after a change costs what the change touched, not what the thread holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_MIX = np.uint64(0x100000001B3)
KEY_SPAN = 1 << 31  # raw offsets below this make a pair's key (threads of up to 2G characters)


def band_keys(sigs: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """Each window's key in each band, ``(bands, windows)`` uint64, from ``(num_perm, windows)`` sketches."""
    out = np.empty((bands, sigs.shape[1]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            key = sigs[band * rows].astype(np.uint64)
            for row in range(band * rows + 1, (band + 1) * rows):
                key = key * _MIX ^ sigs[row]
            out[band] = key
    return out


@dataclass(frozen=True)
class Buckets:
    """One band's buckets: their keys, sorted, and each one's earliest windows by raw start
    (``-1`` where a bucket holds fewer)."""

    keys: np.ndarray
    earliest: np.ndarray  # (buckets, per_bucket) int64


@dataclass
class Memory:
    """What the last search of a thread saw; empty before the first, or when the thread is too
    long for pair keys (every search is then whole)."""

    ids: np.ndarray | None = None  # raw start of each window, increasing
    ends: np.ndarray | None = None  # raw end of each window
    keys: np.ndarray | None = None  # (bands, windows)
    buckets: list[Buckets] = field(default_factory=list)
    pairs: np.ndarray | None = None  # sorted keys (raw start of target * KEY_SPAN + raw start of source)

    def holds(self, per_bucket: int, bands: int) -> bool:
        """Whether a search can start from this memory."""
        return (
            self.ids is not None and self.pairs is not None and len(self.buckets) == bands
            and all(b.earliest.shape[1] == per_bucket for b in self.buckets)
        )


def in_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_set`` (sorted), by bisection."""
    if sorted_set.size == 0:
        return np.zeros(values.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[at] == values


def _bucketed(key: np.ndarray, ids: np.ndarray, per_bucket: int) -> tuple[np.ndarray, np.ndarray, Buckets]:
    """The windows in a stable order by key (earlier first within a bucket), the sorted position
    where each one's bucket starts, and the buckets with their earliest windows' ``ids``."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    n = key.size
    new = np.ones(n, dtype=bool)
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=new[1:])
    bucket_start = np.maximum.accumulate(np.where(new, np.arange(n), 0)) if n else np.zeros(0, np.int64)
    firsts = np.flatnonzero(new)
    earliest = np.full((firsts.size, per_bucket), -1, dtype=np.int64)
    for m in range(per_bucket):
        at = firsts + m
        inside = at < n
        inside[inside] = bucket_start[at[inside]] == firsts[inside]
        earliest[inside, m] = ids[order[at[inside]]]
    return order, bucket_start, Buckets(sorted_key[firsts], earliest)


def all_pairs(
    keys: np.ndarray, ids: np.ndarray, *, per_bucket: int, buckets: bool = True
) -> tuple[np.ndarray, list[Buckets]]:
    """Every (later, earlier) window pair that shares a bucket, the earlier among the bucket's
    ``per_bucket`` earliest, as rows of window indices; and each band's buckets (none unless
    ``buckets``: a search that leaves no memory does not need them)."""
    found = []
    bands = []
    position = np.arange(keys.shape[1])
    for key in keys:
        order, bucket_start, band = _bucketed(key, ids, per_bucket if buckets else 0)
        if buckets:
            bands.append(band)
        for m in range(per_bucket):
            source = bucket_start + m
            ok = source < position
            found.append(np.stack((order[ok], order[source[ok]]), axis=1))
    return (np.concatenate(found) if found else np.zeros((0, 2), np.int64)), bands


def _merge(old: Buckets, touched: np.ndarray, fresh: Buckets) -> Buckets:
    """A band's buckets with those a change touched replaced by how they stand now."""
    kept = ~in_sorted(old.keys, touched)
    keys, earliest = old.keys[kept], old.earliest[kept]
    at = np.searchsorted(keys, fresh.keys)
    return Buckets(np.insert(keys, at, fresh.keys), np.insert(earliest, at, fresh.earliest, axis=0))


def pairs_after_change(
    keys: np.ndarray, ids: np.ndarray, ends: np.ndarray, focus: np.ndarray, memory: Memory, *, per_bucket: int
) -> tuple[np.ndarray, np.ndarray, list[Buckets]]:
    """The pairs ``all_pairs`` would give every window whose pairs may differ from the search
    in ``memory``, and every window ``focus`` flags; the raw starts, sorted, of the windows whose
    pairs in the memory no longer hold (those windows, and the windows gone); and the buckets now.

    A window is unchanged when one of the last search stood at the same raw offsets with the
    same keys. A bucket is touched when a changed window is in it, now or before, and only
    touched buckets can have other earliest windows. The windows whose pairs may differ are
    those in a touched bucket; a window whose bucket's earliest include a flagged one has a
    flagged pair, so it is a target too.
    """
    assert memory.ids is not None and memory.ends is not None and memory.keys is not None
    old_ids = memory.ids
    at = np.minimum(np.searchsorted(old_ids, ids), max(0, old_ids.size - 1))
    if old_ids.size:
        same = (old_ids[at] == ids) & (memory.ends[at] == ends) & np.all(memory.keys[:, at] == keys, axis=0)
    else:
        same = np.zeros(ids.size, dtype=bool)
    kept = np.zeros(old_ids.size, dtype=bool)
    kept[at[same]] = True
    flagged_ids = ids[focus]
    targets = focus.copy()
    buckets = []
    for band, key in enumerate(keys):
        touched = np.unique(np.concatenate((key[~same], memory.keys[band][~kept])))
        in_touched = in_sorted(key, touched)
        inside = np.flatnonzero(in_touched)
        _, _, fresh = _bucketed(key[inside], ids[inside], per_bucket)
        now = _merge(memory.buckets[band], touched, fresh)
        buckets.append(now)
        with_flagged = in_sorted(now.earliest, flagged_ids).any(axis=1)
        targets |= in_touched | in_sorted(key, now.keys[with_flagged])
    chosen = np.flatnonzero(targets)
    found = []
    for band, now in enumerate(buckets):
        slot = np.searchsorted(now.keys, keys[band, chosen])  # every window's key is a bucket's
        for m in range(per_bucket):
            earliest = now.earliest[slot, m]
            source = np.searchsorted(ids, earliest)
            ok = (earliest >= 0) & (source < chosen)
            found.append(np.stack((chosen[ok], source[ok]), axis=1))
    stale = np.union1d(ids[targets], old_ids[~kept])  # windows whose pairs the last search had are no more
    return (np.concatenate(found) if found else np.zeros((0, 2), np.int64)), stale, buckets
