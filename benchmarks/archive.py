"""Batch speed and memory: ``threadclean batch`` on generated archives and on ../shared/realdata.

    python benchmarks/archive.py --threads 10000 100000 --workers 1 2

An archive is JSON Lines of threads, gzipped, 10,000 threads a file, each thread made by the
same generator as the single-thread benchmark (fresh text from a chain over real clauses,
explicit quotes, unmarked pastes, jammer, smileys) with a length drawn around 10 posts. Each
run is the CLI in a fresh process; its peak memory is the largest sum of resident memory over
the batch's process tree (the main process and its workers), sampled every 50 ms. Results go
to benchmarks/archive-results.json and are printed as Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PER_FILE = 10_000


def make_archive(folder: Path, threads: int, *, seed: int = 1) -> Path:
    """``threads`` generated threads as gzipped JSON Lines files in ``folder`` (kept if present)."""
    folder = folder / f"archive-markov-{threads}"
    if (folder / ".done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    gen = generate._Thread("zh", seed)  # the corpus is read once, each thread starts afresh
    for f in range(0, threads, PER_FILE):
        lines = []
        for t in range(f, min(threads, f + PER_FILE)):
            gen.posts, gen.truth, gen.first_use, gen.spliced = [], [], {}, {}
            for _ in range(min(200, 2 + int(gen.rng.expovariate(1 / 8)))):
                gen.post()
            lines.append(json.dumps({"id": str(t), "title": f"thread {t}", "posts": gen.posts}, ensure_ascii=False))
        data = ("\n".join(lines) + "\n").encode("utf-8")
        (folder / f"threads-{f // PER_FILE:04d}.jsonl.gz").write_bytes(gzip.compress(data, mtime=0))
    (folder / ".done").write_text("")
    return folder


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return total


def run_batch(sources: list[str], workers: int, *extra: str) -> dict[str, Any]:
    out = tempfile.mkdtemp(prefix="tc-batch-")
    cmd = [sys.executable, "-m", "threadclean", "batch", *sources, "-o", out, "--workers", str(workers), "-q", *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {' '.join(cmd)}")
    report = json.loads(Path(out, "report.json").read_text())
    shutil.rmtree(out)
    on_disk = sum(os.path.getsize(os.path.join(d, f)) for s in sources for d, _, fs in os.walk(s) for f in fs)
    return {
        "workers": workers, "threads": report["threads"], "failed": report["failed"], "posts": report["posts"],
        "seconds": round(seconds, 2), "threads_per_s": round(report["threads"] / seconds, 1),
        "mb_in": round(report["bytes_in"] / 1e6, 2), "mb_per_s": round(report["bytes_in"] / 1e6 / seconds, 3),
        "mb_on_disk": round(on_disk / 1e6, 2), "peak_rss_mb": round(peak / 1e6, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, nargs="*", default=[10_000])
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--rss-workers", type=int, default=2, help="workers for the larger archives' memory runs")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "threadclean-archives"))
    ap.add_argument("--realdata", default=str(HERE.parent.parent / "shared" / "realdata"))
    args = ap.parse_args()
    runs = []
    if Path(args.realdata).exists():
        for w in args.workers:
            r = run_batch([args.realdata], w, "--exclude", "*.gold.json", "--exclude", "MANIFEST.md")
            runs.append({"archive": "realdata", **r})
            print(json.dumps(runs[-1]), flush=True)
    for n in args.threads:
        folder = make_archive(Path(args.cache), n)
        for w in args.workers if n == min(args.threads) else [args.rss_workers]:
            runs.append({"archive": f"generated {n:,}", **run_batch([str(folder)], w)})
            print(json.dumps(runs[-1]), flush=True)
    import datasketch
    import rapidfuzz

    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
               "datasketch": datasketch.__version__, "rapidfuzz": rapidfuzz.__version__}
    (HERE / "archive-results.json").write_text(json.dumps({"machine": machine, "runs": runs}, indent=1))
    print("| archive | workers | threads | posts | MB in | seconds | threads/s | MB/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r['archive']} | {r['workers']} | {r['threads']:,} | {r['posts']:,} | {r['mb_in']} | {r['seconds']} "
              f"| {r['threads_per_s']} | {r['mb_per_s']} | {r['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
