"""Where the time goes on a generated thread: the parts of ``clean_thread``, and the numpy passes
timed alone.

    python benchmarks/phases.py                  # 10,000 and 100,000 posts, chain text
    python benchmarks/phases.py --posts 10000 --text splice

Each size runs in a fresh process after a warm-up thread. The parts are the pipeline's own
phase labels (``threadclean.perf``): each stage, and inside the repeat finder and settling their
phases (``settle/candidates`` is the candidate search of the settling rounds). "Alone" times
stream building and the candidate phase again on the posts' text (each post one segment), best
of three, with nothing else in memory but the thread: how they grow with the input when nothing
else competes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import thread_files  # noqa: E402


def one_size(posts: int, text: str) -> dict[str, Any]:
    """Run in a child process: the phases of one clean, then the numpy passes alone."""
    import threadclean
    from threadclean import Config
    from threadclean.find import candidates, stream
    from threadclean.perf import collect

    threadclean.clean_thread(["预热一下，第一个帖子的内容有点长", "预热一下，第一个帖子的内容有点长" * 3])
    doc = json.loads(thread_files(posts, "zh", 1, text)[0].read_text(encoding="utf-8"))
    with collect() as phases:
        start = time.perf_counter()
        threadclean.clean_thread(doc["posts"])
        total = time.perf_counter() - start
    seconds = dict(sorted(phases.items()))
    top = sum(v for k, v in phases.items() if "/" not in k)
    seconds["the rest (reading the posts, the collector pause)"] = total - top
    seconds["total"] = total

    def best(fn: Any) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    segments, base = [], 0
    for post in doc["posts"]:
        segments.append([(base, post["text"])])
        base += len(post["text"])
    built = stream.build_stream(segments)
    alone = {
        "building a stream of the posts' text": best(lambda: stream.build_stream(segments)),
        "candidate search over it": best(lambda: candidates.find_candidates(built, Config())),
    }
    return {"posts": posts, "parts": seconds, "alone": alone}


def _child(posts: int, text: str) -> dict[str, Any]:
    thread_files(posts, "zh", 1, text)
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import phases; "
        f"print(json.dumps(phases.one_size({posts}, {text!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, nargs=2, default=[10000, 100000])
    ap.add_argument("--text", choices=["markov", "splice"], default="markov")
    args = ap.parse_args()
    small, large = (_child(n, args.text) for n in args.posts)
    print(f"| part | {small['posts']:,} posts | {large['posts']:,} posts | growth |")
    print("|---|---:|---:|---:|")
    for group in ("parts", "alone"):
        for part, seconds in small[group].items():
            name = part if group == "parts" else f"{part}, alone (best of 3)"
            other = large[group].get(part, 0.0)
            growth = f"{other / seconds:.1f}×" if seconds else "–"
            print(f"| {name} | {seconds:.3f} s | {other:.3f} s | {growth} |")


if __name__ == "__main__":
    main()
