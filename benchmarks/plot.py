"""Scaling plot of benchmarks/results.json: time and peak memory against posts.

    pip install -e '.[bench]' && python benchmarks/plot.py   # writes docs/scaling.png

The worst case (benchmarks/results-splice.json, ``run.py --text splice``) is drawn too when
it is there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results.json"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE.parent / "docs" / "scaling.png"
    results = json.loads(source.read_text(encoding="utf-8"))
    ours = results["threadclean"]
    base = results["baseline"]
    worst_path = source.with_name("results-splice.json")
    worst = json.loads(worst_path.read_text(encoding="utf-8"))["threadclean"] if worst_path.exists() else []
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.loglog([r["posts"] for r in ours], [r["seconds"] for r in ours], "o-", label="threadclean")
    if worst:
        left.loglog([r["posts"] for r in worst], [r["seconds"] for r in worst], "^:",
                    label="threadclean, worst case (spliced text)")
    if base:
        left.loglog([r["posts"] for r in base], [r["seconds"] for r in base], "s--", label="partial_ratio, all pairs")
    left.set_xlabel("posts in the thread")
    left.set_ylabel("seconds")
    left.set_title("time")
    left.grid(True, which="both", alpha=0.3)
    left.legend()
    right.loglog([r["posts"] for r in ours], [r["peak_rss_mb"] for r in ours], "o-", label="threadclean")
    if worst:
        right.loglog([r["posts"] for r in worst], [r["peak_rss_mb"] for r in worst], "^:",
                     label="threadclean, worst case (spliced text)")
    right.set_xlabel("posts in the thread")
    right.set_ylabel("peak RSS (MB)")
    right.set_title("memory")
    right.grid(True, which="both", alpha=0.3)
    right.legend()
    fig.suptitle("threadclean on generated Chinese threads (one core)")
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
