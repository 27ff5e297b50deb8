"""Quotes a reader can trust, walked over every quote of every real file in ../shared: no origin
in a post header or template line, none beginning or ending inside a tag, an address, an
entity, a smiley code or a word; no post quoting itself; every quote header followed by a quote.
And the reader says what it guessed: the generic reader names itself and warns once."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import shared_path
from threadclean import clean_file
from threadclean.cli import cli

# what a quote's edge must never fall strictly inside
_TAG = re.compile(r"<[A-Za-z/!][^<>]{0,4000}>")
_ADDRESS = re.compile(r"(?:https?|ftp)://[^\s<>\"'()\[\]]+|www\.[^\s<>\"'()\[\]]+")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_SMILEY = re.compile(r"\{:[A-Za-z0-9_]{1,20}:\}")
_WORD = re.compile(r"[A-Za-z0-9]+")


def _real_files():
    try:
        root = shared_path("realdata")
    except pytest.skip.Exception:
        return []
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return [p for p in files if not p.name.endswith((".gold.json", ".tsv")) and p.name != "MANIFEST.md"]


def _inside(pattern: re.Pattern[str], text: str, at: int) -> str | None:
    """The match of ``pattern`` that ``at`` falls strictly inside, if any."""
    lo = max(0, at - 4000)
    for m in pattern.finditer(text, lo, min(len(text), at + 4000)):
        if m.start() < at < m.end():
            return m.group()
        if m.start() >= at:
            break
    return None


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.name[:40])
def test_every_quote_is_one_a_reader_trusts(path):
    doc = clean_file(path).to_dict()
    texts = _inputs(path, doc)
    headers = {}  # (input, start, end) of post headers and template lines
    for r in doc["removed"]:
        if r["kind"] in ("post-header", "separator"):
            headers.setdefault(r["origin"]["input"], []).append((r["origin"]["start"], r["origin"]["end"]))
    for post in doc["posts"]:
        for q in post["quotes"]:
            origin = q["origin"]
            text = texts.get(origin["input"], "")
            for a, b in headers.get(origin["input"], []):
                overlaps = a < origin["end"] and origin["start"] < b
                assert not overlaps, (post["id"], "quote in a post header", q["text"])
            for edge in (origin["start"], origin["end"]):
                for name, pattern in (("tag", _TAG), ("address", _ADDRESS), ("entity", _ENTITY), ("smiley", _SMILEY)):
                    inside = _inside(pattern, text, edge)
                    assert inside is None, (post["id"], f"a quote's edge inside a {name}", inside[:80])
                in_word = 0 < edge < len(text) and _WORD.fullmatch(text[edge - 1 : edge + 1]) is not None
                assert not in_word, (post["id"], "a quote's edge inside a word", text[max(0, edge - 20) : edge + 20])
            if q["post"] is not None:
                assert q["post"] != post["id"], (post["id"], "a post quoting itself")
        # every quote header of the post whose quoted text holds words stands before a quote of it
        for r in post["removed"]:
            text = texts.get(r["origin"]["input"], "")
            if r["kind"] == "quote-header" and r.get("author") and _quoted_words(text, r["origin"]["end"]):
                after = [q for q in post["quotes"] if q["origin"]["start"] >= r["origin"]["end"]]
                assert after, (post["id"], "a quote header with no quote after it", r["text"][:80])


def _quoted_words(text: str, end: int) -> bool:
    """Whether words follow a quote header before its box closes (a box emptied by the replier
    holds none)."""
    after = text[end : end + 400]
    closed = after.find("</blockquote>")
    after = after[:closed] if closed >= 0 else after.split("\n\n")[0] if after.strip() else ""
    return bool(re.search(r"\w", _ENTITY.sub("", _TAG.sub("", after))))


def _inputs(path, doc):
    """Each input's text as the offsets index it: the file, or each post's body."""
    from conftest import raw_inputs

    return raw_inputs(path)


def test_the_generic_reader_says_so(tmp_path):
    dump = "\n".join(
        f"[{n:02d}] user{n % 3} — 2024-01-{n:02d} 10:{n:02d}\n"
        f"Post number {n} has words of its own about topic {n * 7}.\n" for n in range(1, 9))
    path = tmp_path / "board.txt"
    path.write_text(dump, encoding="utf-8")
    result = clean_file(path)
    assert result.reader == "generic" and len(result.posts) == 8
    assert result.warnings and "generic reader" in result.warnings[0]
    res = CliRunner().invoke(cli, ["clean", "--format", "json", str(path)])
    assert res.exit_code == 0
    warnings = [line for line in res.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "generic reader" in warnings[0] and str(path) in warnings[0]
    assert json.loads(res.stdout)["reader"]["name"] == "generic"


def test_a_forced_format_that_finds_nothing_exits_2(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("just a line of text\nand another one\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["clean", "--input-format", "stage1st-md", str(path)])
    assert res.exit_code == 2
    (line,) = res.stderr.strip().splitlines()
    assert "stage1st-md" in line and str(path) in line
