"""One job of an archive: its thread read and cleaned into its output line, or the error that
stopped it (a bad file or thread is reported in its place, never fatal to the batch), with the
figures that add up over the batch."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..across import entries_of, postings
from ..config import MAX_THREAD_BYTES, Config
from ..errors import InputError, ThreadcleanError
from ..pipeline import clean_read
from ..read import read_bytes
from ..report import render_report
from ..result import CleanResult, Stats, post_records_of, text_of
from .shards import write_atomic
from .sources import Job, read_all, shown

_EXAMPLES = 3  # multi-page threads named in a report


@dataclass
class Tally:
    """Figures that add up over jobs, shards and the batch: threads written and failed, bytes in
    and out, the results' ``Stats``, and every error, warning and report page in job order."""

    threads: int = 0
    failed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    stats: Stats = field(default_factory=Stats)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # threads partly left out of the repeat search
    pages: list[dict[str, Any]] = field(default_factory=list)  # the HTML report pages written
    readers: dict[str, int] = field(default_factory=dict)  # threads by what read them (an engine, "generic", ...)
    paged: int = 0  # threads read from several files, grouped by their names
    paged_examples: list[dict[str, Any]] = field(default_factory=list)  # the first few: id and pages

    def add(self, other: Tally) -> None:
        self.threads += other.threads
        self.failed += other.failed
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.stats = self.stats + other.stats
        self.errors += other.errors
        self.warnings += other.warnings
        self.pages += other.pages
        self.paged += other.paged
        self.paged_examples = (self.paged_examples + other.paged_examples)[:_EXAMPLES]
        for name, n in other.readers.items():
            self.readers[name] = self.readers.get(name, 0) + n
        self.readers = dict(sorted(self.readers.items()))

    def to_dict(self) -> dict[str, Any]:
        counts = self.stats.to_dict()
        counts.pop("not_searched", None)  # warnings say it per thread
        return {"threads": self.threads, "failed": self.failed, "bytes_in": self.bytes_in,
                "bytes_out": self.bytes_out, **counts, "readers": self.readers, "errors": self.errors,
                "warnings": self.warnings, "pages": self.pages, "paged": self.paged,
                "paged_examples": self.paged_examples}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Tally:
        return cls(doc.get("threads", 0), doc.get("failed", 0), doc.get("bytes_in", 0), doc.get("bytes_out", 0),
                   Stats.from_dict(doc), list(doc.get("errors", [])), list(doc.get("warnings", [])),
                   list(doc.get("pages", [])), dict(doc.get("readers", {})), doc.get("paged", 0),
                   list(doc.get("paged_examples", [])))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one job gave: its output line (None if it failed), its Parquet row, and its figures."""

    index: int
    line: str | None
    row: dict[str, Any] | None
    tally: Tally
    postings: bytes | None = None  # with the search across threads: its posts' postings


def clean_job(
    job: Job, *, config: Config, input_format: str = "auto", engine: str | None = "auto", dialect: str | None = "auto",
    output_format: str = "jsonl", report_dir: str | None = None, limit: int = MAX_THREAD_BYTES, across: bool = False,
) -> Outcome:
    """One thread of an archive cleaned into its output line, or the error that stopped it.
    ``across``: into its stage line (the document, for the search across threads to finish) and
    the postings of its posts."""
    try:
        result, bytes_in = clean_one(job, config=config, input_format=input_format, engine=engine, dialect=dialect,
                                     limit=limit)
    except JobFailed as e:
        return failed(job, e.reason)
    doc = result.to_dict()
    thread_id = result.id or job.id
    path = shown(job.path)
    out: dict[str, Any] = {"path": path, "id": thread_id}
    if len(job.pages) > 1:
        out["pages"] = [shown(page) for page in job.pages]
    out.update((k, v) for k, v in doc.items() if k != "id")
    stats = result.stats
    if across:  # the whole document to the stage shard, and its posts' postings for the index
        line = json.dumps({"job": job.index, "bytes_in": bytes_in, **out}, ensure_ascii=False)
        sketches = postings(entries_of(doc, path=path, thread=thread_id, run=0, job=job.index), config).tobytes()
        row = None
    else:
        line, row = formatted(out, output_format)
        sketches = None
    tally = Tally(threads=1, bytes_in=bytes_in, bytes_out=len(line.encode("utf-8")) + 1 if line else 0, stats=stats,
                  readers={result.reader or "posts": 1})
    tally.warnings += [{"path": path, "id": thread_id, "warning": w} for w in result.warnings]
    if len(job.pages) > 1:
        tally.paged, tally.paged_examples = 1, [{"id": thread_id, "pages": out["pages"]}]
    if report_dir:
        tally.pages.append(report_page(out, job.index, report_dir))
    return Outcome(job.index, line, row, tally, sketches)


def formatted(out: dict[str, Any], output_format: str) -> tuple[str, dict[str, Any] | None]:
    """A thread's output line and Parquet row, from its document with ``path`` and ``id`` first."""
    line = json.dumps(out, ensure_ascii=False)
    path, thread_id = out["path"], out["id"]
    if output_format in ("posts", "posts-parquet"):  # a line or row a post, each naming its file
        records = [{"path": path, **r} for r in post_records_of(out["posts"], thread=thread_id)]
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in records), {"posts": records}
    if output_format == "parquet":
        stats = out["stats"]
        return line, {"path": path, "id": thread_id, "title": out["title"], "reader": out["reader"]["name"],
                      "posts": stats["posts"], "chars_in": stats["chars_in"], "chars_out": stats["chars_out"],
                      "text": text_of([p["text"] for p in out["posts"]]), "result": line}
    return line, None


