"""End to end against an earlier revision: ``threadclean clean --format json`` on the same thread
files, the revision's code and this tree's alternating, each run a fresh process.

    python benchmarks/against.py dbe61ed /tmp/threadclean-bench/zh-markov-100000-1-real.json --runs 2

The revision is checked out once in a temporary git worktree and run with this venv (its
``src`` first on ``PYTHONPATH``), so both use the same interpreter and dependencies; a dependency
the revision lacks is simply not imported by it. Prints one line a run and a table of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(src: Path, path: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "threadclean", "clean", "--format", "json", "-o", os.devnull, path],
                   check=True, env=env, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("revision")
    ap.add_argument("threads", nargs="+")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "then"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), args.revision],
                       check=True)
        try:
            rows = []
            for path in args.threads:
                then, now = [], []
                for _ in range(args.runs):
                    then.append(_run(tree / "src", path))
                    now.append(_run(ROOT / "src", path))
                    print(f"{Path(path).name}: {args.revision} {then[-1]:.1f} s, now {now[-1]:.1f} s", flush=True)
                mb = Path(path).stat().st_size / 1e6
                rows.append((Path(path).name, mb, then, now))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    print(f"\n| thread | MB | {args.revision} (s) | now (s) | MB/s now | gain |")
    print("|---|---:|---|---|---:|---:|")
    for name, mb, then, now in rows:
        print(f"| {name} | {mb:.1f} | {', '.join(f'{x:.1f}' for x in then)} | {', '.join(f'{x:.1f}' for x in now)} "
              f"| {mb / statistics.median(now):.2f} | {statistics.median(then) / statistics.median(now):.2f}× |")


if __name__ == "__main__":
    main()
