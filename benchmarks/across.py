"""The search across threads at archive scale, on this machine and on a Dask LocalCluster.

    python benchmarks/across.py --threads 10000 100000 --workers 2

For each archive (the generated archives of benchmarks/archive.py: JSON Lines of threads made
from a chain over real clauses, so threads share phrases as real boards do), one run of
``threadclean batch`` without the search across threads (the baseline), one of ``batch
--across`` with a pool of N local workers and one with ``--cluster N`` (a Dask LocalCluster of N
worker processes), each in a fresh process, side by side in one invocation. Each run's
processes are sampled every 100 ms: the peak resident memory of the main process, of each
worker (the largest), and of the whole tree. ``run.json`` gives what the search
shuffled (its postings, 32 bytes each), from which the bytes per thread follow. Results go to
benchmarks/across-results.json and are printed as Markdown.
"""

from __future__ import annotations

import argparse
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

import archive  # noqa: E402


def _children(pid: int) -> list[int]:
    """The children of every thread of a process (a cluster's workers are started from threads)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _tree(pid: int) -> dict[int, int]:
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        out[p] = _rss(p)
        todo += _children(p)
    return out


def run(sources: list[str], mode: str, n: int) -> dict[str, Any]:
    out = tempfile.mkdtemp(prefix="tc-across-")
    engine = ["--cluster", str(n)] if mode == "cluster" else ["--workers", str(n)]
    across = [] if mode == "plain" else ["--across"]
    cmd = [sys.executable, "-m", "threadclean", "batch", *sources, "-o", out, *across, "-q", *engine]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak_main = peak_tree = 0
    peak_each: dict[int, int] = {}
    while proc.poll() is None:
        tree = _tree(proc.pid)
        peak_main = max(peak_main, tree.get(proc.pid, 0))
        peak_tree = max(peak_tree, sum(tree.values()))
        for p, r in tree.items():
            if p != proc.pid:
                peak_each[p] = max(peak_each.get(p, 0), r)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {' '.join(cmd)}")
    report = json.loads(Path(out, "report.json").read_text())
    run_info = json.loads(Path(out, ".threadclean", "run.json").read_text())
    if mode == "plain":  # no search across threads: the baseline
        report["across"] = {"quotes": 0, "pairs_aligned": 0}
        run_info["index"] = {"postings": 0, "postings_bytes": 0}
    shutil.rmtree(out)
    threads = report["threads"]
    return {
        "mode": mode, "workers": n, "threads": threads, "posts": report["posts"], "seconds": round(seconds, 1),
        "threads_per_s": round(threads / seconds, 1), "copies_across": report["across"]["quotes"],
        "pairs_aligned": report["across"]["pairs_aligned"],
        "postings": run_info["index"]["postings"], "shuffle_bytes_per_thread": round(
            run_info["index"]["postings_bytes"] / max(1, threads)),
        "peak_rss_main_mb": round(peak_main / 1e6, 1),
        "peak_rss_worker_mb": round(max(peak_each.values(), default=0) / 1e6, 1),
        "processes": 1 + len(peak_each), "peak_rss_tree_mb": round(peak_tree / 1e6, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--modes", nargs="*", default=["plain", "local", "cluster"],
                    help="plain: a local batch without --across (the baseline); local: with it; cluster: --cluster N")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "threadclean-archives"))
    args = ap.parse_args()
    runs = []
    for n in args.threads:
        folder = archive.make_archive(Path(args.cache), n)
        for mode in args.modes:
            runs.append({"archive": f"generated {n:,}", **run([str(folder)], mode, args.workers)})
            print(json.dumps(runs[-1]), flush=True)
    import dask

    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
               "dask": dask.__version__}
    (HERE / "across-results.json").write_text(json.dumps({"machine": machine, "runs": runs}, indent=1))
    print("| archive | engine | threads | posts | seconds | threads/s | copies across | postings shuffled | "
          "bytes/thread | peak RSS main MB | peak RSS worker MB | processes | peak RSS tree MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r['archive']} | {r['mode']} ({r['workers']}) | {r['threads']:,} | {r['posts']:,} | "
              f"{r['seconds']} | {r['threads_per_s']} | {r['copies_across']:,} | {r['postings']:,} | "
              f"{r['shuffle_bytes_per_thread']:,} | "
              f"{r['peak_rss_main_mb']} | {r['peak_rss_worker_mb']} | {r['processes']} | {r['peak_rss_tree_mb']} |")


if __name__ == "__main__":
    main()
