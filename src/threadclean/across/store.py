"""The archive's index: every post the search across threads has seen, kept between runs so
that a later batch of new scrapes is checked against everything indexed before.

An embedded store, no server: a folder holding ``index.sqlite`` (the posts, as the search sees
them, with the text ranges cut from them as copies, and the runs) and ``postings/``, each run's
postings split by key into ``PARTITIONS`` files of fixed-size rows. A partition holds every
posting of its keys, from every run: the search reads one partition at a time, so its memory is
a partition's, not the archive's.

A run is one batch (and its resumes). Its rows are written while it runs and count only once it
is finished: a run that died is cleared and done again by its resume, and never seen by another.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import numpy as np

from ..errors import BatchStateError
from .entries import MAX_RUNS, PostEntry
from .sketch import POSTING

PARTITIONS = 64
SLICE_ROWS = 2_000_000  # postings searched at once (64 MB): the search's memory, whatever the archive holds
_FORMAT = "threadclean-index/1"


class ArchiveIndex:
    """The index in ``folder`` (made if missing) for searches with ``settings`` (the cleaning
    and search options: an index serves only runs made with the same)."""

    def __init__(self, folder: str, *, settings: Mapping[str, Any]) -> None:
        self.folder = folder
        os.makedirs(os.path.join(folder, "postings"), exist_ok=True)
        self.db = sqlite3.connect(os.path.join(folder, "index.sqlite"), timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, output TEXT, done INTEGER);"
            "CREATE TABLE IF NOT EXISTS posts (gpn INTEGER PRIMARY KEY, run INTEGER, rank INTEGER, row TEXT);"
            "CREATE TABLE IF NOT EXISTS collapsed (gpn INTEGER PRIMARY KEY, run INTEGER, spans TEXT);"
            "CREATE TABLE IF NOT EXISTS copies (thread INTEGER, gpn INTEGER, run INTEGER, copies TEXT);"
            "CREATE INDEX IF NOT EXISTS copies_by_thread ON copies (thread);")
        wanted = json.dumps({"format": _FORMAT, **settings}, sort_keys=True)
        found = self.db.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('settings', ?)", (wanted,))
            self.db.commit()
        elif found[0] != wanted:
            raise BatchStateError(f"{folder}: this index was made with other settings ({_differ(found[0], wanted)});"
                                  " give another --index, or clean with the same settings")
        self._files: dict[int, IO[bytes]] = {}
        self.run = -1

    # runs

    def begin(self, output: str) -> int:
        """The run of a batch writing to ``output``: the run it had (a resume: cleared and done
        again, with the same number, so it sees the same earlier runs and the runs after it keep
        what they saw of it), or a new one."""
        output = os.path.abspath(output)
        row = self.db.execute("SELECT run FROM runs WHERE output = ? ORDER BY run DESC LIMIT 1", (output,)).fetchone()
        last = self.db.execute("SELECT MAX(run) FROM runs").fetchone()[0]
        if row is not None:
            run = int(row[0])
        else:
            run = 0 if last is None else int(last) + 1
            if run >= MAX_RUNS:
                raise BatchStateError(f"{self.folder}: an index holds {MAX_RUNS} runs at most; start another")
            self.db.execute("INSERT INTO runs VALUES (?, ?, 0)", (run, output))
        self._clear(run)
        self.run = run
        return run

    def _clear(self, run: int) -> None:
        self.db.execute("UPDATE runs SET done = 0 WHERE run = ?", (run,))
        self.db.execute("DELETE FROM posts WHERE run = ?", (run,))
        self.db.execute("DELETE FROM collapsed WHERE run = ?", (run,))
        self.db.execute("DELETE FROM copies WHERE run = ?", (run,))
        self.db.commit()
        for p in range(PARTITIONS):
            path = self.partition_path(run, p)
            if os.path.exists(path):
                os.remove(path)

    def finish(self) -> None:
        """This run counted: its posts, postings, copies and cut ranges seen by the runs after it."""
        for f in self._files.values():
            f.close()
        self._files.clear()
        self.db.execute("UPDATE runs SET done = 1 WHERE run = ?", (self.run,))
        self.db.commit()

    def keep_copies(self, copies: Mapping[int, Sequence[Any]], collapsed: Mapping[int, Sequence[tuple[int, int]]]
                    ) -> None:
        """Copies found in this run's posts (``across.search.CrossCopy``), and the ranges now cut
        from them, by post number."""
        self.db.executemany("INSERT INTO copies VALUES (?, ?, ?, ?)",
                            ((g >> 24, g, self.run, json.dumps([list(_fields(c)) for c in cs]))
                             for g, cs in copies.items()))
        self.db.executemany("INSERT OR REPLACE INTO collapsed VALUES (?, ?, ?)",
                            ((g, self.run, json.dumps(list(map(list, s)))) for g, s in collapsed.items()))
        self.db.commit()

    def copies_of(self, first: int, last: int) -> dict[int, list[tuple[Any, ...]]]:
        """This run's copies in threads ``first`` to ``last`` (run and job, as ``thread_of``
        gives), by post number, each as the fields of a ``CrossCopy``."""
        out: dict[int, list[tuple[Any, ...]]] = {}
        for gpn, found in self.db.execute("SELECT gpn, copies FROM copies WHERE thread BETWEEN ? AND ? AND run = ?",
                                          (first, last, self.run)):
            out[gpn] = [tuple(c) for c in json.loads(found)]
        return out

    def figures(self) -> tuple[int, int]:
        """The posts with copies in this run, and the threads."""
        posts, threads = self.db.execute("SELECT COUNT(*), COUNT(DISTINCT thread) FROM copies WHERE run = ?",
                                         (self.run,)).fetchone()
        return int(posts), int(threads)

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()
        self.db.close()

    def runs_seen(self) -> list[int]:
        """The finished runs before this one, and this one."""
        done = [r for (r,) in self.db.execute("SELECT run FROM runs WHERE done = 1 AND run < ?", (self.run,))]
        return [*done, self.run]

    # writing

    def add(self, entries: Iterable[PostEntry], postings: np.ndarray) -> None:
        """A thread's posts and postings, in this run."""
        self.db.executemany("INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?)",
                            ((e.gpn, self.run, e.rank, json.dumps(e.to_row(), ensure_ascii=False)) for e in entries))
        if postings.size == 0:
            return
        part = (postings["key"] % np.uint64(PARTITIONS)).astype(np.int64)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(PARTITIONS + 1))
        for p in range(PARTITIONS):
            if bounds[p] < bounds[p + 1]:
                f = self._files.get(p)
                if f is None:
                    f = self._files[p] = open(self.partition_path(self.run, p), "ab")  # noqa: SIM115
                f.write(postings[order[bounds[p] : bounds[p + 1]]].tobytes())

    def commit(self) -> None:
        for f in self._files.values():
            f.flush()
        self.db.commit()

    # reading

    def partition(self, p: int) -> Iterator[np.ndarray]:
        """Every posting of partition ``p``, of the finished runs and this one, in slices of about
        ``SLICE_ROWS`` rows at most, each holding every posting of its keys."""
        maps = [np.memmap(path, dtype=POSTING, mode="r") for path in self.partition_files(p)]
        rows = sum(m.size for m in maps)
        slices = max(1, -(-rows // SLICE_ROWS))
        for k in range(slices):
            if slices == 1:
                yield np.concatenate([np.asarray(m) for m in maps]) if maps else np.zeros(0, POSTING)
                continue
            parts = [np.asarray(m[(m["key"] >> np.uint64(32)) % np.uint64(slices) == k]) for m in maps]
            yield np.concatenate(parts)

    def partition_files(self, p: int) -> list[str]:
        """The files of partition ``p`` of the runs this one counts (those not empty)."""
        paths = (self.partition_path(run, p) for run in self.runs_seen())
        return [path for path in paths if os.path.exists(path) and os.path.getsize(path)]

    def postings(self) -> int:
        """How many postings the runs this one counts hold."""
        return sum(os.path.getsize(f) for p in range(PARTITIONS) for f in self.partition_files(p)) // POSTING.itemsize

    def order(self) -> np.ndarray:
        """The numbers of this run's posts, in the archive's order (rank, then number)."""
        found = self.db.execute("SELECT gpn FROM posts WHERE run = ? ORDER BY rank, gpn", (self.run,))
        return np.fromiter((g for (g,) in found), dtype=np.int64)

    def entries(self, gpns: Iterable[int]) -> dict[int, PostEntry]:
        """The posts of these numbers that the index holds."""
        out: dict[int, PostEntry] = {}
        wanted = sorted(set(gpns))
        for lo in range(0, len(wanted), 500):
            chunk = wanted[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for (row,) in self.db.execute(f"SELECT row FROM posts WHERE gpn IN ({marks})", chunk):
                e = PostEntry.from_row(json.loads(row))
                out[e.gpn] = e
        return out

    def collapsed(self, gpns: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
        """The ranges cut as copies from these posts by finished runs."""
        out: dict[int, list[tuple[int, int]]] = {}
        wanted = sorted(set(gpns))
        for lo in range(0, len(wanted), 500):
            chunk = wanted[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for gpn, spans in self.db.execute(f"SELECT gpn, spans FROM collapsed WHERE gpn IN ({marks})", chunk):
                out[gpn] = [(a, b) for a, b in json.loads(spans)]
        return out

    def partition_path(self, run: int, p: int) -> str:
        return os.path.join(self.folder, "postings", f"r{run:02d}-p{p:03d}.bin")


def _fields(copy: Any) -> tuple[Any, ...]:
    return (copy.start, copy.end, copy.source, copy.source_start, copy.source_end, copy.similarity)


def _differ(before: str, now: str) -> str:
    a, b = json.loads(before), json.loads(now)
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    return ", ".join(f"{k} was {a.get(k)!r}, now {b.get(k)!r}" for k in keys) or "format"
