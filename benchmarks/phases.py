"""Where the time goes on a generated thread: the parts of ``clean_thread``, and the numpy passes
timed alone.

    python benchmarks/phases.py                  # 10,000 and 100,000 posts, chain text
    python benchmarks/phases.py --posts 10000 --text splice

Each size runs in a fresh process after a warm-up thread. The parts are timed by wrapping the
pipeline's own functions (a part's time includes what it calls). "Alone" times the first
search's candidate phase and stream building again on the same input, best of three, with
nothing else in memory but the thread: how they grow with the input when nothing else competes.
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

# (module, function, part): what each wrapped function counts towards
PARTS = [
    ("pipeline", "detect_noise", "first noise pass"),
    ("pipeline", "build_stream", "building the first search's stream"),
    ("pipeline", "find_copies", "first search (candidates, alignment, collapse)"),
    ("pipeline", "settle", "settling (its searches and bookkeeping)"),
    ("pipeline", "build_result", "assembling the result"),
]


def one_size(posts: int, text: str) -> dict[str, Any]:
    """Run in a child process: the parts of one clean, then the numpy passes alone."""
    import importlib

    import threadclean
    from threadclean import Config, candidates, normalize

    threadclean.clean_thread(["预热一下，第一个帖子的内容有点长", "预热一下，第一个帖子的内容有点长" * 3])
    doc = json.loads(thread_files(posts, "zh", 1, text)[0].read_text(encoding="utf-8"))
    seconds: dict[str, float] = {}
    streams: list[Any] = []
    segments: list[Any] = []

    def timed(fn: Any, part: str) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            if part.startswith("first search"):
                streams.append(args[0])
            elif part.startswith("building"):
                segments.append(args[0])
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[part] = seconds.get(part, 0.0) + time.perf_counter() - start
        return run

    for module, name, part in PARTS:
        mod = importlib.import_module(f"threadclean.{module}")
        setattr(mod, name, timed(getattr(mod, name), part))
    start = time.perf_counter()
    threadclean.clean_thread(doc["posts"])
    total = time.perf_counter() - start
    seconds["the rest (parsing, headers, placing copies)"] = total - sum(seconds.values())
    seconds["total"] = total
    stream, config = streams[0], Config()

    def best(fn: Any) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    alone = {
        "candidate search (first search)": best(lambda: candidates.find_candidates(stream, config)),
        "building the first search's stream": best(lambda: normalize.build_stream(segments[0])),
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
            other = large[group][part]
            print(f"| {name} | {seconds:.3f} s | {other:.3f} s | {other / seconds:.1f}× |")


if __name__ == "__main__":
    main()
