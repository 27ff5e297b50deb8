"""What compiling threadclean's own Python would give: the same modules built with mypyc, against
the plain install, end to end on the same generated thread.

    python benchmarks/compiled.py                 # 100,000 posts, chain text, 3 runs each
    python benchmarks/compiled.py --posts 10000 --runs 5

The per-post logic (noise detectors, settling, assembling the result, the collapse) is copied
to a temporary folder and compiled there with mypyc, which the ``bench`` extra installs; the
numpy passes (candidates, bands, the stream) are left as they are, since mypyc does not
speed up numpy calls. Each run is ``threadclean clean --format json`` in a fresh process, the
two builds alternating; both must write the same bytes. Nothing here changes the install:
this measures how far a compiled build of today's code gets, for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE))

from run import thread_files  # noqa: E402

# pure-Python logic that runs per post, per span or per copy
MODULES = ["noise", "spans", "segment", "align", "collapse", "dedup", "settle", "assemble", "result", "layout",
           "pipeline"]


def build(folder: Path) -> None:
    """A copy of the package in ``folder`` with MODULES compiled next to their sources."""
    shutil.copytree(SRC / "threadclean", folder / "threadclean")
    (folder / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mypyc", *(f"threadclean/{m}.py" for m in MODULES)], cwd=folder,
                   check=True, capture_output=True)


def one_run(path: Path, out: Path, pythonpath: Path) -> float:
    code = ("import sys; from threadclean.cli import main; "
            f"sys.argv = ['threadclean', 'clean', '--format', 'json', '-o', {str(out)!r}, {str(path)!r}]; main()")
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=pythonpath)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=100000)
    ap.add_argument("--text", choices=["markov", "splice"], default="markov")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    path, _ = thread_files(args.posts, "zh", 1, args.text)
    size = path.stat().st_size / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder / "compiled")
        seconds: dict[str, list[float]] = {"plain": [], "compiled": []}
        for _ in range(args.runs):
            seconds["plain"].append(one_run(path, folder / "plain.json", SRC))
            seconds["compiled"].append(one_run(path, folder / "compiled.json", folder / "compiled"))
        if not filecmp.cmp(folder / "plain.json", folder / "compiled.json", shallow=False):
            raise SystemExit("the compiled build wrote a different result")
    plain, compiled = (statistics.median(seconds[k]) for k in ("plain", "compiled"))
    print(f"| build | runs (s) | median s | MB/s ({args.posts:,} posts, {size:.1f} MB) |")
    print("|---|---|---:|---:|")
    for name, median in (("plain Python", plain), ("mypyc-compiled per-post logic", compiled)):
        runs = ", ".join(f"{s:.1f}" for s in seconds["plain" if name.startswith("plain") else "compiled"])
        print(f"| {name} | {runs} | {median:.1f} | {size / median:.2f} |")
    print(f"\nsame output: yes; speed-up {plain / compiled:.2f}x")


if __name__ == "__main__":
    main()
