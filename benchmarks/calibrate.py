"""How the generated threads' copies compare with the annotated real threads' copies.

    python benchmarks/calibrate.py                 # realdata's annotated threads, and a 10,000-post thread
    python benchmarks/calibrate.py --posts 100000

For every copy (a passage whose first appearance is in another post): whether it is exact (the
same characters as its source; "exact but for white space" too), how long it is (non-space
characters), where it was cut (the whole source post, or cut at its start, its end or both),
whether a header marked it, and the share of the thread's characters that are copies. For the
annotated threads the annotation says (``duplicates`` with their source posts); for a generated
thread, the generator's truth does. Real threads are read from the folders of
../shared/realdata whose annotations give source posts as text offsets (the JSON folders hold
the same threads as the Markdown ones, so they are left out).

The repeat finder's cost follows these: an exact copy is found by the exact pass and aligned in
one step, an edited one is aligned piece by piece; ``benchmarks/repeats.py`` gives the other
figure that matters, how often fresh words repeat a run that stood before.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import thread_files  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "realdata"


def _solid(text: str) -> str:
    return "".join(text.split())


def _cut(head: bool, tail: bool) -> str:
    return {(False, False): "whole", (True, False): "start", (False, True): "end"}.get((head, tail), "both")


def real_copies(folder: Path) -> tuple[list[dict[str, Any]], int]:
    """Each annotated copy of the folder's threads, and the threads' characters."""
    copies, chars = [], 0
    for gold_path in sorted(folder.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        path = folder / gold["file"]
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        chars += len(text)
        for c in gold["duplicates"]:
            sources = c.get("source_posts") or []
            if c.get("source_start") is None or not sources or len(sources[0]) != 2:
                continue
            copy, source = text[c["start"]:c["end"]], text[c["source_start"]:c["source_end"]]
            a, b = sources[0]
            copies.append({
                "exact": copy == source, "exact_but_space": _solid(copy) == _solid(source),
                "length": len(_solid(copy)), "explicit": bool(c.get("explicit")),
                "cut": _cut(bool(text[a:c["source_start"]].strip()), bool(text[c["source_end"]:b].strip())),
            })
    return copies, chars


def generated_copies(posts: int, mix: str) -> tuple[list[dict[str, Any]], int]:
    """Each copy of a generated thread, from the generator's truth: a run of characters whose
    first appearances lie in one other post."""
    doc_path, truth_path = thread_files(posts, "zh", 1, "markov", mix)
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    truth = pickle.loads(truth_path.read_bytes())
    texts = [p["text"] for p in doc["posts"]]
    copies, chars = [], sum(map(len, texts))
    for k, (text, where) in enumerate(zip(texts, truth, strict=True)):
        i = 0
        while i < len(where):
            w = where[i]
            if w in (generate.NOISE, generate.OPTIONAL) or w[0] == k:
                i += 1
                continue
            j, run = w[0], [i]
            while i + 1 < len(where) and where[i + 1] not in (generate.NOISE, generate.OPTIONAL) \
                    and where[i + 1][0] == j:
                i += 1
                run.append(i)
            i += 1
            offsets = [where[r][1] for r in run]
            copy = "".join(text[r] for r in run)
            source_text = texts[j]
            lo, hi = offsets[0], offsets[-1] + 1
            source = source_text[lo:hi]
            own = [o for o, x in enumerate(truth[j]) if x == (j, o) and not source_text[o].isspace()]
            explicit = run[0] > 0 and "发表于" in text[max(0, run[0] - 40):run[0]]
            copies.append({
                "exact": copy == source, "exact_but_space": _solid(copy) == _solid(source),
                "length": len(_solid(copy)), "explicit": explicit,
                "cut": _cut(bool(own) and lo > own[0], bool(own) and hi <= own[-1]),
            })
    return copies, chars


def summary(copies: list[dict[str, Any]], chars: int) -> dict[str, Any]:
    n = max(1, len(copies))
    lengths = [c["length"] for c in copies] or [0]
    cuts = Counter(c["cut"] for c in copies)
    return {
        "copies": len(copies), "exact": sum(c["exact"] for c in copies) / n,
        "exact_but_space": sum(c["exact_but_space"] for c in copies) / n,
        "explicit": sum(c["explicit"] for c in copies) / n,
        "median_length": statistics.median(lengths), "mean_length": statistics.mean(lengths),
        "copied_share": sum(lengths) / max(1, chars),
        **{f"cut_{k}": cuts[k] / n for k in ("whole", "start", "end", "both")},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, nargs="*", default=[10000])
    ap.add_argument("-o", "--output", default=str(HERE / "calibrate-results.json"))
    args = ap.parse_args()
    rows: dict[str, dict[str, Any]] = {}
    if SHARED.is_dir():
        everything: list[dict[str, Any]] = []
        total = 0
        for folder in sorted(p for p in SHARED.iterdir() if p.is_dir() and not p.name.endswith("-json")):
            copies, chars = real_copies(folder)
            if copies:
                rows[f"real: {folder.name}"] = summary(copies, chars)
                everything += copies
                total += chars
        rows["real: all annotated threads"] = summary(everything, total)
    for mix in sorted(generate.MIXES, reverse=True):
        for posts in args.posts:
            rows[f"generated ({mix} mix), {posts:,} posts"] = summary(*generated_copies(posts, mix))
    Path(args.output).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print("| threads | copies | exact | exact but white space | marked by a header | median / mean length "
          "| whole source | cut at start | at end | both | copied share |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['copies']:,} | {r['exact']:.2f} | {r['exact_but_space']:.2f} | {r['explicit']:.2f} "
              f"| {r['median_length']:.0f} / {r['mean_length']:.0f} | {r['cut_whole']:.2f} | {r['cut_start']:.2f} "
              f"| {r['cut_end']:.2f} | {r['cut_both']:.2f} | {r['copied_share']:.3f} |")


if __name__ == "__main__":
    main()
