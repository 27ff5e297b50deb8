"""Archives: every thread under some folders and files, cleaned in parallel into shards.

Jobs are listed in a fixed order and each shard holds a fixed range of them, so the output is
the same bytes whatever the number of workers, and a batch that was stopped (even by SIGKILL)
resumes at its first unfinished shard. Workers get a few jobs at a time and only so many are
in flight, so memory stays flat however large the archive is.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

from ..config import Config
from ..errors import ThreadcleanError
from ..report import render_index
from .jobs import COUNTERS, Outcome, clean_job
from .shards import COMPRESSIONS, OUTPUT_FORMATS, STATE, ShardWriter, read_json, shard_name, write_atomic
from .sources import DEFAULT_PAGES, Job, list_jobs, total_bytes

_CHUNK = 32  # jobs sent to a worker at a time: fewer, larger messages leave the cores to the workers
_IN_FLIGHT = 4  # chunks queued per worker: enough to keep it busy, few enough to bound memory


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """How far a batch is: threads written and failed, and bytes of the sources behind it."""

    threads: int
    failed: int
    bytes_done: int
    bytes_total: int | None


@dataclass
class ArchiveReport:
    """What a batch did: threads, posts, bytes and characters in and out, noise by kind, copies
    collapsed, and every error with its file (and line) and reason."""

    threads: int = 0
    failed: int = 0
    posts: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    chars_in: int = 0
    chars_out: int = 0
    quotes: int = 0
    chars_quoted: int = 0
    removed: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # threads partly left out of the repeat search
    shards: list[str] = field(default_factory=list)
    resumed_shards: int = 0
    seconds: float = 0.0
    workers: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"format": "threadclean-batch/1", **dataclasses.asdict(self)}

    def _add(self, stats: dict[str, Any]) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + stats.get(name, 0))
        for kind, figures in stats.get("removed", {}).items():
            mine = self.removed.setdefault(kind, {"count": 0, "chars": 0})
            mine["count"] += figures["count"]
            mine["chars"] += figures["chars"]
        self.errors += stats.get("errors", [])
        self.warnings += stats.get("warnings", [])


def clean_archive(
    sources: Sequence[str] | str,
    output: str,
    *,
    config: Config | None = None,
    input_format: str = "auto",
    glob: str | None = None,
    exclude: Sequence[str] = (),
    pages: Sequence[str] | None = DEFAULT_PAGES,
    shard_size: int = 1000,
    output_format: str = "jsonl",
    compress: str = "none",
    workers: int | None = None,
    resume: bool = False,
    progress: Callable[[BatchProgress], None] | None = None,
    stdin: IO[bytes] | None = None,
    report_dir: str | None = None,
) -> ArchiveReport:
    """Clean every thread under ``sources`` (folders, files, ``-`` for stdin) into ``output``.

    Writes ``part-NNNNN.jsonl`` shards of ``shard_size`` threads (one threadclean/1 result a
    line, with ``path`` and ``id`` naming where it came from) and ``report.json``; a bad file or
    thread is reported in the report's ``errors`` and skipped. ``glob`` and ``exclude`` filter
    the files found in folders by name. ``pages`` are the file-name
    patterns that tell the pages of one thread (see ``threadclean.sources``); ``resume``
    continues a batch written with the same settings. ``report_dir`` also gets an HTML report
    page per thread (see ``threadclean.report``) and an ``index.html`` of them.
    """
    sources = [sources] if isinstance(sources, str) else list(sources)
    config = config or Config()
    _check(shard_size=shard_size, output_format=output_format, compress=compress, workers=workers)
    workers = workers or os.cpu_count() or 1
    settings = {
        "sources": sources, "glob": glob, "exclude": list(exclude), "pages": list(pages or ()),
        "input_format": input_format, "shard_size": shard_size, "output_format": output_format, "compress": compress,
        "config": {k: sorted(v) if isinstance(v, frozenset) else v for k, v in dataclasses.asdict(config).items()},
    }
    done = _prepare(output, settings, resume=resume, output_format=output_format, compress=compress)
    if report_dir:
        os.makedirs(report_dir, exist_ok=True)
    report = ArchiveReport(workers=workers, resumed_shards=done)
    for k in range(done):
        report._add(read_json(_stats_path(output, k)))
    started = time.perf_counter()
    total = total_bytes(sources, glob=glob, exclude=exclude)
    skip = done * shard_size
    jobs = (j for j in list_jobs(sources, glob=glob, exclude=exclude, pages=pages, stdin=stdin) if j.index >= skip)
    writer: ShardWriter | None = None
    shard_stats: dict[str, Any] = {}
    k = done
    bytes_done = 0
    try:
        for job, outcome in _run(jobs, config, input_format, output_format, workers, report_dir):
            while job.index >= (k + 1) * shard_size or writer is None:
                if writer is not None:
                    _finish(writer, shard_stats, output, k, report)
                    k += 1
                writer, shard_stats = ShardWriter(output, k, fmt=output_format, compress=compress), {}
            if outcome.line is not None:
                writer.add(outcome.line, outcome.row or {})
                outcome.stats["bytes_out"] = len(outcome.line.encode("utf-8")) + 1
            _merge(shard_stats, outcome.stats)
            bytes_done = max(bytes_done, job.done_bytes)
            if progress is not None:
                progress(BatchProgress(report.threads + shard_stats.get("threads", 0),
                                       report.failed + shard_stats.get("failed", 0), bytes_done, total))
        if writer is not None:
            _finish(writer, shard_stats, output, k, report)
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    report.shards = sorted(f for f in os.listdir(output) if f.startswith("part-") and not f.endswith(".tmp"))
    if report_dir:
        entries = (entry for n in range(k + 1) if os.path.exists(_stats_path(output, n))
                 for entry in read_json(_stats_path(output, n)).get("pages", []))
        with open(os.path.join(report_dir, "index.html.tmp"), "w", encoding="utf-8") as f:
            f.writelines(render_index(entries, report.to_dict()))
        os.replace(os.path.join(report_dir, "index.html.tmp"), os.path.join(report_dir, "index.html"))
    report.seconds = round(time.perf_counter() - started, 3)
    write_atomic(os.path.join(output, "report.json"),
                 json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return report


def _check(*, shard_size: int, output_format: str, compress: str, workers: int | None) -> None:
    if shard_size < 1:
        raise ThreadcleanError(f"shard_size must be at least 1, not {shard_size}")
    if output_format not in OUTPUT_FORMATS:
        raise ThreadcleanError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    if compress not in COMPRESSIONS:
        raise ThreadcleanError(f"compress must be one of {', '.join(COMPRESSIONS)}, not {compress!r}")
    if output_format == "parquet" and compress != "none":
        raise ThreadcleanError("Parquet shards are compressed inside; compress must be none")
    if workers is not None and workers < 1:
        raise ThreadcleanError(f"workers must be at least 1, not {workers}")


def _stats_path(output: str, k: int) -> str:
    return os.path.join(output, STATE, f"part-{k:05d}.json")


def _prepare(output: str, settings: dict[str, Any], *, resume: bool, output_format: str, compress: str) -> int:
    """Make the output folder ready; the number of shards a resumed batch already finished."""
    state = os.path.join(output, STATE)
    manifest = os.path.join(state, "batch.json")
    os.makedirs(state, exist_ok=True)
    existing = os.path.exists(manifest) or any(f.startswith("part-") for f in os.listdir(output))
    if existing and not resume:
        raise ThreadcleanError(f"{output} holds a batch already: resume it, or write to an empty folder")
    if resume and os.path.exists(manifest) and read_json(manifest) != settings:
        raise ThreadcleanError(f"{output} holds a batch made with other settings; it cannot be resumed with these")
    for folder in (output, state):
        for f in os.listdir(folder):
            if f.endswith(".tmp"):
                os.remove(os.path.join(folder, f))
    write_atomic(manifest, json.dumps(settings, ensure_ascii=False, indent=1).encode("utf-8"))
    done = 0
    while os.path.exists(os.path.join(output, shard_name(done, fmt=output_format, compress=compress))):
        done += 1
    return done if all(os.path.exists(_stats_path(output, k)) for k in range(done)) else 0


def _finish(writer: ShardWriter, stats: dict[str, Any], output: str, k: int, report: ArchiveReport) -> None:
    # the figures first: a shard whose file exists is finished, and its figures must be there
    write_atomic(_stats_path(output, k), json.dumps(stats, ensure_ascii=False).encode("utf-8"))
    writer.finish()
    report._add(stats)


def _merge(into: dict[str, Any], stats: dict[str, Any]) -> None:
    for name in COUNTERS:
        if name in stats:
            into[name] = into.get(name, 0) + stats[name]
    for kind, figures in stats.get("removed", {}).items():
        mine = into.setdefault("removed", {}).setdefault(kind, {"count": 0, "chars": 0})
        mine["count"] += figures["count"]
        mine["chars"] += figures["chars"]
    for listed in ("errors", "warnings", "pages"):
        if stats.get(listed):
            into.setdefault(listed, []).extend(stats[listed])


def _run(
    jobs: Iterable[Job], config: Config, input_format: str, output_format: str, workers: int, report_dir: str | None
) -> Iterator[tuple[Job, Outcome]]:
    """Each job with its outcome, in the jobs' order, from ``workers`` processes."""
    if workers == 1:
        for job in jobs:
            yield job, clean_job(job, config=config, input_format=input_format, output_format=output_format,
                                 report_dir=report_dir)
        return
    pending: deque[tuple[list[Job], Future[list[Outcome]]]] = deque()
    with ProcessPoolExecutor(workers) as pool:
        for chunk in _chunks(jobs, _CHUNK):
            pending.append((chunk, pool.submit(_clean_chunk, chunk, config, input_format, output_format, report_dir)))
            while len(pending) >= _IN_FLIGHT * workers:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)


def _chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _clean_chunk(
    chunk: list[Job], config: Config, input_format: str, output_format: str, report_dir: str | None
) -> list[Outcome]:
    return [clean_job(job, config=config, input_format=input_format, output_format=output_format,
                      report_dir=report_dir) for job in chunk]
