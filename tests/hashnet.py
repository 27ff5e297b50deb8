"""The output hash net: a SHA-256 of what threadclean makes of every fixture, every real file in
../shared and a few generated threads, against a committed manifest (tests/hashnet.json).

A change that is meant to keep every output (a move, a rename, a new type between stages) must
leave every hash as it was; a change that alters output on purpose rewrites the manifest in the
same commit, and says why:

    .venv/bin/python tests/hashnet.py            # rewrite tests/hashnet.json
    .venv/bin/python tests/hashnet.py --check    # list the cases whose output changed

Each case is cleaned as the CLI cleans a file (read, then clean), and both the threadclean/1
document and the text layout are hashed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
MANIFEST = Path(__file__).with_name("hashnet.json")
GENERATED = (("zh", 1, 400), ("zh", 2, 1500), ("en", 3, 400))  # (language, seed, posts)


def _digest(result: Any) -> str:
    doc = json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((doc + "\x00" + result.render()).encode("utf-8", "surrogatepass")).hexdigest()


def _file_case(path: Path) -> Callable[[], Any]:
    def run() -> Any:
        import threadclean

        return threadclean.clean_file(str(path))

    return run


def _generated_case(lang: str, seed: int, posts: int) -> Callable[[], Any]:
    def run() -> Any:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from generate import generate

        import threadclean

        doc, _ = generate(posts, lang=lang, seed=seed)
        return threadclean.clean_thread(doc["posts"], title=doc["title"], id=doc["id"])

    return run


def cases() -> Iterator[tuple[str, Callable[[], Any]]]:
    """(name, run) of every case present on this machine; ``shared/`` cases only where it is."""
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix != ".bin" and path.name != "expected.json" and "batch" not in path.parts:
            yield f"fixtures/{path.relative_to(FIXTURES).as_posix()}", _file_case(path)
    if SHARED.exists():
        real = sorted(p for p in (SHARED / "realdata").rglob("*") if p.is_file())
        for path in sorted((SHARED / "seed").glob("*.txt")) + real:
            if not path.name.endswith((".gold.json", ".tsv")) and path.name != "MANIFEST.md":
                yield f"shared/{path.relative_to(SHARED).as_posix()}", _file_case(path)
        for lang, seed, posts in GENERATED:
            yield f"generated/{lang}-{seed}-{posts}", _generated_case(lang, seed, posts)


def outcome(run: Callable[[], Any]) -> str:
    """The hash of a case's output, or its error's type and line (an error is an output too)."""
    try:
        return _digest(run())
    except Exception as e:  # the net pins failures as well as results
        return f"error: {type(e).__name__}: {e}"


def main(argv: list[str]) -> int:
    got = {name: outcome(run) for name, run in cases()}
    if "--check" in argv:
        known = json.loads(MANIFEST.read_text(encoding="utf-8"))
        changed = sorted(n for n in got if known.get(n) != got[n])
        print("\n".join(changed) or "every output as in the manifest")
        return 1 if changed else 0
    MANIFEST.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(got)} cases written to {MANIFEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
