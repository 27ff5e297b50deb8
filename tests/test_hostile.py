"""The reproductions of ../shared/HOSTILE-INPUTS.md, each as a test (the inputs are rebuilt here
from the report's description). Bounded ones run under a generous wall-clock guard: it catches a
hang, it is no speed assertion."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadclean import Config, ThreadcleanError, clean_text, clean_thread, rebuild
from threadclean.cli import cli
from threadclean.layout import parse as parse_layout
from threadclean.report import render_report

_GUARD = 120  # seconds: far above what each input takes; only a hang reaches it


@contextmanager
def guard(seconds: int = _GUARD):
    def stop(*_):
        raise AssertionError(f"still running after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run(*args, stdin=None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def _one_line_error(res, *words):
    assert res.exit_code == 2, (res.exit_code, res.output)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# --- security (report) ---------------------------------------------------------------------------

def test_s1_a_post_id_cannot_break_the_reports_script():
    result = clean_thread([{"id": "<!--<script>", "text": "first post"}, {"id": "2", "text": "second post"}])
    page = render_report(result, page_size=1)
    data = page[page.index('id="report-data"') :]
    data = data[data.index(">") + 1 : data.index("</script>")]
    assert "<!--" not in data and "<script" not in data
    assert json.loads(data)  # the data block is whole JSON


# --- hostile data --------------------------------------------------------------------------------

def test_h2_a_long_flat_line_and_many_header_lines_are_not_quadratic():
    lines = "\n".join(f"村夫{n} 发表于 2013-7-11 11:01 引文{n}{{:5_108:}}" for n in range(40_000))
    with guard():
        result = clean_text(lines)
    assert result.posts
    with guard():
        clean_text("这是一段很长的话，" * 250_000)


def test_h3_deeply_nested_json_is_an_input_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"posts":' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    _one_line_error(run("clean", str(path)), str(path))


@pytest.mark.parametrize("doc", [
    '{"posts":[{"id":"1","text":"bad \\ud800 surrogate"}]}',
    '{"title":"\\ud800","posts":[{"text":"t"}]}',
    '{"posts":[{"id":"\\udfff","text":"t"}]}',
])
def test_h4_lone_surrogates_are_an_input_error(tmp_path, doc):
    path = tmp_path / "s.json"
    path.write_text(doc, encoding="utf-8")
    _one_line_error(run("clean", str(path)), str(path))


def test_h5_deep_html_nesting_is_bounded():
    nested = '<div class="quote"><blockquote>' * 100_000 + "x" + "</blockquote></div>" * 100_000
    page = ('<html><body><table id="pid1"><tr><td><cite><a>甲</a></cite>'
            f'<div id="postmessage_1">{nested}</div></td></tr></table></body></html>')
    with guard():
        clean_text(page)
    with guard():  # unclosed, as the report's second page
        clean_text(page.replace("</blockquote></div>", ""))


def test_h6_many_short_copies_with_noise_in_one_post():
    sentence = "这句话有二十五个字左右，被人一遍遍地重复着。"
    with guard():
        result = clean_thread([{"id": "1", "text": sentence}, {"id": "2", "text": ("{:5_108:}" + sentence) * 8_000}])
    assert result.posts[1].text  # 25 characters a repeat: under min_copy_chars, its own words
    longer = "这一句话足够长，有四十个字左右，所以会被当成复制的内容，被人一遍遍地重复着。"
    with guard():  # long enough to be copies: 16,000 of them in one post
        result = clean_thread([{"id": "1", "text": longer}, {"id": "2", "text": ("{:5_108:}" + longer) * 16_000}])
    assert len(result.posts[1].quotes) == 16_000


def test_h7_a_digit_newer_than_the_unicode_tables():
    result = clean_text("好的\n村夫 发表于 2013-7-11 1\U00016d73:01\n引文\n")
    assert rebuild(result.to_dict())[None] == "好的\n村夫 发表于 2013-7-11 1\U00016d73:01\n引文\n"


# --- losslessness and idempotence ----------------------------------------------------------------

@pytest.mark.parametrize("raw", ["好原帖由 老王\r于 2010-1-20 17:09 发表", "表原帖由\r于 2010-1-0 7:09 发表"])
def test_l1_a_lone_cr_in_a_quote_header(raw):
    doc = clean_text(raw).to_dict()
    assert rebuild(doc)[None] == raw
    assert doc["stats"]["removed"].get("quote-header", {"count": 1})["count"] <= 1


def test_o1_every_source_lies_in_bounds():
    cases = [
        clean_text("linRow u-indentDepth0 js-offCanvasCopy\nlinkRow u-indentDepth0 js-offCanvasCopy\n"
                   "nkR-indentDepth0 js-offCanvasCopy"),
        clean_thread([{"text": ""}, {"text": ""}, {"text": "read&amtid=20298"},
                      {"text": "原帖由 于 2010-1-0 7:09 发表\nad&amp;tid=202983 function loadHawklinks(src"},
                      {"text": ""}, {"text": "9836)function loadHawklinks(src8 G6 w0 P3 G6 m"}]),
    ]
    for result in cases:
        doc = result.to_dict()
        lengths = {k: len(v) for k, v in rebuild(doc).items()}
        for post in doc["posts"]:
            for q in post["quotes"]:
                if q["source"] is not None:
                    s = q["source"]
                    assert 0 <= s["start"] < s["end"] <= lengths[s["input"]], q


def test_i1_a_floor_twice_in_a_dump_gives_distinct_ids():
    head = "*****\n\n####  {a}  \n##### {f}#       发表于 2021-5-3 10:{m:02d}\n\n{t}\n\n"
    dump = (head.format(a="山风", f=1, m=0, t="第一帖的内容。") + head.format(a="白鹭", f=2, m=1, t="第二帖。")
            + head.format(a="白鹭", f=2, m=1, t="第二帖。") + head.format(a="青草", f=3, m=5, t="第三帖。"))
    result = clean_text(dump)
    ids = [p.id for p in result.posts]
    assert len(ids) == len(set(ids)) == 4
    again = parse_layout(result.render())
    assert len(clean_thread(again["posts"], engine=None, dialect=None).posts) == 4


def test_i2_any_id_survives_the_text_layout():
    posts = [{"id": "post 1", "text": "First post words, long enough to be one."},
             {"id": "post 2", "text": "Second post words."}, {"id": "", "text": "third"},
             {"id": "a|b", "text": "fourth"}, {"id": "x]" * 40, "text": "First post words, long enough to be one."}]
    once = clean_thread(posts).render()
    again = parse_layout(once)
    assert len(again["posts"]) == 5
    assert clean_thread(again["posts"], title=again["title"], engine=None, dialect=None).render() == once


def test_i3_a_jammer_next_to_a_tab():
    for text in ("好文5 u4 B' i8 `$ T5 h6 M' t0 `1 ^\t\n下一行", "好文5 u4 B' i8 `$ T5 h6 M' t0 `1 ^ \n下一行"):
        assert clean_text(text).posts[0].text.strip() == "好文"


# --- library misuse and options ------------------------------------------------------------------

def test_m1_workers_are_bounded():
    from threadclean.config import MAX_WORKERS, BatchConfig

    with pytest.raises(ThreadcleanError):
        BatchConfig(workers=10**6)
    assert MAX_WORKERS <= 256


@pytest.mark.parametrize("call", [
    lambda: clean_text(None),
    lambda: clean_text(b"x"),
    lambda: clean_text("x", config="fast"),
    lambda: clean_text("x", config={}),
    lambda: clean_text("x", engine="nope"),
    lambda: clean_text("x", title=5),
    lambda: clean_thread("abc"),
    lambda: Config(noise_kinds=["jammer", 5]),
    lambda: rebuild(None),
    lambda: rebuild({"posts": 5}),
    lambda: render_report(clean_text("x"), page_size=0),
    lambda: render_report(clean_text("x"), page_size=-1),
])
def test_m2_misuse_is_a_threadclean_error(call):
    with pytest.raises(ThreadcleanError):
        call()


def test_u1_a_pages_pattern_without_its_groups(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("x", encoding="utf-8")
    res = run("batch", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--pages", "(?P<x>.+)", "-q")
    _one_line_error(res, "pages")


# --- batch ----------------------------------------------------------------------------------------

def _batch(*args, timeout=_GUARD):
    return subprocess.run([sys.executable, "-m", "threadclean.cli", "batch", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_b4_a_file_name_that_is_not_utf8(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("好文章，值得一看。\n", encoding="utf-8")
    bad = os.fsencode(str(src)) + b"/bad\xff\xfename.txt"
    with open(bad, "wb") as f:
        f.write("另一篇文章。\n".encode())
    proc = _batch(str(src), "-o", str(tmp_path / "out"), "-q")
    assert proc.returncode in (0, 1), proc.stderr
    assert "internal error" not in proc.stderr
    lines = [json.loads(x) for p in (tmp_path / "out").glob("part-*.jsonl") for x in p.read_text().splitlines()]
    assert len(lines) == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_b5_b6_only_regular_files_are_read(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("好文章，值得一看。\n", encoding="utf-8")
    os.mkfifo(src / "pipe.txt")
    (src / "zero.txt").symlink_to("/dev/zero")
    proc = _batch(str(src), "-o", str(tmp_path / "out"), "-q", timeout=60)
    assert "internal error" not in proc.stderr
    lines = [json.loads(x) for p in (tmp_path / "out").glob("part-*.jsonl") for x in p.read_text().splitlines()]
    assert [x["path"].endswith("good.txt") for x in lines] == [True]


def test_b7_a_resume_after_the_listing_changed_is_refused(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for n in range(10, 40):
        (src / f"t{n}.txt").write_text(f"第{n}篇文章的内容。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _batch(str(src), "-o", str(out), "--shard-size", "10", "--pages", "none", "-q").returncode == 0
    (src / "t00.txt").write_text("新加的文章。\n", encoding="utf-8")
    proc = _batch(str(src), "-o", str(out), "--shard-size", "10", "--pages", "none", "-q", "--resume")
    assert proc.returncode == 2 and "changed since the batch began (30 then, 31 now)" in proc.stderr, proc.stderr
    nested = _batch(str(src), "-o", str(src / "out"), "--pages", "none", "-q")  # OUT inside a source
    assert nested.returncode == 0, nested.stderr
    again = _batch(str(src), "-o", str(src / "out"), "--pages", "none", "-q", "--resume")
    assert again.returncode == 0
    lines = [json.loads(x) for p in (src / "out").glob("part-*.jsonl") for x in p.read_text().splitlines()]
    assert len(lines) == 31  # its own shards are never its input


def test_h1_a_compression_bomb_is_refused_without_inflating_it(tmp_path):
    import bz2

    src = tmp_path / "src"
    src.mkdir()
    compressor = bz2.BZ2Compressor(9)
    with open(src / "bomb.txt.bz2", "wb") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(512):  # 512 MB of zeros, a few hundred bytes on disk
            f.write(compressor.compress(chunk))
        f.write(compressor.flush())
    (src / "good.txt").write_text("好文章，值得一看。\n", encoding="utf-8")
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "threadclean.cli", "batch", str(src), "-o",
                           str(tmp_path / "out"), "-q", "--workers", "1"], capture_output=True, text=True,
                          timeout=_GUARD) if Path("/usr/bin/time").exists() else _batch(str(src), "-o",
                                                                                       str(tmp_path / "out"), "-q")
    assert time.monotonic() - start < _GUARD
    assert "internal error" not in proc.stderr
    rss = [int(line.split()[-1]) for line in proc.stderr.splitlines() if "Maximum resident set size" in line]
    if rss:
        assert rss[0] < 500_000, rss  # kB
