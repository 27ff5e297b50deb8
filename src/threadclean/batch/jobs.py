"""One job of an archive: its thread read and cleaned into its output line, or the error that
stopped it (a bad file or thread is reported in its place, never fatal to the batch)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..errors import InputError
from ..pipeline import clean_read
from ..read import read_bytes
from ..report import render_report
from ..split.limits import not_searched
from .shards import write_atomic
from .sources import Job, read_all

#: The figures of a job that add up over a batch.
COUNTERS = ("threads", "failed", "posts", "bytes_in", "bytes_out", "chars_in", "chars_out", "quotes", "chars_quoted")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one job gave: its output line (None if it failed), its Parquet row, and its figures."""

    index: int
    line: str | None
    row: dict[str, Any] | None
    stats: dict[str, Any]


def clean_job(
    job: Job, *, config: Config, input_format: str = "auto", output_format: str = "jsonl", report_dir: str | None = None
) -> Outcome:
    """One thread of an archive cleaned into its output line, or the error that stopped it."""
    if job.error is not None:
        return _failed(job, job.error)
    try:
        if job.line is not None:
            threads = [read_bytes(job.line, source=job.path, input_format="json")]
            bytes_in, names = len(job.line), [job.path]
        else:
            blobs = [job.data] if job.data is not None else [read_all(page) for page in job.pages]
            names = list(job.pages) or [job.path]
            empty = [n for b, n in zip(blobs, names, strict=True) if not (b or b"").strip()]
            if empty:
                return _failed(job, "empty file, no thread in it" if len(names) == 1 else f"{empty[0]} is empty")
            threads = [read_bytes(b or b"", source=n, input_format=input_format)
                       for b, n in zip(blobs, names, strict=True)]
            bytes_in = sum(len(b or b"") for b in blobs)
        result = clean_read(threads, names=names, config=config)
    except InputError as e:
        place = e.where if job.line is None else (f"line {job.line_no}" + (f", {e.where}" if e.where else ""))
        return _failed(job, f"{place}: {e.reason}" if place else e.reason)
    except (OSError, EOFError, ValueError) as e:
        return _failed(job, f"{type(e).__name__}: {e}")
    except Exception as e:  # a bug, but one thread's: reported as such, and the batch goes on
        return _failed(job, f"internal error ({type(e).__name__}: {e}); please report it")
    doc = result.to_dict()
    thread_id = result.id or job.id
    out: dict[str, Any] = {"path": job.path, "id": thread_id}
    if len(job.pages) > 1:
        out["pages"] = list(job.pages)
    out.update((k, v) for k, v in doc.items() if k != "id")
    line = json.dumps(out, ensure_ascii=False)
    stats = result.stats
    row = None
    if output_format == "parquet":
        row = {"path": job.path, "id": thread_id, "title": result.title, "posts": stats["posts"],
               "chars_in": stats["chars_in"], "chars_out": stats["chars_out"],
               "text": "\n\n".join(p.text for p in result.posts), "result": line}
    counted = {"threads": 1, "bytes_in": bytes_in, **{k: stats[k] for k in COUNTERS if k in stats}}
    counted["removed"] = stats["removed"]
    if "not_searched" in stats:
        counted["warnings"] = [{"path": job.path, "id": thread_id, "warning": not_searched(stats["not_searched"])}]
    if report_dir:
        name = f"{job.index:08d}.html"
        write_atomic(os.path.join(report_dir, name), render_report(doc, source=job.path).encode("utf-8"))
        counted["pages"] = [{"file": name, "path": job.path, "id": thread_id, "title": result.title,
                             **{k: stats[k] for k in ("posts", "chars_in", "chars_out", "quotes")}}]
    return Outcome(job.index, line, row, counted)


def _failed(job: Job, reason: str) -> Outcome:
    error = {"path": job.path, "line": job.line_no or None, "reason": reason}
    return Outcome(job.index, None, None, {"failed": 1, "errors": [error]})