def report_page(out: dict[str, Any], index: int, report_dir: str,
                thread_pages: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """A thread's HTML report page written, and its entry in the report's index."""
    name = page_name(index)
    doc = {k: v for k, v in out.items() if k not in ("path", "pages", "job", "bytes_in")}
    page = render_report(doc, source=out["path"], thread_pages=thread_pages)
    write_atomic(os.path.join(report_dir, name), page.encode("utf-8"))
    stats = out["stats"]
    return {"file": name, "path": out["path"], "id": out["id"], "title": out["title"],
            "reader": out["reader"]["name"], "posts": stats["posts"], "chars_in": stats["chars_in"],
            "chars_out": stats["chars_out"], "quotes": stats["quotes"]}


def page_name(index: int) -> str:
    """The report page of job ``index``."""
    return f"{index:08d}.html"


class JobFailed(Exception):
    """A job that gave no thread, with the reason to report in its place."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_one(job: Job, *, config: Config, input_format: str = "auto", engine: str | None = "auto",
              dialect: str | None = "auto", limit: int = MAX_THREAD_BYTES) -> tuple[CleanResult, int]:
    """A job's thread read and cleaned, and the bytes it held; ``JobFailed`` says why not."""
    if job.error is not None:
        raise JobFailed(job.error)
    try:
        if job.line is not None:
            threads = [read_bytes(job.line, source=shown(job.path), input_format="json", engine=engine,
                                  dialect=dialect)]
            bytes_in, names = len(job.line), [shown(job.path)]
        else:
            blobs = [job.data] if job.data is not None else _read_pages(job.pages, limit)
            names = [shown(page) for page in job.pages] or [shown(job.path)]
            empty = [n for b, n in zip(blobs, names, strict=True) if not (b or b"").strip()]
            if empty:
                raise JobFailed("empty file, no thread in it" if len(names) == 1 else f"{empty[0]} is empty")
            threads = [read_bytes(b or b"", source=n, input_format=input_format, engine=engine, dialect=dialect)
                       for b, n in zip(blobs, names, strict=True)]
            bytes_in = sum(len(b or b"") for b in blobs)
        return clean_read(threads, names=names, config=config), bytes_in
    except JobFailed:
        raise
    except InputError as e:
        place = e.where if job.line is None else (f"line {job.line_no}" + (f", {e.where}" if e.where else ""))
        raise JobFailed(f"{place}: {e.reason}" if place else e.reason) from None
    except ThreadcleanError as e:  # an extra this file needs, a format forced on it that it is not in
        raise JobFailed(str(e)) from None
    except (OSError, EOFError, ValueError) as e:
        raise JobFailed(f"{type(e).__name__}: {e}") from None
    except Exception as e:  # a bug, but one thread's: reported as such, and the batch goes on
        raise JobFailed(f"internal error ({type(e).__name__}: {e}); please report it") from None


def _read_pages(pages: tuple[str, ...], limit: int) -> list[bytes]:
    """A thread's pages, decompressed, ``limit`` bytes at most for all of them together."""
    blobs: list[bytes] = []
    for page in pages:
        blobs.append(read_all(page, limit=limit - sum(map(len, blobs))))
    return blobs


def failed(job: Job, reason: str) -> Outcome:
    """The outcome of a job that gave no thread, with the reason reported in its place."""
    error = {"path": shown(job.path), "line": job.line_no or None, "reason": reason}
    return Outcome(job.index, None, None, Tally(failed=1, errors=[error]))
