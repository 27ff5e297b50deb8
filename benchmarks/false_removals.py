"""False removals: threadclean's noise detectors over clean text that has no forum noise in it.

    python benchmarks/false_removals.py

Corpora (what is on this machine): English prose (the licence texts in
/usr/share/common-licenses), Python's standard library source, man pages (roff source from
/usr/share/man/man1), and Chinese prose without forum noise: the post bodies of the annotated
threads in ../shared/realdata, with every span the annotation marks as noise, quote header,
copy or markup taken out. Each file is cleaned as one thread with the repeat search off (a
repeated licence paragraph is a repeat, not noise); everything removed is counted by kind, in
characters per MB of input. Writes benchmarks/false-removals-results.json and prints a table.
"""

from __future__ import annotations

import gzip
import json
import sys
import sysconfig
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
WHITESPACE = {"separator"}  # white space between posts: structure, no word lost


def licences() -> Iterator[tuple[str, str]]:
    for f in sorted(Path("/usr/share/common-licenses").glob("*")):
        if f.is_file():
            yield f.name, f.read_text(encoding="utf-8", errors="replace")


def stdlib(limit: int | None = None) -> Iterator[tuple[str, str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    for f in files[:limit]:
        yield str(f.relative_to(root)), f.read_text(encoding="utf-8", errors="replace")


def man_pages(limit: int = 2000) -> Iterator[tuple[str, str]]:
    for f in sorted(Path("/usr/share/man/man1").glob("*.gz"))[:limit]:
        try:
            yield f.name, gzip.decompress(f.read_bytes()).decode("utf-8", errors="replace")
        except (OSError, EOFError):
            continue


def chinese_bodies() -> Iterator[tuple[str, str]]:
    """The words of each annotated thread's posts with everything the annotation marks taken out."""
    for gold in sorted((SHARED / "realdata").rglob("*.gold.json")):
        doc = json.loads(gold.read_text(encoding="utf-8"))
        raw_path = gold.with_name(doc["file"])
        if not doc.get("post_list") or not raw_path.exists():
            continue
        raw = raw_path.read_text(encoding="utf-8")
        marked = [(x["start"], x["end"]) for key in ("noise", "headers", "duplicates", "optional")
                  for x in doc.get(key, [])]
        bodies = []
        for post in doc["post_list"]:
            keep, at = [], post["start"]
            for a, b in sorted(m for m in marked if m[1] > post["start"] and m[0] < post["end"]):
                keep.append(raw[at : max(at, a)])
                at = max(at, b)
            keep.append(raw[at : post["end"]])
            body = "".join(keep).strip()
            if body:
                bodies.append(body)
        yield gold.name.replace(".gold.json", ""), "\n\n".join(bodies)


CORPORA = {
    "English prose (licences)": licences,
    "Python standard library": stdlib,
    "man pages (roff, man1)": man_pages,
    "Chinese post bodies (realdata)": chinese_bodies,
}


def removed_by_kind(text: str) -> Counter[str]:
    from threadclean import Config, clean_text

    result = clean_text(text, config=Config(collapse=False))
    kinds: Counter[str] = Counter()
    for r in list(result.removed) + [r for p in result.posts for r in p.removed]:
        kinds[r.kind] += len(r.text)
    return kinds


def main() -> None:
    rows = []
    for name, corpus in CORPORA.items():
        files = chars = 0
        size = 0
        kinds: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for label, text in corpus():
            files += 1
            chars += len(text)
            size += len(text.encode("utf-8"))
            found = removed_by_kind(text)
            for kind in found:
                examples.setdefault(kind, label)
            kinds += found
        mb = size / 1e6
        rows.append({"corpus": name, "files": files, "mb": round(mb, 2), "chars": chars,
                     "removed": dict(kinds), "per_mb": {k: round(v / mb, 1) for k, v in kinds.items()},
                     "first_file": examples})
        print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    (HERE / "false-removals-results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print("| corpus | files | MB | jammer | other noise (characters per MB, by kind) | white space between posts |")
    print("|---|---:|---:|---:|---|---:|")
    for r in rows:
        other = ", ".join(f"{k} {v}" for k, v in sorted(r["per_mb"].items()) if k not in WHITESPACE | {"jammer"})
        space = sum(v for k, v in r["per_mb"].items() if k in WHITESPACE)
        print(f"| {r['corpus']} | {r['files']:,} | {r['mb']} | {r['removed'].get('jammer', 0)} | {other or 'none'} "
              f"| {space} |")


if __name__ == "__main__":
    main()
