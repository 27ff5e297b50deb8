"""The batch on a Dask cluster (the ``cluster`` extra): the same jobs and the same shards, the
work done by the cluster's workers.

Per-thread cleaning runs as tasks, a few jobs each, with only so many in flight (memory stays
flat) and their outcomes taken in the jobs' order, so the shards are written exactly as a local
run writes them. The search across threads reads the index's postings as a Dask DataFrame and
shuffles it by band key, so every posting of a key meets in one partition; each partition's
pairs are a task (``across.search.pairs_in``, the same function a local run calls), and the
rest of the search runs here. A worker that dies loses only its tasks, which the scheduler runs
again elsewhere (up to its ``allowed-failures``).

Sources, the output folder and the index must be on a file system every worker sees (one
machine, or a shared mount): tasks read their files by path.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ..across import POSTING, ArchiveIndex
from ..across.search import pairs_in
from ..across.store import PARTITIONS
from ..config import BatchConfig, Config
from ..errors import MissingDependency
from .jobs import Outcome, failed
from .sources import Job
from .workers import clean_chunk

_CHUNK = 16  # jobs a task
_PIECE_ROWS = 250_000  # postings a task of the shuffle reads, and a partition after it holds (8 MB)
_COLUMNS: tuple[str, ...] = tuple(POSTING.names or ())
_AHEAD = 4  # tasks per worker in flight


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingDependency("distributed", "cluster", "running a batch on a Dask cluster") from None
    return distributed


@contextlib.contextmanager
def connect(batch: BatchConfig) -> Iterator[Any]:
    """A client of the scheduler at ``batch.scheduler``, or of a ``LocalCluster`` of
    ``batch.cluster`` worker processes on loopback, closed (with its cluster) afterwards."""
    distributed = _distributed()
    if batch.scheduler:
        with distributed.Client(batch.scheduler, timeout="30s") as client:
            yield client
        return
    with distributed.LocalCluster(n_workers=batch.cluster, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def run_jobs_on(client: Any, jobs: Iterable[Job], config: Config, batch: BatchConfig
                ) -> Iterator[tuple[Job, Outcome]]:
    """Each job with its outcome, in the jobs' order, cleaned by the cluster's workers."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque[tuple[list[Job], Any]] = deque()
    chunk: list[Job] = []
    try:
        for job in jobs:
            chunk.append(job)
            if len(chunk) == _CHUNK:
                pending.append((chunk, client.submit(clean_chunk, chunk, config, batch, pure=False, retries=2)))
                chunk = []
            while len(pending) >= workers * _AHEAD:
                yield from _take(pending, client, config, batch)
        if chunk:
            pending.append((chunk, client.submit(clean_chunk, chunk, config, batch, pure=False, retries=2)))
        while pending:
            yield from _take(pending, client, config, batch)
    finally:
        for _, future in pending:
            future.cancel()


def _take(pending: deque[tuple[list[Job], Any]], client: Any, config: Config, batch: BatchConfig
          ) -> Iterator[tuple[Job, Outcome]]:
    chunk, future = pending.popleft()
    killed = _distributed().KilledWorker
    try:
        outcomes = future.result()
    except killed:  # its task killed worker after worker: each job again alone, to find the one
        outcomes = []
        for job in chunk:
            alone = client.submit(clean_chunk, [job], config, batch, pure=False)
            try:
                outcomes += alone.result()
            except killed as e:
                outcomes.append(failed(job, f"the task cleaning it killed the cluster's workers ({e}): skipped"))
    future.release()
    yield from zip(chunk, outcomes, strict=True)


def _read(path: str, first: int, rows: int) -> Any:
    """``rows`` postings of a file from row ``first``, as a DataFrame (keys as unsigned 64-bit)."""
    import pandas as pd

    found = np.fromfile(path, dtype=POSTING, count=rows, offset=first * POSTING.itemsize)
    return pd.DataFrame({name: found[name] for name in _COLUMNS})


def _pairs(frame: Any, max_shared: int) -> tuple[np.ndarray, int, int]:
    rows = np.empty(len(frame), POSTING)
    for name in _COLUMNS:
        rows[name] = frame[name].to_numpy()
    return pairs_in(rows, max_shared=max_shared)


def pairs_by_key(client: Any, index: ArchiveIndex, *, max_shared: int) -> Any:
    """A ``pairs_of`` for ``across.link``: the index's postings (every run it counts) shuffled by
    band key on the cluster, and each partition's pairs found there."""
    try:
        import dask
        import dask.dataframe as dd
        import pandas as pd
    except ImportError:
        raise MissingDependency("dask.dataframe", "cluster", "the search across threads on a cluster") from None

    def pairs_of(_: Iterable[int]) -> Iterator[tuple[np.ndarray, int, int]]:
        # pieces of a fixed size in and out of the shuffle: a task's memory is the same whatever
        # the archive holds, and the number of tasks grows with it
        pieces = [(path, first, min(_PIECE_ROWS, rows - first))
                  for p in range(PARTITIONS) for path in index.partition_files(p)
                  for rows in [os.path.getsize(path) // POSTING.itemsize]
                  for first in range(0, rows, _PIECE_ROWS)]
        if not pieces:
            return
        meta = pd.DataFrame({name: np.zeros(0, POSTING[name]) for name in _COLUMNS})
        frame = dd.from_delayed([dask.delayed(_read)(*piece) for piece in pieces], meta=meta, verify_meta=False)
        total = sum(rows for _, _, rows in pieces)
        shuffled = frame.shuffle(on="key", npartitions=max(8, -(-total // _PIECE_ROWS)))
        tasks = [dask.delayed(_pairs)(part, max_shared) for part in shuffled.to_delayed()]
        distributed = _distributed()
        for future in distributed.as_completed(client.compute(tasks)):  # taken as they come: any order will do
            yield future.result()
            future.release()

    return pairs_of


def align_on(client: Any) -> Any:
    """An ``align_map`` for ``across.link``: each batch of targets aligned as a task, a few per
    worker in flight, the results in the batches' order."""

    def align_map(fn: Any, works: Iterable[Any]) -> Iterator[Any]:
        most = max(1, len(client.scheduler_info().get("workers", {}))) * 2
        pending: deque[Any] = deque()
        try:
            for work in works:
                pending.append(client.submit(fn, work, pure=False, retries=2))
                if len(pending) >= most:
                    yield _result(pending.popleft())
            while pending:
                yield _result(pending.popleft())
        finally:
            for future in pending:
                future.cancel()

    return align_map


def _result(future: Any) -> Any:
    out = future.result()
    future.release()
    return out
