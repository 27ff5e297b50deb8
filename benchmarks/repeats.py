"""How often posters' own words repeat a run that already stood earlier in the thread.

    python benchmarks/repeats.py                          # real threads, chain and spliced text
    python benchmarks/repeats.py --posts 10000 100000

Every run of 8 (and 16) non-space characters that starts in a poster's own words (not a quote,
a copy or noise) counts; the share of them that stood earlier in the thread is printed. For the
annotated real threads in ../shared/realdata/flat the annotation says what is own words; for a
generated thread, the generator's truth does. The repeat finder checks a collision for every
such run, so this is what makes a generated thread as hard as a real one, or harder.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import thread_files  # noqa: E402

RUNS = (8, 16)


def seen_before(text: str, own: list[bool], width: int) -> tuple[int, int]:
    """(runs that stood earlier, runs) of ``width`` non-space characters starting in own words."""
    kept = [i for i, c in enumerate(text) if not c.isspace()]
    solid = "".join(text[i] for i in kept)
    seen: set[str] = set()
    hits = total = 0
    for j in range(len(solid) - width + 1):
        run = solid[j : j + width]
        if own[kept[j]]:
            total += 1
            hits += run in seen
        seen.add(run)
    return hits, total


def real_threads(folder: Path) -> tuple[list[str], list[list[bool]]]:
    """Each annotated thread's text, and which of its characters are its posters' own words."""
    texts: list[str] = []
    own: list[list[bool]] = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (folder / gold["file"]).read_text(encoding="utf-8")
        mine = [True] * len(text)
        for key in ("noise", "duplicates", "optional", "headers"):
            for span in gold[key]:
                mine[span["start"] : span["end"]] = [False] * (span["end"] - span["start"])
        texts.append(text)
        own.append(mine)
    return texts, own


def generated(posts: int, text: str) -> tuple[str, list[bool]]:
    """A generated thread's posts, one a line, and which characters are own words."""
    doc_path, truth_path = thread_files(posts, "zh", 1, text)
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    truth = pickle.loads(truth_path.read_bytes())
    parts, own = [], []
    for k, (post, where) in enumerate(zip(doc["posts"], truth, strict=True)):
        parts.append(post["text"] + "\n")
        own += [w == (k, i) for i, w in enumerate(where)] + [False]
    return "".join(parts), own


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, nargs="*", default=[10000, 100000])
    ap.add_argument("--realdata", default=str(HERE.parent.parent / "shared" / "realdata" / "flat"))
    args = ap.parse_args()
    print("| text | " + " | ".join(f"{w}-character runs seen before" for w in RUNS) + " |")
    print("|---|" + "---:|" * len(RUNS))
    folder = Path(args.realdata)
    if folder.is_dir():
        texts, owns = real_threads(folder)
        shares = []
        for width in RUNS:
            counts = [seen_before(t, o, width) for t, o in zip(texts, owns, strict=True)]
            shares.append(sum(h for h, _ in counts) / max(1, sum(n for _, n in counts)))
        print(f"| annotated real threads ({folder.name}), own words | "
              + " | ".join(f"{s:.2%}" for s in shares) + " |")
    for text in ("markov", "splice"):
        for posts in args.posts:
            thread, own = generated(posts, text)
            shares = [h / max(1, n) for h, n in (seen_before(thread, own, w) for w in RUNS)]
            print(f"| {text}, {posts:,} posts | " + " | ".join(f"{s:.2%}" for s in shares) + " |", flush=True)


if __name__ == "__main__":
    main()
