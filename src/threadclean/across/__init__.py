"""Stage 7, across: repeats between the threads of an archive.

After each thread is cleaned on its own, the search across threads finds the passages of a
post's own words that already stand in another thread, with the same sketches and alignment as
the search within a thread, and records each as a quote whose ``source`` is in that thread
(``thread``: its ``path`` and ``id``). It runs over an ``ArchiveIndex``, which keeps every post
seen between runs, so a later batch is checked against everything indexed before.

``entries`` says what a post is to this search and where it stands in the archive's order;
``sketch`` makes its postings; ``search`` turns postings into copies; ``store`` is the index;
``apply`` writes the copies into a thread's document.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import Config
from .apply import apply_copies
from .entries import PostEntry, entries_of, thread_of
from .search import PAIR, CrossChain, CrossCopy, best_sources, chains_for, pairs_in, settle
from .sketch import POSTING, postings
from .store import PARTITIONS, ArchiveIndex

__all__ = ["POSTING", "ArchiveIndex", "CrossCopy", "Linked", "PostEntry", "apply_copies", "copies_in", "entries_of",
           "link", "postings", "thread_of"]

_BATCH = 2000  # target posts aligned at a time: their entries and their sources' in memory
_CHUNK_POSTS = 50_000  # this run's posts whose pairs are routed to one file (in the archive's order)


@dataclass
class Linked:
    """What the search across threads found in a run (its copies are in the index), and what it
    left out."""

    quotes: int = 0
    chars: int = 0
    threads: int = 0  # threads with a copy
    stop_listed_keys: int = 0  # band keys held by more than max_shared windows
    stop_listed_postings: int = 0
    pairs: int = 0  # pairs of posts aligned

    def figures(self) -> dict[str, Any]:
        return {"quotes": self.quotes, "chars": self.chars, "threads": self.threads, "pairs_aligned": self.pairs,
                "stop_listed": {"keys": self.stop_listed_keys, "postings": self.stop_listed_postings}}


class _Router:
    """Pairs of posts routed to files by their target's place in the archive's order, so each
    file holds every pair of a stretch of targets, and is read alone."""

    def __init__(self, folder: str, order: np.ndarray) -> None:
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.place = np.argsort(order, kind="stable")  # by_number[i] stands at order[place[i]]
        self.by_number = order[self.place]
        self.chunks = max(1, -(-order.size // _CHUNK_POSTS))
        self.files = [open(self._path(c), "wb") for c in range(self.chunks)]  # noqa: SIM115

    def _path(self, c: int) -> str:
        return os.path.join(self.folder, f"pairs-{c:05d}.bin")

    def add(self, pairs: np.ndarray) -> None:
        if pairs.size == 0:
            return
        at = np.searchsorted(self.by_number, pairs["target"])
        chunk = self.place[at] // _CHUNK_POSTS
        order = np.argsort(chunk, kind="stable")
        bounds = np.searchsorted(chunk[order], np.arange(self.chunks + 1))
        for c in range(self.chunks):
            if bounds[c] < bounds[c + 1]:
                self.files[c].write(pairs[order[bounds[c] : bounds[c + 1]]].tobytes())

    def close(self) -> None:
        for f in self.files:
            f.close()

    def load(self, c: int) -> np.ndarray:
        pairs = np.fromfile(self._path(c), dtype=PAIR)
        os.remove(self._path(c))
        return pairs


Found = tuple[np.ndarray, int, int]  # what ``pairs_in`` gives: pairs, and the keys and postings left out


def _local_pairs(index: ArchiveIndex, max_shared: int) -> Callable[[Iterable[int]], Iterator[Found]]:
    def pairs_of(parts: Iterable[int]) -> Iterator[Found]:
        for p in parts:
            for rows in index.partition(p):
                yield pairs_in(rows, max_shared=max_shared)

    return pairs_of


Work = list[tuple[PostEntry, list[PostEntry]]]  # target posts, each with its sources
Aligned = list[tuple[PostEntry, list[CrossChain]]]


def align_batch(work: Work, config: Config) -> Aligned:
    """Each target's chains with its sources: the alignment, a pure function of its input (what
    a cluster runs as a task)."""
    folded: dict[int, tuple[str, np.ndarray]] = {}  # the sources of many targets are the same few posts
    return [(target, chains_for(target, sources, config, folded)) for target, sources in work]


def link(index: ArchiveIndex, config: Config, *, max_shared: int, work: str,
         pairs_of: Callable[[Iterable[int]], Iterable[Found]] | None = None,
         align_map: Callable[[Callable[[Work], Aligned], Iterable[Work]], Iterable[Aligned]] | None = None,
         ) -> Linked:
    """The copies across threads of this run's posts, against every post the index holds, kept
    in the index (``ArchiveIndex.copies_of``); ``work`` is a folder for the pairs on their way.

    ``pairs_of`` maps partition numbers to their ``pairs_in`` results, and ``align_map`` maps
    ``align_batch`` over batches of targets, giving the results in order (both by default one
    after the other here; a cluster maps them over its workers). Settling runs here, a stretch of
    the archive's order at a time, so this process's memory does not grow with the archive.
    """
    run = index.run
    pairs_of = pairs_of or _local_pairs(index, max_shared)
    found = Linked()
    order = index.order()
    router = _Router(work, order)
    try:
        for pairs, keys, rows in pairs_of(range(PARTITIONS)):
            found.stop_listed_keys += keys
            found.stop_listed_postings += rows
            router.add(pairs[(pairs["target"] >> 56) == run])
    finally:
        router.close()
    batches: deque[dict[int, PostEntry]] = deque()  # the entries of each batch sent to be aligned

    def works() -> Iterator[Work]:
        for c in range(router.chunks):
            best = best_sources(router.load(c))
            targets = [g for g in order[c * _CHUNK_POSTS : (c + 1) * _CHUNK_POSTS].tolist() if g in best]
            for lo in range(0, len(targets), _BATCH):
                chunk = targets[lo : lo + _BATCH]
                entries = index.entries(set(chunk) | {s for t in chunk for s in best[t]})
                batches.append(entries)
                work = [(entries[t], [entries[s] for s in best[t] if s in entries]) for t in chunk]
                found.pairs += sum(len(sources) for _, sources in work)
                yield work

    mapper = align_map or (lambda fn, items: map(fn, items))
    for aligned in mapper(functools.partial(align_batch, config=config), works()):
        entries = batches.popleft()
        collapsed = index.collapsed(entries)  # of earlier runs, and of this run's earlier stretches
        copies = settle(aligned, entries, collapsed, config)
        index.keep_copies(copies, {g: collapsed[g] for g in copies})
        found.quotes += sum(map(len, copies.values()))
        found.chars += sum(c.end - c.start for cs in copies.values() for c in cs)
    found.threads = index.figures()[1]
    return found


def copies_in(index: ArchiveIndex, entries: Iterable[PostEntry]) -> tuple[dict[int, list[CrossCopy]],
                                                                           dict[int, PostEntry]]:
    """The copies of some threads' posts (consecutive threads), and the posts they name."""
    numbers = [e.gpn for e in entries]
    if not numbers:
        return {}, {}
    found = index.copies_of(thread_of(min(numbers)), thread_of(max(numbers)))
    copies = {g: [CrossCopy(*c) for c in cs] for g, cs in found.items()}
    sources = index.entries({c.source for cs in copies.values() for c in cs})
    return copies, sources
