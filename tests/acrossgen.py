"""An archive for the search across threads, with the truth of every paste in it.

Threads of fresh text (no repeats of their own), some of them *origins*, and later threads into
which passages are pasted: from the origins and from any other source text given (the posts of
real threads), cut at either end mid-sentence, some lightly edited (a character changed inside,
never at an edge), some under ``min_copy_chars`` (which must not be linked). The generated
threads have no times, so the archive's order decides what comes first: their file is listed
after everything else, origins before the threads that paste them.

    python tests/acrossgen.py OUT --threads 200     # OUT/zz-pasted/{a-origins,b-pastes}.jsonl, OUT/truth.json
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# common characters, so fresh text reads like text and no 30 of them repeat by chance
_POOL = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
         "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
         "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
         "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
         "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则")
_COMMAS = "，。、；！？"


def filler(rng: random.Random, n: int) -> str:
    """``n`` characters of fresh text, punctuated every few characters."""
    out = []
    while len(out) < n:
        out += rng.choices(_POOL, k=rng.randint(4, 14))
        out.append(rng.choice(_COMMAS))
    return "".join(out[:n])


@dataclass(frozen=True)
class Paste:
    """``text[start:end]`` of post ``post`` of thread ``thread`` was pasted from ``source``
    (``origin``: a generated origin, its thread and post; ``given``: the n-th given text)."""

    thread: str
    post: str
    start: int
    end: int
    long: bool  # at least min_copy_chars solid characters: must be linked
    edited: bool
    source: str  # "origin:THREAD:POST" or "given:N"
    passage: str  # as it stood in the source


# markup and links in a real post's text: no one's words, so no paste is cut from them
_MARKUP = re.compile(r"<[^<>]*>|\[/?[A-Za-z][^\[\]]*\]|(?:https?|ftp)://\S+")


def passages(texts: Sequence[str], *, least: int = 100) -> list[str]:
    """The stretches of words between the markup and links of ``texts``, ``least`` solid
    characters or more."""
    return [piece for text in texts for piece in _MARKUP.split(text) if _solid(piece) >= least]


def _solid(text: str) -> int:
    return sum(not c.isspace() for c in text)


def _cut(rng: random.Random, text: str, length: int) -> str:
    """``length`` characters of ``text`` from anywhere in it, mid-sentence or not, without the
    white space at their edges (a paste starts and ends with what was selected)."""
    start = rng.randint(0, max(0, len(text) - length))
    return text[start : start + length].strip()


def _edit(rng: random.Random, passage: str) -> str:
    """One character inside the passage (at least 8 from either edge) changed for another."""
    at = rng.randint(8, len(passage) - 9)
    return passage[:at] + rng.choice(_POOL.replace(passage[at], "")) + passage[at + 1 :]


def build(folder: Path, given: Sequence[str], *, threads: int = 200, seed: int = 11,
          min_copy_chars: int = 30) -> list[Paste]:
    """The generated threads in ``folder/zz-pasted``: the origins in ``a-origins.jsonl``, the
    threads that paste in ``b-pastes.jsonl``; and the truth of every paste."""
    rng = random.Random(seed)
    origins = []
    lines = []
    for t in range(threads // 4):
        tid = f"origin-{t}"
        posts = [{"id": str(k), "author": f"o{t}-{k}", "text": filler(rng, rng.randint(120, 400))}
                 for k in range(1, rng.randint(2, 5))]
        origins += [(tid, p["id"], p["text"]) for p in posts]
        lines.append({"id": tid, "title": tid, "posts": posts})
    truth: list[Paste] = []
    usable = passages(given)
    for t in range(threads - threads // 4):
        tid = f"paste-{t}"
        posts = []
        for k in range(1, rng.randint(2, 6)):
            before, after = filler(rng, rng.randint(0, 80)), filler(rng, rng.randint(0, 80))
            if rng.random() < 0.5 and usable:
                n = rng.randrange(len(usable))
                source, whole = f"given:{n}", usable[n]
            else:
                o = rng.choice(origins)
                source, whole = f"origin:{o[0]}:{o[1]}", o[2]
            long = rng.random() < 0.8
            length = rng.randint(min_copy_chars + 10, 300) if long else rng.randint(8, min_copy_chars - 8)
            passage = _cut(rng, whole, length)
            if long and _solid(passage) < min_copy_chars + 5:
                continue
            if not long and _solid(passage) >= min_copy_chars:
                continue
            edited = long and len(passage) > 40 and rng.random() < 0.3
            pasted = _edit(rng, passage) if edited else passage
            text = before + pasted + after
            pid = str(k)
            posts.append({"id": pid, "author": f"p{t}-{k}", "text": text})
            truth.append(Paste(tid, pid, len(before), len(before) + len(pasted), long, edited, source, passage))
        if posts:
            lines.append({"id": tid, "title": tid, "posts": posts})
    out = folder / "zz-pasted"
    out.mkdir(parents=True, exist_ok=True)
    for name, part in (("a-origins.jsonl", lines[: threads // 4]), ("b-pastes.jsonl", lines[threads // 4 :])):
        (out / name).write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in part), "utf-8")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--threads", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    truth = build(args.out, [], threads=args.threads, seed=args.seed)
    (args.out / "truth.json").write_text(json.dumps([asdict(p) for p in truth], ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
