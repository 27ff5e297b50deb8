"""Hostile inputs, end to end: each one cleaned by the CLI in a fresh process, timed, with its
peak memory and what the result says about caps.

    python benchmarks/pathological.py [--only NAME...] [--limit SECONDS]

Writes benchmarks/pathological-results.json and prints a Markdown table (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1_000_000
SENTENCE = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。"


def _jammer_line(path: Path) -> None:
    """10 MB on one line of what Discuz's jammer writes: a digit or sign, a space, a letter."""
    rng = random.Random(1)
    chars = [chr(rng.randint(32, 59)) + " " + chr(rng.randint(63, 126)) for _ in range(10 * MB // 3)]
    path.write_text("".join(chars), encoding="utf-8")


def _no_spaces(path: Path) -> None:
    """A JSON thread whose first post is 10 MB of CJK with no space, and a reply quoting it."""
    rng = random.Random(2)
    big = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(10 * MB // 3))
    posts = [{"author": "a", "text": big}, {"author": "b", "text": big[5000:5200] + "同意"}]
    path.write_text(json.dumps({"posts": posts}, ensure_ascii=False), encoding="utf-8")


def _one_char_posts(path: Path) -> None:
    """100,000 posts of one character each."""
    rng = random.Random(3)
    posts = [{"text": rng.choice("顶好赞是啊哈1+")} for _ in range(100_000)]
    path.write_text(json.dumps({"posts": posts}, ensure_ascii=False), encoding="utf-8")


def _nested_email(path: Path) -> None:
    """A mail whose quote is nested 200 levels deep, each level with its own line."""
    lines = [f"{'> ' * depth}第{depth}层: {SENTENCE}" for depth in range(200, 0, -1)]
    path.write_text("同意楼上\n\nOn Mon, Jan 1, 2024 at 10:00 AM x <x@example.com> wrote:\n" + "\n".join(lines) + "\n")


def _nested_page(path: Path) -> None:
    """A Discuz page whose post holds 200 nested quote boxes."""
    inner = SENTENCE
    for depth in range(200):
        inner = f'<div class="quote"><blockquote>第{depth}层 {SENTENCE}{inner}</blockquote></div>'
    post = f'<div class="t_msgfont" id="postmessage_1">{inner}</div>'
    path.write_text(f"<html><head><meta charset=utf-8></head><body>{post}</body></html>", encoding="utf-8")


def _quotes_everything(path: Path) -> None:
    """300 posts, each quoting every earlier post in full, then adding its own words."""
    rng = random.Random(4)
    own = ["".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(60)) for _ in range(300)]
    posts = [{"author": f"u{k}", "text": "\n".join(own[: k + 1])} for k in range(300)]
    path.write_text(json.dumps({"posts": posts}, ensure_ascii=False), encoding="utf-8")


def _repeated_sentence(path: Path) -> None:
    """100 MB of one sentence, one a line."""
    line = (SENTENCE + "\n").encode("utf-8")
    with open(path, "wb") as f:
        for _ in range(100 * MB // len(line)):
            f.write(line)


# the same inputs searched all the same: the caps raised above their size
SEARCHED = ["--max-post-chars", "20000000", "--max-thread-chars", "50000000"]
CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "jammer-line-10mb": ("txt", _jammer_line),
    "no-space-post-10mb": ("json", _no_spaces),
    "one-char-posts-100k": ("json", _one_char_posts),
    "nested-quotes-200-email": ("txt", _nested_email),
    "nested-quotes-200-page": ("html", _nested_page),
    "every-post-quotes-every-earlier-300": ("json", _quotes_everything),
    "repeated-sentence-100mb": ("txt", _repeated_sentence),
}
VARIANTS = {"jammer-line-10mb searched": "jammer-line-10mb", "no-space-post-10mb searched": "no-space-post-10mb"}


def run(case: str, folder: Path, limit: float) -> dict:
    name = VARIANTS.get(case, case)
    ext, make = CASES[name]
    path = folder / f"{name}.{ext}"
    if not path.exists():
        make(path)
    out = folder / f"{case.replace(' ', '-')}.out.json"
    rss_file = folder / f"{case.replace(' ', '-')}.rss"
    # the CLI as `python -m threadclean`, writing its own peak resident memory when it exits:
    # VmHWM, as ru_maxrss on Linux keeps the parent's peak across fork and exec
    wrapper = ("import runpy, sys\n"
               "rss = sys.argv.pop()\n"
               "try:\n    runpy.run_module('threadclean', run_name='__main__')\n"
               "finally:\n    peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
               "    open(rss, 'w').write(peak[0])")
    more = SEARCHED if case in VARIANTS else []
    cmd = [sys.executable, "-c", wrapper, "clean", "--format", "json", *more, "-o", str(out), str(path), str(rss_file)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=limit)
        status, seconds = proc.returncode, time.perf_counter() - start
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"case": case, "mb": round(path.stat().st_size / MB, 1), "seconds": None, "status": "over limit"}
    rss = round(int(rss_file.read_text()) / 1024, 1) if rss_file.exists() else None
    row = {"case": case, "mb": round(path.stat().st_size / MB, 1), "seconds": round(seconds, 2),
           "peak_rss_mb": rss, "exit": status, "stderr": err.strip()[:300]}
    if status == 0:
        doc = json.loads(out.read_text(encoding="utf-8"))
        row |= {"posts": doc["stats"]["posts"], "quotes": doc["stats"]["quotes"],
                "not_searched": doc["stats"].get("not_searched")}
        out.unlink()
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=list(CASES) + list(VARIANTS))
    ap.add_argument("--limit", type=float, default=1800.0, help="seconds before a case counts as a hang")
    ap.add_argument("--folder", default=os.path.join(tempfile.gettempdir(), "threadclean-pathological"))
    args = ap.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in args.only:
        rows.append(run(name, folder, args.limit))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    (HERE / "pathological-results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print("| input | MB | seconds | peak RSS MB | posts | copies collapsed | not searched |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        ns = r.get("not_searched")
        note = f"{ns['posts']:,} posts ({', '.join(ns['why'])})" if ns else "none"
        print(f"| {r['case']} | {r['mb']} | {r['seconds']} | {r.get('peak_rss_mb')} | {r.get('posts', '')} "
              f"| {r.get('quotes', '')} | {note} |")


if __name__ == "__main__":
    main()
