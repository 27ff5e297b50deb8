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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..config import Config
from .apply import apply_copies
from .entries import PostEntry, entries_of, thread_of
from .search import CrossCopy, best_sources, chains_for, pairs_in, settle
from .sketch import POSTING, postings
from .store import PARTITIONS, ArchiveIndex

__all__ = ["POSTING", "ArchiveIndex", "CrossCopy", "Linked", "PostEntry", "apply_copies", "entries_of",
           "link", "postings", "thread_of"]

_BATCH = 2000  # target posts aligned at a time: their entries and their sources' in memory


@dataclass
class Linked:
    """What the search across threads found in a run: each post's copies (by post number), the
    posts they name, and what it left out."""

    copies: dict[int, list[CrossCopy]] = field(default_factory=dict)
    sources: dict[int, PostEntry] = field(default_factory=dict)
    collapsed: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    stop_listed_keys: int = 0  # band keys held by more than max_shared windows
    stop_listed_postings: int = 0
    pairs: int = 0  # pairs of posts aligned
    threads: set[int] = field(default_factory=set)  # threads (run and job) with a copy

    def figures(self) -> dict[str, Any]:
        copies = [c for cs in self.copies.values() for c in cs]
        return {"quotes": len(copies), "chars": sum(c.end - c.start for c in copies), "threads": len(self.threads),
                "pairs_aligned": self.pairs,
                "stop_listed": {"keys": self.stop_listed_keys, "postings": self.stop_listed_postings}}


def link(index: ArchiveIndex, config: Config, *, max_shared: int,
         pairs_of: Callable[[Iterable[int]], Iterable[tuple[np.ndarray, int, int]]] | None = None) -> Linked:
    """The copies across threads of this run's posts, against every post the index holds.

    ``pairs_of`` maps partition numbers to their ``pairs_in`` results (by default one after the
    other here; a cluster maps them over its workers): the rest runs in this process.
    """
    run = index.run
    if pairs_of is None:
        pairs_of = lambda parts: (pairs_in(index.partition(p), max_shared=max_shared) for p in parts)  # noqa: E731
    found = Linked()
    kept = []
    for pairs, keys, rows in pairs_of(range(PARTITIONS)):
        found.stop_listed_keys += keys
        found.stop_listed_postings += rows
        kept.append(pairs[(pairs["target"] >> 56) == run])
    best = best_sources(np.concatenate(kept) if kept else np.zeros(0))
    order = [g for _, g in index.ranks() if g in best]
    for lo in range(0, len(order), _BATCH):
        chunk = order[lo : lo + _BATCH]
        wanted = set(chunk) | {s for t in chunk for s in best[t]}
        entries = index.entries(wanted)
        older = [g for g in wanted if g >> 56 != run and g not in found.collapsed]
        found.collapsed.update(index.collapsed(older))
        targets = []
        for t in chunk:
            sources = [entries[s] for s in best[t] if s in entries]
            found.pairs += len(sources)
            targets.append((entries[t], chains_for(entries[t], sources, config)))
        copies = settle(targets, entries, found.collapsed, config)
        for t, cs in copies.items():
            found.copies[t] = cs
            found.threads.add(thread_of(t))
            for c in cs:
                found.sources[c.source] = entries[c.source]
    return found


def thread_copies(linked: Linked, entries: Iterable[PostEntry]) -> Mapping[int, list[CrossCopy]]:
    """The copies of a thread's posts."""
    return {e.gpn: linked.copies[e.gpn] for e in entries if e.gpn in linked.copies}
