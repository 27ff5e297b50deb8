"""The long fuzz run: random inputs from five generators, each cleaned end to end and checked
for the four invariants at once. ``tests/test_fuzz.py`` runs a few hundred of each; the long
run (docs/reliability.md) runs a million:

    .venv/bin/python tests/fuzzgen.py --cases 1000000 --workers 2

Generators: ``text`` (forum noise, structure, markup and random characters, with the line ends,
tabs and lone carriage returns that broke idempotence), ``json`` (threads of posts with hostile
ids: spaces, ``|``, brackets, empty, long, repeated; odd fields; values nested deep), ``page``
(the HTML engines' markup, nested), ``dump`` (Discuz and Stage1st dumps with repeated floors),
``layout`` (threadclean's own layout, hand-edited). Each case must: raise nothing but an
``InputError``; finish within ``HANG_SECONDS``; keep every quote's source inside its input;
rebuild every input exactly; and clean to the same text when its text layout is cleaned again.
A failing case is written to ``--failures`` with its seed, so it can be replayed and kept.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from threadclean import InputError, rebuild
from threadclean.pipeline import clean_read
from threadclean.read import read_bytes

HANG_SECONDS = 30

PIECES = [
    "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^", "**** Hidden Message *****", "{:soso_e121:}", "{:5_108:}", "{:9:}",
    "村夫 发表于 2013-7-11 11:01", " static/image/common/back.gif", "原帖由 老王 于 2009-3-1 10:00 发表",
    "ken wrote:", "本帖最后由 山风 于 2021-5-3 10:05 编辑", " ...", "\n", "\n\n", "*****", "##### 2#  发表于 2021-5-3",
    "####  山风  ", "<blockquote>", "</blockquote>", "<br>", '<div class="quote">', "</div>", "[quote]", "[/quote]",
    "[quote #3 ¶1]", "[quote @村夫]", "=== #2 | a | t ===", "> quoted line", ">> deeper",
    "On Mon, Jan 1, 2024, x <x@y.z> wrote:", "—— 来自 S1Next", "来自: iPhone客户端", "﹍﹍﹍﹍﹍﹍﹍﹍﹍﹍",
    "附件: ", "提示: 作者被禁止或删除 内容自动屏蔽", "&nbsp;", "&amp;", "\ufeff", "\r\n", "\r", "\t", "  ", "\x0c",
    "\u2028", "\x85", "\u3000",
    "办公室工作就是服务,为领导服务,为机关服务", "参谋部永远是第一位的。", "The quick brown fox jumps over the dog.",
    "def f(x):", "| a | b |", "+--+", "😀", "\u200b", "\x00", "\\", '"', "{", "}", "[", "]", "|", "%", "#",
    "-----Original Message-----", "From: x@y.z", "-- \n", "_______________________________________________",
]
# stretches long enough to be copied: the repeat finder's food
SENTENCES = [
    "办公室的工作量与工作节奏决定了出差错的机率比较大。", "忙中出错很可能导致领导不满意，群众也不满意。",
    "周末去爬了北山，路比想象中好走很多，山顶的风景也值得这一趟。",
    "The committee met on Tuesday and agreed the budget.",
    "地铁四号线延长以后，上班路上少了半个小时。", "I think the second edition is better than the first one.",
]
PAGE_PARTS = [
    '<div class="t_msgfont" id="postmessage_1">', '<td class="t_f" id="postmessage_2">', "</td>", "</div>",
    '<div class="quote"><blockquote>', "</blockquote></div>", '<font color="red">', "</font>", "<br />", "<p>",
    '<span style="display:none">jam</span>', '<font class="jammer">x8</font>', '<img smilieid="1" src="s.gif">',
    '<div class="postbody"><div class="content">', '<article class="message-body">', '<blockquote class="bbCodeBlock"',
    ' data-source="post: 1">', '<a href="forum.php?mod=redirect&goto=findpost&pid=1">老王 发表于 2013-1-1 10:00</a>',
    '<cite>ken wrote:</cite>', "<html><head><title>t</title></head><body>", "</body></html>", "<!-- x -->", "<",
    ">", "&amp;", "&#", "正文内容在这里", "<script>var a=1<2;</script>", '<div id="post_<!--<script>">',
    '<table id="pid12">', '<div class="post" id="p1">', "<z\n", "<div>" * 20, "</div>" * 20,
]
IDS = ["1", "2", "2", "post 1", "a|b", "x]", "[y", "", " ", "%20", "\\", "#3", "¶", "x]" * 40, "长" * 300, "\t",
       "<!--<script>", "1\n2", "\u200b", "-1"]


def _text(rng: random.Random, size: int = 40) -> str:
    out = []
    for _ in range(rng.randint(0, size)):
        r = rng.random()
        if r < 0.55:
            out.append(rng.choice(PIECES))
        elif r < 0.8:
            out.append(rng.choice(SENTENCES))
        else:
            out.append("".join(chr(_code(rng)) for _ in range(rng.randint(1, 8))))
    return "".join(out)


def _code(rng: random.Random) -> int:
    """A code point: ASCII, the rest of the BMP below CJK, CJK, or anything at all."""
    return rng.choice((rng.randint(32, 126), rng.randint(0x80, 0x3000), rng.randint(0x4E00, 0x9FFF),
                       rng.randint(0, 0x10FFFF)))


def _clean_str(s: str) -> str:
    return s.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates: JSON readers refuse them, rightly


def gen_text(rng: random.Random) -> bytes:
    text = _clean_str(_text(rng))
    if rng.random() < 0.3:  # a jammer beside a tab or a space at a line's end
        end = rng.choice(["\t", " ", "\t\n", " \r\n", "\r"])
        text += rng.choice(SENTENCES) + "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^" + end
    return text.encode("utf-8")


def _deep(rng: random.Random, depth: int) -> Any:
    value: Any = rng.choice([None, 1, "x", True])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"x": value}
    return value


def gen_json(rng: random.Random) -> bytes:
    posts: list[Any] = []
    for _ in range(rng.randint(0, 8)):
        post: dict[str, Any] = {"text": _clean_str(_text(rng, 12))}
        if rng.random() < 0.7:
            post["id"] = _clean_str(rng.choice(IDS)) if rng.random() < 0.6 else rng.randint(0, 5)
        if rng.random() < 0.5:
            post["author"] = rng.choice(["村夫", "ken", None, "", "a|b", "x\ny"])
        if rng.random() < 0.3:
            post["time"] = rng.choice(["2013-7-11 11:01", "", None, "x", "2013-07-11T11:01:00Z"])
        if rng.random() < 0.1:
            post["extra"] = _deep(rng, rng.randint(1, 60))
        if rng.random() < 0.05 and posts:
            post = dict(rng.choice(posts))  # a post twice, id and all
        posts.append(post)
    doc: Any = {"posts": posts, "title": _clean_str(_text(rng, 3))} if rng.random() < 0.7 else posts
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.3)
    if rng.random() < 0.03:  # nested past any reader's depth, alone or as a post's field
        depth = rng.randint(100, 20_000)
        deep = "[" * depth + "1" + "]" * depth
        text = deep if rng.random() < 0.5 else f'{{"posts": [{{"text": "a", "x": {deep}}}]}}'

    if rng.random() < 0.2 and isinstance(doc, dict):  # as JSON Lines
        text = "\n".join(json.dumps({"text": p.get("text", "")} if isinstance(p, dict) else p) for p in posts)
    return text.encode("utf-8")


def gen_page(rng: random.Random) -> bytes:
    parts = [rng.choice(PAGE_PARTS) if rng.random() < 0.6 else _clean_str(_text(rng, 6))
             for _ in range(rng.randint(0, 30))]
    return "".join(parts).encode("utf-8")


def gen_dump(rng: random.Random) -> bytes:
    out = []
    floor = 1
    for _ in range(rng.randint(1, 8)):
        floor = floor if rng.random() < 0.15 else floor + 1  # a floor number twice
        if rng.random() < 0.5:  # Stage1st / Discuz markdown dump
            out.append(f"*****\n\n####  {rng.choice(['山风', '白鹭', 'ken'])}  \n##### {floor}#       发表于 "
                       f"2021-5-3 10:{rng.randint(0, 59):02d}\n\n{_clean_str(_text(rng, 10))}\n\n")
        else:
            out.append(f"{rng.choice(['山风', '白鹭'])} 发表于 2013-7-11 11:{rng.randint(0, 59):02d}\n"
                       f"{_clean_str(_text(rng, 10))}\n")
    return "".join(out).encode("utf-8")


def gen_layout(rng: random.Random) -> bytes:
    lines = ["#threadclean/1 " + _clean_str(_text(rng, 2)).replace("\n", " ")]
    for _ in range(rng.randint(0, 6)):
        post_id = _clean_str(rng.choice(IDS)).replace("\n", "")
        author, when = rng.choice(["", "a", "村夫"]), rng.choice(["", "2013-07-11T11:01"])
        lines.append(f"=== #{post_id or '1'} | {author} | {when} ===")
        lines.append(_clean_str(_text(rng, 10)))
    return "\n".join(lines).encode("utf-8")


GENERATORS = {"text": gen_text, "json": gen_json, "page": gen_page, "dump": gen_dump, "layout": gen_layout}


class Hang(Exception):
    pass


def check(data: bytes, name: str = "fuzz") -> str | None:
    """None if the input keeps every invariant, else which one it broke."""
    try:
        thread = read_bytes(data, source=name)
        result = clean_read([thread], names=[name])
    except InputError:
        return None
    except Hang:
        raise
    except Exception as e:
        return f"crash: {type(e).__name__}: {e}"
    doc = result.to_dict()
    rebuilt = rebuild(doc)
    for post in doc["posts"]:
        for q in post["quotes"]:
            s = q["source"]
            if s is not None and not 0 <= s["start"] < s["end"] <= len(rebuilt.get(s["input"], "")):
                return f"source out of bounds: {q}"
    if thread.text is not None and all(p["origin"]["input"] is None for p in doc["posts"]):
        if rebuilt.get(None, "") != thread.text and (doc["posts"] or doc["removed"]):
            return "rebuild differs"
    elif thread.text is None:  # every post's text comes back under its id (its position if it has none)
        expected = {}
        for n, post in enumerate(thread.posts, 1):
            text = post if isinstance(post, str) else post.get("text") or ""
            given = None if isinstance(post, str) else post.get("id")
            expected[str(given) if given is not None else str(n)] = text
        if any(rebuilt.get(k, "") != v for k, v in expected.items()):
            return "rebuild differs (posts)"
    once = result.render()
    try:
        again = clean_read([read_bytes(once.encode("utf-8"), source=name)], names=[name]).render()
    except InputError as e:
        return f"its layout does not read back: {e}"
    if again != once:
        return "cleaning twice differs"
    return None


def _alarm(*_: Any) -> None:
    raise Hang


def run(kind: str, seed: int, cases: int) -> tuple[str, Counter[str], list[dict[str, Any]]]:
    """``cases`` cases of one generator from ``seed``: counts by outcome, and the failures."""
    signal.signal(signal.SIGALRM, _alarm)
    counts: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    make = GENERATORS[kind]
    for n in range(cases):
        case_seed = seed * 1_000_003 + n
        data = make(random.Random(case_seed))
        signal.alarm(HANG_SECONDS)
        try:
            problem = check(data)
        except Hang:
            problem = "hang"
        finally:
            signal.alarm(0)
        if problem is None:
            counts["ok"] += 1
        else:
            counts[problem.split(":")[0]] += 1
            if len(failures) < 50:
                failures.append({"kind": kind, "seed": case_seed, "problem": problem[:500],
                                 "input": data.decode("utf-8", "replace")[:4000]})
    return kind, counts, failures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases in all, shared by the generators")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kinds", default=",".join(GENERATORS))
    parser.add_argument("--failures", default="fuzz-failures.jsonl")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    slices = 10 * args.workers * len(kinds)
    per = max(1, args.cases // slices)
    tasks = [(kinds[k % len(kinds)], args.seed * 10_000 + k, per) for k in range(slices)]
    started = time.perf_counter()
    totals: dict[str, Counter[str]] = {kind: Counter() for kind in kinds}
    failures: list[dict[str, Any]] = []
    with ProcessPoolExecutor(args.workers) as pool:
        for kind, counts, found in pool.map(run, *zip(*tasks, strict=True)):
            totals[kind].update(counts)
            failures += found
    seconds = time.perf_counter() - started
    with open(args.failures, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in failures)
    print("| generator | cases | ok | failures |\n|---|---:|---:|---|")
    for kind, counts in totals.items():
        bad = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()) if k != "ok") or "none"
        print(f"| {kind} | {sum(counts.values()):,} | {counts['ok']:,} | {bad} |")
    print(f"| **total** | **{sum(sum(c.values()) for c in totals.values()):,}** | "
          f"{sum(c['ok'] for c in totals.values()):,} | {len(failures)} kept in {args.failures} |")
    print(f"{seconds:,.0f} s with {args.workers} workers")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
