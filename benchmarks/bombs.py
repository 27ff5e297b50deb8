"""Compression bombs through `threadclean batch`: each bomb of ../shared/HOSTILE-INPUTS.md (H1)
and a few like it, written here, batched in a fresh process beside a good file, with the peak
resident memory of the batch's whole process tree (main process, fork server and workers,
summed, sampled every 20 ms, as benchmarks/archive.py does) and what the report says.

    python benchmarks/bombs.py [--only NAME...]

Writes benchmarks/bombs-results.json and prints a Markdown table (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from archive import _tree_rss as tree_rss

HERE = Path(__file__).resolve().parent
GB = 1 << 30
_CHUNK = 1 << 24


def _gzip(path: Path, total: int, byte: bytes) -> None:
    chunk = byte * _CHUNK
    with gzip.open(path, "wb", compresslevel=9) as f:
        for _ in range(total // _CHUNK):
            f.write(chunk)


def _bz2(path: Path, total: int, byte: bytes) -> None:
    chunk = byte * _CHUNK
    with bz2.open(path, "wb", compresslevel=9) as f:
        for _ in range(total // _CHUNK):
            f.write(chunk)


def _one_line(path: Path, total: int) -> None:
    """JSON Lines of threads whose second line is one endless string: the line cap's case."""
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(b'{"posts": [{"text": "a good first thread"}]}\n{"posts": [{"text": "')
        for _ in range(total // _CHUNK):
            f.write(b"a" * _CHUNK)
        f.write(b'"}]}\n{"posts": [{"text": "a good third thread"}]}\n')


BOMBS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "gzip-1GB-zeros": ("gzip of 1 GB of zeros (H1)", lambda p: _gzip(p, GB, b"\0")),
    "gzip-4GB-zeros": ("gzip of 4 GB of zeros (H1)", lambda p: _gzip(p, 4 * GB, b"\0")),
    "bz2-2GB-zeros": ("bz2 of 2 GB of zeros, --workers 2 (H1)", lambda p: _bz2(p, 2 * GB, b"\0")),
    "gzip-1GB-text": ("gzip of 1 GB of 'a' (text, no NUL)", lambda p: _gzip(p, GB, b"a")),
    "gzip-1GB-line": ("gzip JSON Lines, one line of 1 GB", lambda p: _one_line(p, GB)),
}
SUFFIX = {"gzip-1GB-line": ".jsonl.gz"}


def run(name: str, folder: Path) -> dict[str, object]:
    label, make = BOMBS[name]
    src = folder / name
    src.mkdir()
    bomb = src / f"bomb{SUFFIX.get(name, '.txt.bz2' if name.startswith('bz2') else '.txt.gz')}"
    make(bomb)
    (src / "good.txt").write_text("好文章，值得一看。\n", encoding="utf-8")
    out = folder / f"{name}-out"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "threadclean", "batch", str(src), "-o", str(out), "-q",
                             "--workers", "2"])
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    return {"name": name, "input": label, "bytes_on_disk": bomb.stat().st_size, "exit": proc.returncode,
            "seconds": round(seconds, 1), "peak_rss_mb": round(peak / (1 << 20)), "threads": report.get("threads"),
            "errors": [e["reason"] for e in report.get("errors", [])]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(BOMBS))
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or BOMBS:
            rows.append(run(name, Path(tmp)))
            print(rows[-1], flush=True)
    (HERE / "bombs-results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("| input | on disk | peak RSS MB | seconds | exit | threads written | reported |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['input']} | {r['bytes_on_disk']:,} B | {r['peak_rss_mb']} | {r['seconds']} | {r['exit']} | "
              f"{r['threads']} | {'; '.join(r['errors'])[:160]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
