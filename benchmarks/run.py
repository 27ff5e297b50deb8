"""Speed, memory and quality of threadclean on generated threads, with the naive baseline.

    python benchmarks/run.py                       # 100, 1k, 10k posts; baseline at 100-1k
    python benchmarks/run.py --sizes 100 1000 10000 100000 --baseline 250 500 1000
    python benchmarks/run.py --e2e 100000          # the CLI on a 100k-post thread, as JSON input
    python benchmarks/run.py --sizes 10000 100000 --repeat 3   # the median of three runs per size
    python benchmarks/run.py --mix heavy --e2e 100000  # the first benchmarks' copies: more pastes and edits
    python benchmarks/run.py --text splice --e2e 100000   # the worst case: text that repeats itself heavily

Each size runs in a fresh process (peak RSS is that process's own). Per size it reports
posts/s, MB/s of JSON input, peak RSS, the seconds of each phase (noise, candidates,
alignment, collapse) and the copy precision/recall against the generator's truth, in
non-space characters. The baseline is what a user would write by hand: for each post,
rapidfuzz ``partial_ratio`` against every earlier post, a copy where it scores 90 or more.
Results go to benchmarks/results.json; the table is printed as Markdown.

Timings on these machines vary by up to 20% from run to run. With ``--repeat N`` each size
(and the end-to-end run) runs N times, each in a fresh process; the run with the median time
is reported, and every run's seconds are kept in ``runs``. The baseline runs once: it grows as
the square of the posts, far beyond the spread.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def _score(doc: dict[str, Any], truth: list, predicted: set) -> tuple[float, float]:
    copies, skip = generate.copy_chars(truth, doc["posts"])
    pred = {c for c in predicted if c not in skip}
    hit = len(pred & copies)
    return (hit / len(pred) if pred else 1.0), (hit / len(copies) if copies else 1.0)


def _predicted(result: dict[str, Any]) -> set:
    out = set()
    for post in result["posts"]:
        for q in post["quotes"]:
            o = q["origin"]
            out |= {(o["input"], i) for i in range(o["start"], o["end"]) if not q["text"][i - o["start"]].isspace()}
    return out


def thread_files(posts: int, lang: str, seed: int, text: str, mix: str = "heavy") -> tuple[Path, Path]:
    """The generated thread as a JSON file and its truth as a pickle, made once in a cache folder."""
    folder = Path(tempfile.gettempdir()) / "threadclean-bench"
    folder.mkdir(exist_ok=True)
    stem = f"{lang}-{text}-{posts}-{seed}" + ("" if mix == "heavy" else f"-{mix}")
    doc_path, truth_path = folder / f"{stem}.json", folder / f"{stem}.truth.pickle"
    if not (doc_path.exists() and truth_path.exists()):
        doc, truth = generate.generate(posts, lang=lang, seed=seed, text=text, mix=mix)
        truth_path.write_bytes(pickle.dumps(truth))
        doc_path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return doc_path, truth_path


def one_size(posts: int, lang: str, seed: int, text: str, mix: str = "heavy") -> dict[str, Any]:
    """Run threadclean on one generated thread in this process (called in a child process).

    The thread is read from its file, as a user's would be; the generator's truth (one Python
    object per character) is read only after the run, so it weighs on neither time nor memory.
    """
    import resource

    import threadclean
    from threadclean.layout import parse as parse_layout
    from threadclean.perf import collect

    doc_path, truth_path = thread_files(posts, lang, seed, text, mix)
    # one-time start-up (datasketch and scipy load with the first sketch, tables are built) is
    # left out of the per-size figures; the end-to-end figure counts it
    threadclean.clean_thread(["预热一下，第一个帖子的内容有点长", "预热一下，第一个帖子的内容有点长" * 3])
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    size = doc_path.stat().st_size
    with collect() as phases:
        start = time.perf_counter()
        cleaned = threadclean.clean_thread(doc["posts"])
        result = cleaned.to_dict()
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    once = cleaned.render()  # cleaning the text output again changes nothing
    again = parse_layout(once)
    recleaned = threadclean.clean_thread(again["posts"], title=again["title"], engine=None, dialect=None)
    idempotent = recleaned.render() == once
    truth = pickle.loads(truth_path.read_bytes())
    precision, recall = _score(doc, truth, _predicted(result))
    rebuilt = threadclean.rebuild(result)  # nothing lost: every post comes back from the result
    lossless = all(rebuilt.get(p["id"], "") == p["text"] for p in doc["posts"])
    return {
        "posts": posts, "lang": lang, "text": text, "mb": size / 1e6, "seconds": seconds,
        "posts_per_s": posts / seconds, "mb_per_s": size / 1e6 / seconds, "peak_rss_mb": peak,
        "phases": {k: v for k, v in phases.items() if not k.startswith("#")},
        "counts": {k[1:]: v for k, v in phases.items() if k.startswith("#")},
        "precision": precision, "recall": recall, "lossless": lossless,
        "idempotent": idempotent,
    }


def baseline(posts: int, lang: str, seed: int, text: str, cutoff: float = 90, mix: str = "heavy") -> dict[str, Any]:
    """The naive approach: partial_ratio of each post against every earlier one."""
    from rapidfuzz import fuzz

    doc, truth = generate.generate(posts, lang=lang, seed=seed, text=text, mix=mix)
    texts = [p["text"] for p in doc["posts"]]
    predicted = set()
    start = time.perf_counter()
    for k, post in enumerate(texts):
        for j in range(k):
            other = texts[j]
            if min(len(post), len(other)) < generate.MIN_COPY:
                continue
            found = fuzz.partial_ratio_alignment(post, other, score_cutoff=cutoff)
            if found is None:
                continue
            # partial_ratio aligns the shorter string with a window of the longer: either way,
            # src_start/src_end is where the match lies in the later post
            a, b = found.src_start, found.src_end
            predicted |= {(doc["posts"][k]["id"], i) for i in range(a, b) if not post[i].isspace()}
    seconds = time.perf_counter() - start
    precision, recall = _score(doc, truth, predicted)
    return {"posts": posts, "lang": lang, "text": text, "seconds": seconds, "precision": precision, "recall": recall}


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median seconds (the lower middle one of an even number), with every
    run's seconds in ``runs``."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "runs": [r["seconds"] for r in runs]}


def _child(posts: int, lang: str, seed: int, text: str, mix: str) -> dict[str, Any]:
    thread_files(posts, lang, seed, text, mix)  # generated here, so the child only reads and cleans
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import run; "
        f"print(json.dumps(run.one_size({posts}, {lang!r}, {seed}, {text!r}, {mix!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def e2e(posts: int, lang: str, seed: int, text: str, mix: str = "heavy") -> dict[str, Any]:
    """``threadclean clean --format json`` on a generated thread file, startup included."""
    path, _ = thread_files(posts, lang, seed, text, mix)
    cli = Path(sys.executable).with_name("threadclean")
    start = time.perf_counter()
    subprocess.run([str(cli), "clean", "--format", "json", "-o", os.devnull, str(path)], check=True)
    seconds = time.perf_counter() - start
    size = path.stat().st_size
    return {
        "posts": posts, "lang": lang, "text": text, "mb": size / 1e6, "seconds": seconds,
        "mb_per_s": size / 1e6 / seconds,
    }


def machine() -> dict[str, Any]:
    import datasketch
    import numpy
    import rapidfuzz

    return {
        "python": platform.python_version(), "machine": platform.machine(), "cores": os.cpu_count(),
        "datasketch": datasketch.__version__, "rapidfuzz": rapidfuzz.__version__, "numpy": numpy.__version__,
    }


def _leaves(phases: dict[str, float]) -> dict[str, float]:
    """Seconds per innermost phase name, summed wherever it ran (``find/candidates`` and
    ``settle/candidates`` both count as ``candidates``)."""
    out: dict[str, float] = {}
    for path, seconds in phases.items():
        inner = [k for k in phases if k.startswith(path + "/")]
        if not inner:
            leaf = path.rsplit("/", 1)[-1]
            out[leaf] = out.get(leaf, 0.0) + seconds
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000])
    ap.add_argument("--baseline", type=int, nargs="*", default=[100, 250, 500, 1000])
    ap.add_argument("--e2e", type=int, nargs="*", default=[])
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--text", choices=["markov", "splice"], default="markov",
                    help="fresh text: a chain over real clauses (realistic) or spliced clause pieces (worst case)")
    ap.add_argument("--mix", choices=sorted(generate.MIXES), default="real",
                    help="how often replies paste and edit: real (calibrated, the default) or heavy (the first "
                         "benchmarks')")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size and end-to-end run; the median is reported")
    ap.add_argument("-o", "--output", default=str(HERE / "results.json"))
    args = ap.parse_args()
    results: dict[str, Any] = {"machine": machine(), "text": args.text, "mix": args.mix, "repeat": args.repeat,
                               "threadclean": [], "baseline": [], "e2e": []}
    print("| posts | MB | seconds | posts/s | MB/s | peak RSS MB | noise | candidates | alignment | collapse "
          "| precision | recall | lossless | idempotent | posts sketched / posts | every run's seconds |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|")
    for n in args.sizes:
        r = _median_run([_child(n, args.lang, args.seed, args.text, args.mix) for _ in range(args.repeat)])
        results["threadclean"].append(r)
        ph = _leaves(r["phases"])
        print(f"| {n} | {r['mb']:.2f} | {r['seconds']:.2f} | {r['posts_per_s']:.0f} | {r['mb_per_s']:.2f} "
              f"| {r['peak_rss_mb']:.0f} | {ph.get('noise', 0):.2f} | {ph.get('candidates', 0):.2f} "
              f"| {ph.get('alignment', 0):.2f} | {ph.get('collapse', 0):.2f} | {r['precision']:.3f} "
              f"| {r['recall']:.3f} | {'yes' if r['lossless'] else 'NO'} | {'yes' if r['idempotent'] else 'NO'} "
              f"| {r['counts'].get('posts sketched', 0) / max(1, r['counts'].get('posts', 1)):.2f} "
              f"| {', '.join(f'{x:.2f}' for x in r['runs'])} |",
              flush=True)
    if args.baseline:
        print("\n| posts | baseline seconds | baseline precision | baseline recall |")
        print("|---:|---:|---:|---:|")
    for n in args.baseline:
        r = baseline(n, args.lang, args.seed, args.text, mix=args.mix)
        results["baseline"].append(r)
        print(f"| {n} | {r['seconds']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} |", flush=True)
    for n in args.e2e:
        r = _median_run([e2e(n, args.lang, args.seed, args.text, args.mix) for _ in range(args.repeat)])
        results["e2e"].append(r)
        print(f"\nend to end, {n} posts ({r['mb']:.1f} MB JSON): {r['seconds']:.1f} s, {r['mb_per_s']:.2f} MB/s"
              f" (every run: {', '.join(f'{x:.1f}' for x in r['runs'])} s)")
    Path(args.output).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
