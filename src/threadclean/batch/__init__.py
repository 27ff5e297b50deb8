"""Archives: every thread under some folders and files, cleaned in parallel into shards.

Jobs are listed in a fixed order and each shard holds a fixed range of them, so the output is
the same bytes whatever the number of workers, and a batch that was stopped (even by SIGKILL)
resumes at its first unfinished shard. Workers get a few jobs at a time and only so many are
in flight, so memory stays flat however large the archive is.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from ..config import BatchConfig, Config
from ..errors import BatchStateError, ConfigError
from ..report import render_index
from ..result import CleanResult
from .jobs import JobFailed, Tally, clean_one
from .linking import link_stage, postings_path, stage_folder
from .shards import STATE, ShardWriter, lock_output, read_json, shard_name, write_atomic
from .sources import list_files, list_jobs, listing_key, shown, total_bytes
from .workers import run_jobs

__all__ = ["ArchiveReport", "BatchConfig", "BatchProgress", "ThreadOutcome", "clean_archive", "iter_threads"]



@dataclass(frozen=True, slots=True)
class BatchProgress:
    """How far a batch is: threads written and failed, and bytes of the sources behind it."""

    threads: int
    failed: int
    bytes_done: int
    bytes_total: int | None
    stage: str = "cleaning"  # or "searching across threads", once every thread is cleaned


@dataclass
class ArchiveReport:
    """What a batch did: threads, posts, bytes and characters in and out, noise by kind, copies
    collapsed, and every error with its file (and line) and reason."""

    threads: int = 0
    failed: int = 0
    posts: int = 0
    bytes_in: int = 0  # decompressed
    bytes_out: int = 0
    bytes_on_disk: int | None = None  # of the sources, as the progress bar counts them (None: stdin)
    chars_in: int = 0
    chars_out: int = 0
    quotes: int = 0
    chars_quoted: int = 0
    removed: dict[str, dict[str, int]] = field(default_factory=dict)
    readers: dict[str, int] = field(default_factory=dict)  # threads by what read them: an engine, "generic", ...
    paged: int = 0  # threads read from several files their names grouped
    paged_examples: list[dict[str, Any]] = field(default_factory=list)  # the first few, with their pages
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # threads partly left out of the repeat search
    shards: list[str] = field(default_factory=list)
    resumed_shards: int = 0
    seconds: float = 0.0
    workers: int = 1
    across: dict[str, Any] | None = None  # the search across threads: copies, threads, what it left out
    engine: str = "local"  # what ran it: "local", or the Dask scheduler's address
    index: dict[str, Any] | None = None  # the search across threads: the index's folder and this run's number

    #: how this run went, not what the archive gave: in ``run.json``, not ``report.json``
    RUN_FIELDS = ("resumed_shards", "seconds", "workers", "engine", "index")

    def to_dict(self) -> dict[str, Any]:
        """``report.json``: what the archive gave with these settings, the same bytes whatever ran it."""
        figures = dataclasses.asdict(self)
        return {"format": "threadclean-batch/2", **{k: v for k, v in figures.items() if k not in self.RUN_FIELDS}}

    def run_dict(self) -> dict[str, Any]:
        """``.threadclean/run.json``: how this run went (its time, workers, engine, index)."""
        return {k: getattr(self, k) for k in self.RUN_FIELDS}

    @classmethod
    def of(cls, tally: Tally, **rest: Any) -> ArchiveReport:
        figures = {k: v for k, v in tally.to_dict().items() if k != "pages"}
        return cls(**figures, **rest)


@dataclass(frozen=True, slots=True)
class ThreadOutcome:
    """One thread of an archive as ``iter_threads`` gives it: where it came from, and its result
    or why there is none."""

    path: str
    id: str
    result: CleanResult | None
    error: str | None = None
    pages: tuple[str, ...] = ()


def iter_threads(
    sources: Sequence[str] | str, *, config: Config | None = None, batch: BatchConfig | None = None,
) -> Iterator[ThreadOutcome]:
    """Every thread under ``sources`` (folders, files, JSON Lines of threads, compressed or not),
    cleaned one by one in this process and yielded as it is done, in the order ``clean_archive``
    writes them: for a notebook or a ``datasets`` map. Nothing is written; a file or thread that
    cannot be read is yielded with its ``error`` (and no result), never raised.

    >>> from pathlib import Path
    >>> [(Path(t.path).name, t.id, len(t.result.posts)) for t in iter_threads("fixtures/batch/threads.jsonl")][:2]
    [('threads.jsonl', 't1', 2), ('threads.jsonl', 't2', 2)]
    """
    sources = [sources] if isinstance(sources, str) else list(sources)
    if not all(isinstance(s, str) for s in sources):
        raise ConfigError(f"sources: give paths, not {sources!r}")
    config = _given(config, Config, "config")
    batch = _given(batch, BatchConfig, "batch")
    files = list(list_files(sources, glob=batch.glob, exclude=batch.exclude))
    for job in list_jobs(files, pages=batch.pages, limit=batch.max_thread_bytes):
        pages = tuple(shown(p) for p in job.pages) if len(job.pages) > 1 else ()
        try:
            result, _ = clean_one(job, config=config, input_format=batch.input_format, engine=batch.engine,
                                  dialect=batch.dialect, limit=batch.max_thread_bytes)
        except JobFailed as e:
            yield ThreadOutcome(shown(job.path), job.id, None, e.reason, pages)
            continue
        yield ThreadOutcome(shown(job.path), result.id or job.id, result, None, pages)


def clean_archive(
    sources: Sequence[str] | str,
    output: str,
    *,
    config: Config | None = None,
    batch: BatchConfig | None = None,
    resume: bool = False,
    progress: Callable[[BatchProgress], None] | None = None,
    stdin: IO[bytes] | None = None,
) -> ArchiveReport:
    """Clean every thread under ``sources`` (folders, files, ``-`` for stdin) into ``output``.

    Writes ``part-NNNNN.jsonl`` shards of ``batch.shard_size`` threads (one threadclean/1 result
    a line, with ``path`` and ``id`` naming where it came from) and ``report.json``; a bad file
    or thread is reported in the report's ``errors`` and skipped. ``config`` is how each thread
    is cleaned, ``batch`` how the archive is read and written (see ``BatchConfig``); ``resume``
    continues a batch written with the same settings.
    """
    sources = [sources] if isinstance(sources, str) else list(sources)
    if not all(isinstance(s, str) for s in sources):
        raise ConfigError(f"sources: give paths (or - for stdin), not {sources!r}")
    config = _given(config, Config, "config")
    batch = _given(batch, BatchConfig, "batch")
    workers = batch.workers or os.cpu_count() or 1
    # the batch's own output is never its input (an OUT inside a source folder)
    files = list(list_files(sources, glob=batch.glob, exclude=batch.exclude,
                            skip=[output, *([batch.report_dir] if batch.report_dir else [])]))
    settings = {"sources": sources, **batch.settings(), "config": config.to_dict(),
                "listing": {"files": len(files), "key": listing_key(files)}}
    with lock_output(output), _engine(batch) as client:  # a second batch on OUT is refused, not interleaved
        if client is not None:
            workers = len(client.scheduler_info().get("workers", {})) or workers
        return _write(output, files, settings, config=config, batch=batch, resume=resume, progress=progress,
                      stdin=stdin, workers=workers, client=client)


@contextlib.contextmanager
def _engine(batch: BatchConfig) -> Iterator[Any]:
    """The Dask client the batch runs on, or None to run on this machine."""
    if batch.scheduler is None and batch.cluster is None:
        yield None
        return
    from .cluster import connect

    with connect(batch) as client:
        yield client


def _write(output: str, files: list[tuple[str, str | None]], settings: dict[str, Any], *, config: Config,
           batch: BatchConfig, resume: bool, progress: Callable[[BatchProgress], None] | None,
           stdin: IO[bytes] | None, workers: int, client: Any = None) -> ArchiveReport:
    """The batch itself, once its output folder is locked."""
    # with the search across threads, the first pass writes stage shards, the second the output
    across = batch.across
    folder = stage_folder(output) if across else output
    fmt, compress = ("jsonl", "none") if across else (batch.output_format, batch.compress)
    if across:
        os.makedirs(folder, exist_ok=True)
    done = _prepare(output, settings, resume=resume, shards_in=folder, output_format=fmt, compress=compress)
    if batch.report_dir:
        os.makedirs(batch.report_dir, exist_ok=True)
    total = Tally()
    for k in range(done):
        total.add(Tally.from_dict(read_json(_stats_path(output, k))))
    started = time.perf_counter()
    size = total_bytes(files)
    if progress is not None:  # the total from the first second, before any thread is done
        progress(BatchProgress(total.threads, total.failed, 0, size))
    skip = done * batch.shard_size
    jobs = (j for j in list_jobs(files, pages=batch.pages, stdin=stdin, limit=batch.max_thread_bytes)
            if j.index >= skip)
    writer: ShardWriter | None = None
    shard = Tally()
    sketches: list[bytes] = []
    k = done
    bytes_done = 0
    try:
        if client is not None:
            from .cluster import run_jobs_on

            outcomes = run_jobs_on(client, jobs, config, batch)
        else:
            outcomes = run_jobs(jobs, config, batch, workers)
        for job, outcome in outcomes:
            while job.index >= (k + 1) * batch.shard_size or writer is None:
                if writer is not None:
                    _finish(writer, shard, output, k, total, sketches if across else None)
                    k += 1
                writer, shard, sketches = ShardWriter(folder, k, fmt=fmt, compress=compress), Tally(), []
            if outcome.line is not None:
                writer.add(outcome.line, outcome.row or {})
            if outcome.postings:
                sketches.append(outcome.postings)
            shard.add(outcome.tally)
            bytes_done = max(bytes_done, job.done_bytes)
            if progress is not None:
                progress(BatchProgress(total.threads + shard.threads, total.failed + shard.failed, bytes_done, size))
        if writer is not None:
            _finish(writer, shard, output, k, total, sketches if across else None)
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    engine = "local" if client is None else str(client.scheduler.address)
    figures = index = None
    if across:
        shards = k + 1 if writer is not None else done
        if progress is not None:
            progress(BatchProgress(total.threads, total.failed, size or bytes_done, size, "searching across threads"))
        figures, index = link_stage(output, shards, config=config, batch=batch, total=total, client=client)
    report = ArchiveReport.of(total, workers=workers, resumed_shards=done, bytes_on_disk=size, across=figures,
                              index=index, engine=engine)
    report.shards = sorted(f for f in os.listdir(output) if f.startswith("part-") and not f.endswith(".tmp"))
    if batch.report_dir:
        with open(os.path.join(batch.report_dir, "index.html.tmp"), "w", encoding="utf-8") as f:
            f.writelines(render_index(total.pages, report.to_dict()))
        os.replace(os.path.join(batch.report_dir, "index.html.tmp"), os.path.join(batch.report_dir, "index.html"))
    report.seconds = round(time.perf_counter() - started, 3)
    write_atomic(os.path.join(output, STATE, "run.json"),
                 json.dumps(report.run_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    write_atomic(os.path.join(output, "report.json"),
                 json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return report


_T = TypeVar("_T")


def _given(value: _T | None, kind: type[_T], name: str) -> _T:
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ConfigError(f"{name}: must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _stats_path(output: str, k: int) -> str:
    return os.path.join(output, STATE, f"part-{k:05d}.json")


def _prepare(output: str, settings: dict[str, Any], *, resume: bool, shards_in: str, output_format: str,
             compress: str) -> int:
    """Make the output folder ready; the number of shards a resumed batch already finished."""
    state = os.path.join(output, STATE)
    manifest = os.path.join(state, "batch.json")
    os.makedirs(state, exist_ok=True)
    existing = os.path.exists(manifest) or any(f.startswith("part-") for f in os.listdir(output))
    if existing and not resume:
        raise BatchStateError(f"{output} holds a batch already: resume it, or write to an empty folder")
    if resume and os.path.exists(manifest):
        before = read_json(manifest)
        if before.get("listing") != settings["listing"] and _differences(before, settings, skip="listing") == "":
            then = (before.get("listing") or {}).get("files", "?")
            raise BatchStateError(f"{output}: the files under the sources changed since the batch began ({then} "
                                  f"then, {settings['listing']['files']} now): a resume would write threads twice "
                                  "or never; write the new listing to an empty folder")
        differs = _differences(before, settings)
        if differs:
            raise BatchStateError(f"{output} holds a batch made with other settings ({differs}); "
                                  "it cannot be resumed with these")
    for folder in {output, state, shards_in}:
        for f in os.listdir(folder):
            if f.endswith(".tmp"):
                os.remove(os.path.join(folder, f))
    write_atomic(manifest, json.dumps(settings, ensure_ascii=False, indent=1).encode("utf-8"))
    done = 0
    while os.path.exists(os.path.join(shards_in, shard_name(done, fmt=output_format, compress=compress))):
        done += 1
    return done if all(os.path.exists(_stats_path(output, k)) for k in range(done)) else 0


def _differences(before: dict[str, Any], now: dict[str, Any], prefix: str = "", skip: str = "") -> str:
    """The settings that differ, named with their values then and now.

    >>> _differences({"shard_size": 5, "config": {"ngram": 3}}, {"shard_size": 3, "config": {"ngram": 3}})
    'shard_size was 5, now 3'
    """
    out = []
    for key in sorted((set(before) | set(now)) - {skip}):
        a, b = before.get(key), now.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            inner = _differences(a, b, f"{prefix}{key}.")
            if inner:
                out.append(inner)
        elif a != b:
            out.append(f"{prefix}{key} was {a!r}, now {b!r}")
    return "; ".join(out)


def _finish(writer: ShardWriter, shard: Tally, output: str, k: int, total: Tally, sketches: list[bytes] | None) -> None:
    # the figures first: a shard whose file exists is finished, and its figures must be there
    write_atomic(_stats_path(output, k), json.dumps(shard.to_dict(), ensure_ascii=False).encode("utf-8"))
    if sketches is not None:
        write_atomic(postings_path(output, k), b"".join(sketches))
    writer.finish()
    total.add(shard)
