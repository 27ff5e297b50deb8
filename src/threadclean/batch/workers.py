"""The batch's worker processes, supervised: jobs go out a chunk at a time, outcomes come back
in the jobs' order, and a worker's death costs the batch nothing but the thread that caused it.

Why not ``concurrent.futures.ProcessPoolExecutor``: one worker killed (the kernel's OOM killer,
a segfault in a parser) breaks the whole pool, and every later resume dies at the same thread;
and its workers, forked with the pool's queues, outlive a main process that is SIGKILLed.

Here each worker is started by a fork server (it inherits nothing of the main process but what
it is given) and holds one end of a *lifeline*, a pipe whose other end only the main process
has: when the main process dies, however it dies, the pipe reads end-of-file and the worker
exits at once. A worker cleans one chunk at a time, so a death names its chunk exactly: the
chunk's jobs are tried again one by one in fresh workers, and a job whose worker dies a second
time is reported as failed and skipped.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..config import BatchConfig, Config
from . import jobs as job_module
from .jobs import Outcome
from .sources import Job

_CHUNK = 32  # jobs sent to a worker at a time: fewer, larger messages leave the cores to the workers
_AHEAD = 4  # chunks per worker that may finish before the oldest unfinished one: bounds memory
_STOP_SECONDS = 5.0  # a worker told to stop is killed if still running after this


def clean_chunk(chunk: list[Job], config: Config, batch: BatchConfig) -> list[Outcome]:
    """The outcomes of a chunk of jobs, in order (what a worker, or the main process, runs)."""
    return [job_module.clean_job(job, config=config, input_format=batch.input_format, engine=batch.engine,
                                 dialect=batch.dialect, output_format=batch.output_format,
                                 report_dir=batch.report_dir, limit=batch.max_thread_bytes,
                                 across=batch.across)
            for job in chunk]


def run_jobs(jobs: Iterable[Job], config: Config, batch: BatchConfig, workers: int) -> Iterator[tuple[Job, Outcome]]:
    """Each job with its outcome, in the jobs' order: in this process for one worker (nothing
    to supervise), else in up to ``workers`` supervised processes, started as work needs them."""
    if workers == 1:
        for job in jobs:
            yield job, clean_chunk([job], config, batch)[0]
        return
    yield from _Supervisor(config, batch, workers).run(jobs)


@dataclass
class _Task:
    chunk: int  # which chunk of the jobs this is (a retry is a piece of its chunk)
    jobs: list[Job]
    retry: bool = False  # a job whose worker died once, now on its own


@dataclass
class _Chunk:
    jobs: list[Job]
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # by job index

    @property
    def done(self) -> bool:
        return len(self.outcomes) == len(self.jobs)


class _Worker:
    def __init__(self, context: Any, config: Config, batch: BatchConfig) -> None:
        self.conn, theirs = context.Pipe()
        alive, self.lifeline = context.Pipe(duplex=False)  # the worker reads; only we can write
        self.process = context.Process(target=_work, args=(theirs, alive, config, batch), daemon=True)
        self.process.start()
        theirs.close()
        alive.close()
        self.task: _Task | None = None

    def give(self, task: _Task) -> None:
        self.task = task
        self.conn.send((task.chunk, task.jobs))

    def stop(self) -> None:
        try:
            if self.process.is_alive() and self.task is None:
                self.conn.send(None)
        except OSError:
            pass
        self.lifeline.close()  # whatever it is doing, it exits on this
        self.process.join(_STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Supervisor:
    def __init__(self, config: Config, batch: BatchConfig, workers: int) -> None:
        self.config, self.batch, self.most = config, batch, workers
        self.context = _context()
        self.workers: list[_Worker] = []
        self.chunks: dict[int, _Chunk] = {}  # sent and not yet yielded, by number
        self.retries: deque[_Task] = deque()
        self.sent = 0  # chunks taken from the jobs so far
        self.oldest = 0  # the first chunk not yet yielded
        self.exhausted = False

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        source = _chunks(jobs, _CHUNK)
        try:
            while True:
                self._dispatch(source)
                while self.oldest in self.chunks and self.chunks[self.oldest].done:  # in the jobs' order
                    done = self.chunks.pop(self.oldest)
                    yield from ((job, done.outcomes[job.index]) for job in done.jobs)
                    self.oldest += 1
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    if self.exhausted and not self.retries and not self.chunks:
                        return
                    continue  # a window that just opened: more to send
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
                for worker in busy:
                    if worker.conn in ready or worker.process.sentinel in ready:
                        self._collect(worker)
        finally:
            for worker in self.workers:
                worker.stop()
            self.workers = []

    def _dispatch(self, source: Iterator[list[Job]]) -> None:
        """A task to every idle worker, starting workers (up to the most allowed) while tasks wait."""
        idle = [w for w in self.workers if w.task is None]
        while idle or len(self.workers) < self.most:
            task = self._take(source)
            if task is None:
                return
            if not idle:
                worker = _Worker(self.context, self.config, self.batch)
                self.workers.append(worker)
                idle.append(worker)
            idle.pop().give(task)

    def _take(self, source: Iterator[list[Job]]) -> _Task | None:
        if self.retries:
            return self.retries.popleft()
        if self.exhausted or self.sent - self.oldest >= _AHEAD * self.most:
            return None
        chunk = next(source, None)
        if chunk is None:
            self.exhausted = True
            return None
        self.chunks[self.sent] = _Chunk(chunk)
        self.sent += 1
        return _Task(self.sent - 1, chunk)

    def _collect(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        try:
            if worker.conn.poll():
                number, outcomes = worker.conn.recv()
                chunk = self.chunks[number]
                for outcome in outcomes:
                    chunk.outcomes[outcome.index] = outcome
                worker.task = None
                return
        except (EOFError, OSError):
            pass  # it died while sending: as if it sent nothing
        if worker.process.is_alive():
            return
        # the worker is dead: its chunk goes again a job at a time, or its one job is skipped
        worker.process.join()
        how = _death(worker.process.exitcode)
        worker.task = None
        worker.stop()
        self.workers.remove(worker)
        if task.retry:
            job = task.jobs[0]
            self.chunks[task.chunk].outcomes[job.index] = job_module.failed(
                job, f"the worker cleaning it died twice ({how}): skipped")
        else:
            self.retries.extend(_Task(task.chunk, [job], retry=True) for job in task.jobs)


def _work(conn: Connection, alive: Connection, config: Config, batch: BatchConfig) -> None:
    """A worker's life: chunks in, outcomes out, until told to stop or the main process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    threading.Thread(target=_die_with_main, args=(alive,), daemon=True).start()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        number, chunk = message
        conn.send((number, clean_chunk(chunk, config, batch)))


def _die_with_main(alive: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        alive.recv()  # nothing is ever sent: this returns only when the main process is gone
    os._exit(1)


def _death(exitcode: int | None) -> str:
    """How a worker died, in words.

    >>> _death(-9), _death(1)
    ('killed by SIGKILL: out of memory?', 'exit code 1')
    """
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}" + (": out of memory?" if -exitcode == signal.SIGKILL else "")
    return f"exit code {exitcode}"


def _context() -> Any:
    """A fork server where there is one (Linux, macOS): workers then inherit none of this
    process's pipes or locks, and start fast with the package already imported."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["threadclean.batch.workers"])
        return context
    return multiprocessing.get_context("spawn")


def _chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

