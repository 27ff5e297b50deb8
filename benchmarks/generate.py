"""Realistic forum threads that know their own truth, for benchmarks.

Posts are recombined from real text: clauses of real forum posts (the seed and the Stage1st /
1984bbs dumps in ../shared, when present) for Chinese threads, and sentences of the licence texts
in /usr/share/common-licenses and Python's own reference (pydoc_data) for English ones. The
corpus holds about 108,000 Chinese characters, and a 100,000-post thread about 10 million, so
fresh text cannot be the corpus's clauses themselves. Two ways to make it (``text=``):

- ``"markov"`` (the default): clauses drawn from a character (zh) or word (en) chain over the
  corpus, each step conditioned on the last two tokens (70%) or the last one (30%). Real text
  rarely repeats a long run by accident: in the annotated real threads of ../shared/realdata/flat,
  0.53% of the 8-character runs of the posters' own words (not quotes, copies or noise) stood
  earlier in the thread. In chain text it is 0.87% at 10,000 posts and 2.2% at 100,000
  (``benchmarks/repeats.py``).
- ``"splice"``: two pieces (10 to 20 characters) of two corpus clauses. Every piece recurs many
  times in a long thread: 39% (10,000 posts) and 49% (100,000 posts) of the 8-character runs of
  fresh text stood earlier. A worst case for the repeat finder (every window collides with
  dozens of earlier ones), not a realistic thread.

Replies quote earlier posts after a Discuz header (cut to 100 characters with " ..." as Discuz
does), paste passages of earlier posts without any mark (cut at either end, sometimes lightly
edited), and carry jammer strings and smiley codes.

Every character of a generated post knows where it comes from: ``truth[post][i]`` is the
(post, offset) of the character's first appearance in the thread, ``NOISE`` for noise, or
``OPTIONAL`` for a reused clause shorter than 30 non-space characters, which threadclean may
leave in place. A character is a copy when its first appearance is elsewhere. Reused clauses
count too, so precision figures mean something; halves of clauses that recur in other splices
are short phrases and count as the replier's own words.

    python benchmarks/generate.py --posts 10000 --lang zh --seed 1 -o thread.json
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NOISE = (-1, -1)
OPTIONAL = (-2, -2)
MIN_COPY = 30
_PIECE = 20  # longest piece of a real clause in a spliced one

_CLAUSE_ZH = re.compile(r"[^。！？；，,!?;\n]{4,80}[。！？；，,!?;]?")
_SENTENCE_EN = re.compile(r"[A-Z][^.!?\n]{20,200}[.!?]")
_MARKUP = re.compile(r"<[^>]{0,400}>|!\[[^\]]*\]\([^)]*\)|\[[^\]]*\]\([^)]*\)|https?://\S+|\{:[^}]{1,20}:\}")
_NAMES_ZH = ["山风", "夜猫子", "村夫", "老王", "小李", "阿杰", "朱老师", "青草", "白鹭", "东京打工妹", "君往何处",
             "逆城的风", "傲娇的章鱼鱼"]
_NAMES_EN = ["ada", "linus", "grace", "ken", "barbara", "dennis", "margaret", "alan", "edsger", "donald", "frances",
             "john", "radia", "tim"]


def _zh_sources() -> list[str]:
    files = sorted((SHARED / "seed").glob("*.txt")) + sorted((SHARED / "realdata" / "stage1st-md").glob("*.md"))
    files += sorted((SHARED / "realdata" / "1984bbs-md").glob("*.md"))
    if not files:
        raise SystemExit("the Chinese corpus comes from ../shared (seed, stage1st-md, 1984bbs-md): not found")
    return [f.read_text(encoding="utf-8") for f in files]


def _en_sources() -> list[str]:
    from pydoc_data.topics import topics  # Python's own reference prose, on every install

    files = sorted(Path("/usr/share/common-licenses").glob("*"))
    return [f.read_text(encoding="utf-8", errors="replace") for f in files if f.is_file()] + list(topics.values())


def corpus(lang: str) -> list[str]:
    """Clauses (zh) or sentences (en) of real text, with no 12-character run in two of them."""
    texts = _zh_sources() if lang == "zh" else _en_sources()
    pattern = _CLAUSE_ZH if lang == "zh" else _SENTENCE_EN
    seen: set[str] = set()
    out = []
    for text in texts:
        text = _MARKUP.sub(" ", text)
        if lang == "en":  # wrapped prose: a line break inside a sentence is a space
            text = " ".join(text.split())
        for m in pattern.finditer(text):
            piece = " ".join(m.group().split()) if lang == "en" else m.group().strip()
            grams = {piece[i : i + 12] for i in range(max(1, len(piece) - 11))}
            if len(piece) < 6 or grams & seen or any(ch in piece for ch in "#*>|"):
                continue
            seen |= grams
            out.append(piece)
    return out


def _jammer(rng: random.Random) -> str:
    return "".join(chr(rng.randint(32, 59)) + " " + chr(rng.randint(63, 126)) for _ in range(rng.randint(5, 15)))


_START, _STOP = "\x02", "\x03"
_SECOND_ORDER = 0.7  # share of steps conditioned on two tokens rather than one


class _Chain:
    """A token chain over the corpus: a token follows the last two (or the last one) as often
    as it does in the corpus."""

    def __init__(self, pool: list[str], lang: str) -> None:
        self.joiner = " " if lang == "en" else ""
        self.one: dict[str, list[str]] = defaultdict(list)
        self.two: dict[tuple[str, str], list[str]] = defaultdict(list)
        for clause in pool:
            tokens = [_START, _START, *(clause.split() if lang == "en" else clause), _STOP]
            for i in range(2, len(tokens)):
                self.two[(tokens[i - 2], tokens[i - 1])].append(tokens[i])
                self.one[tokens[i - 1]].append(tokens[i])

    def clause(self, rng: random.Random, longest: int = 80) -> str:
        a, b = _START, _START
        out: list[str] = []
        while len(out) < longest:
            nxt = rng.choice(self.two[(a, b)] if rng.random() < _SECOND_ORDER else self.one[b])
            if nxt == _STOP:
                if out:
                    break
                continue
            out.append(nxt)
            a, b = b, nxt
        return self.joiner.join(out)


#: Per mix: how often a reply pastes an earlier passage with no mark, how often a paste is
#: edited, where a quote is cut (characters), and whether a quote keeps its source's line breaks.
#: ``"heavy"`` (the first benchmarks' mix): a paste in one reply of five, a third of them edited,
#: so copies are a quarter of the thread and 45% of them unmarked. ``"real"``: calibrated against
#: the annotated Discuz threads of ../shared/realdata (stage1st-md, flat; ``benchmarks/calibrate.py``
#: prints both side by side), where 99% of copies are quotes after a header, 91-92% of them exact,
#: and 5-10% of the characters copies: a paste in one reply of fifty, a tenth of them edited,
#: quotes cut shorter (their median is 38 non-space characters there) and keeping line breaks.
MIXES = {"heavy": (0.20, 0.3, 100, False), "real": (0.02, 0.1, 60, True)}


class _Thread:
    def __init__(self, lang: str, seed: int, text: str = "markov", mix: str = "heavy") -> None:
        self.paste, self.edit, self.quote_cut, self.keep_breaks = MIXES[mix]
        self.rng = random.Random(seed)
        self.lang = lang
        self.pool = corpus(lang)
        self.chain = _Chain(self.pool, lang) if text == "markov" else None
        self.names = _NAMES_ZH if lang == "zh" else _NAMES_EN
        self.posts: list[dict[str, Any]] = []
        self.truth: list[list[tuple[int, int]]] = []
        self.first_use: dict[int, tuple[int, int]] = {}  # spliced clause -> where it first appeared
        self.spliced: dict[str, int] = {}

    def _own(self, k: int, text: list[str], where: list[tuple[int, int]]) -> None:
        """Fresh clauses of real text; a clause used before is a copy of its first use."""
        rng = self.rng
        for _ in range(max(1, int(rng.expovariate(1 / 3.0)))):
            # a chain clause, or two pieces of at most 20 characters from two clauses: a piece
            # that recurs in a later splice is a short phrase; only a whole clause used again is a copy
            if self.chain is not None:
                spliced = self.chain.clause(rng)
            else:
                spliced = "".join(self._piece(rng.choice(self.pool)) for _ in range(2))
            c = self.spliced.setdefault(spliced, len(self.spliced))
            clause = spliced + (" " if self.lang == "en" else "")
            at = sum(len(t) for t in text)
            if c in self.first_use:
                p, o = self.first_use[c]
                long = len("".join(clause.split())) >= MIN_COPY
                where += [(p, o + i) if long else OPTIONAL for i in range(len(clause))]
            else:
                self.first_use[c] = (k, at)
                where += [(k, at + i) for i in range(len(clause))]
            text.append(clause)
            if rng.random() < 0.15:
                jam = _jammer(rng) if rng.random() < 0.3 else ""
                text.append(jam + "\n")
                where += [NOISE] * len(jam) + [(k, at + len(clause) + len(jam))]

    def _piece(self, clause: str) -> str:
        if len(clause) <= _PIECE:
            return clause
        at = self.rng.randrange(0, len(clause) - _PIECE + 1)
        return clause[at : at + self.rng.randint(_PIECE // 2, _PIECE)]

    def _copy_span(self, k: int, j: int, start: int, end: int, text: list[str], where: list[tuple[int, int]],
                   edit: bool, explicit: bool = False) -> None:
        """Characters ``[start, end)`` of post ``j``, pointing where they first appeared."""
        src, origin = self.posts[j]["text"], self.truth[j]
        breaks = self.keep_breaks and explicit
        chars = [(src[i], origin[i]) for i in range(start, end) if origin[i] != NOISE and (breaks or src[i] != "\n")]
        if edit and len(chars) > 10:
            i = self.rng.randrange(1, len(chars) - 1)
            if self.rng.random() < 0.5:
                del chars[i]
            else:
                chars.insert(i, chars[i])
        text.append("".join(c for c, _ in chars))
        if not explicit and sum(not c.isspace() for c, _ in chars) < MIN_COPY:
            where += [OPTIONAL] * len(chars)  # a short unmarked repeat may stay
        else:
            where += [o for _, o in chars]

    def post(self) -> None:
        rng, k = self.rng, len(self.posts)
        text: list[str] = []
        where: list[tuple[int, int]] = []
        if k and rng.random() < 0.25:  # an explicit quote of a recent post, as Discuz cuts it
            j = rng.randrange(max(0, k - 50), k)
            src = self.posts[j]
            header = f"{src['author']} 发表于 {src['time']}\n"
            text.append(header)
            where += [NOISE] * len(header)
            end = min(len(src["text"]), self.quote_cut)
            self._copy_span(k, j, 0, end, text, where, edit=False, explicit=True)
            if end < len(src["text"]):
                text.append(" ...")
                where += [NOISE] * 4
            text.append("\n")
            where.append((k, sum(len(t) for t in text) - 1))
        self._own(k, text, where)
        if k and rng.random() < self.paste:  # an unmarked paste, cut at either end, sometimes edited
            j = rng.randrange(k)
            n = len(self.posts[j]["text"])
            if n > MIN_COPY + 10:
                a = rng.randrange(0, max(1, n // 3))
                b = rng.randrange(min(n, a + MIN_COPY + 5), n + 1)
                self._copy_span(k, j, a, b, text, where, edit=rng.random() < self.edit)
                self._own(k, text, where) if rng.random() < 0.5 else None
        if rng.random() < 0.05:
            smiley = f"{{:soso_e{rng.randint(100, 199)}:}}"
            text.append(smiley)
            where += [NOISE] * len(smiley)
        body = "".join(text)
        minute = k * 3
        day = f"2024-{1 + minute // 43200 % 12}-{1 + minute // 1440 % 28}"
        stamp = f"{day} {minute // 60 % 24:02d}:{minute % 60:02d}"
        self.posts.append({"id": str(k + 1), "author": rng.choice(self.names), "time": stamp, "text": body})
        self.truth.append(where)


def generate(
    posts: int, *, lang: str = "zh", seed: int = 1, text: str = "markov", mix: str = "heavy"
) -> tuple[dict[str, Any], list[list[tuple[int, int]]]]:
    """A thread of ``posts`` posts and, per post, each character's first appearance; ``text``
    is how fresh text is made (``"markov"`` or ``"splice"``, see the module's docstring), ``mix``
    how often replies paste and edit (see ``MIXES``)."""
    thread = _Thread(lang, seed, text, mix)
    for _ in range(posts):
        thread.post()
    name = f"{lang}-{text}-{posts}-{seed}" + ("" if mix == "heavy" else f"-{mix}")
    doc = {"id": f"bench-{name}", "title": "generated", "posts": thread.posts}
    return doc, thread.truth


def copy_chars(truth: list[list[tuple[int, int]]], posts: list[dict[str, Any]]) -> tuple[set, set]:
    """(characters that are copies, characters scored neither way), as (post id, offset)."""
    copies, skip = set(), set()
    for k, (post, where) in enumerate(zip(posts, truth, strict=True)):
        for i, w in enumerate(where):
            if post["text"][i].isspace():
                continue
            if w in (NOISE, OPTIONAL):
                skip.add((post["id"], i))
            elif w[0] != k or w[1] != i:
                copies.add((post["id"], i))
    return copies, skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--text", choices=["markov", "splice"], default="markov")
    ap.add_argument("--mix", choices=sorted(MIXES), default="real")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    doc, _ = generate(args.posts, lang=args.lang, seed=args.seed, text=args.text, mix=args.mix)
    Path(args.output).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
