"""The command through click's runner: output on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from threadclean.cli import cli

SAMPLE = FIXTURES / "discuz_x_flat" / "input.txt"


def run(*args, stdin=None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_json_output_is_one_document():
    res = run("clean", "--format", "json", str(SAMPLE))
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["format"] == "threadclean/1"
    assert any(q["explicit"] for p in doc["posts"] for q in p["quotes"])


def test_text_output_and_stdin():
    res = run("clean", "-", stdin=SAMPLE.read_bytes())
    assert res.exit_code == 0
    assert res.stdout.startswith("#threadclean/1")
    assert "[quote #2 ¶1]" in res.stdout


def test_output_file(tmp_path):
    out = tmp_path / "out.json"
    res = run("clean", "--format", "json", "-o", str(out), str(SAMPLE))
    assert res.exit_code == 0 and res.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["posts"]


def test_empty_input_is_refused_as_batch_refuses_it():
    res = run("clean", "--format", "json", "-", stdin=b"")
    assert res.exit_code == 2
    assert res.stderr.strip() == "threadclean: error: <stdin>: empty input, no thread in it"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "byte 8"),
        (b'{"posts": [{"text": "a"},\n  {"text": }]}', "line 2, column 12"),
        (b'{"posts": [{"text": "a"}, 7]}', "post 2"),
        (b"abc \x81\x8d\x8f\x90\x9d\x80\xff more", "byte 4"),
        (b'{"text": "a"}\n{"text": \n', "line 2"),
    ],
    ids=["binary", "broken-json", "post-not-object", "no-supported-encoding", "broken-jsonl"],
)
def test_bad_input_is_one_line_exit_2(tmp_path, data, where):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    res = run("clean", str(path))
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert str(path) in lines[0] and where in lines[0]


def test_input_format_picks_the_engine():
    dump = str(FIXTURES / "stage1st_md" / "input.md")
    auto = json.loads(run("clean", "--format", "json", dump).stdout)
    flat = json.loads(run("clean", "--format", "json", "--input-format", "text", dump).stdout)
    forced = json.loads(run("clean", "--format", "json", "--input-format", "stage1st-md", dump).stdout)
    assert [p["author"] for p in auto["posts"]] == ["山风", "白鹭", "青草", "山风"]
    assert forced == auto
    assert all(p["author"] is None for p in flat["posts"])


def test_engine_and_dialect_options_for_json_posts(tmp_path):
    body = ('<blockquote><a href="https://stage1st.com/2b/forum.php?mod=redirect&amp;goto=findpost&amp;pid=1">'
            '山风 发表于 2021-5-3 10:00</a>\n这条线路从北门进山，两个小时到观景台</blockquote>\n观景台附近有卖吃的吗？')
    posts = {"posts": [{"id": "1", "author": "山风", "text": "这条线路从北门进山，两个小时到观景台，路上有水。"},
                       {"id": "2", "author": "白鹭", "text": body}]}
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
    auto = json.loads(run("clean", "--format", "json", str(path)).stdout)
    forced = json.loads(run("clean", "--format", "json", "--engine", "stage1st-md", str(path)).stdout)
    plain = json.loads(run("clean", "--format", "json", "--engine", "none", "--dialect", "text", str(path)).stdout)
    assert auto["reader"] == forced["reader"] == {"name": "posts:stage1st-md", "dialect": "html"}
    assert plain["reader"] == {"name": "posts", "dialect": "text"}
    assert "<blockquote>" in plain["posts"][1]["text"]  # read as plain text: the markup stays
    assert forced["posts"][1]["text"].strip() == "观景台附近有卖吃的吗？"


# --- habits (issue 18) ---------------------------------------------------------------------------

def _one_error_line(res, *words):
    assert res.exit_code == 2, (res.exit_code, res.output)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("threadclean: error: "), res.stderr
    assert all(word in lines[0] for word in words), lines[0]


def test_version_and_examples():
    assert run("-V").stdout.startswith("threadclean, version ")
    assert run("--version").exit_code == 0
    for command in ([], ["clean"], ["show"], ["batch"]):
        assert "Examples:" in run(*command, "--help").stdout
    helped = run("clean", "--help").stdout
    assert helped.count("stage1st-md") == 1  # a long choice list is printed once


@pytest.mark.parametrize("args", [["clean", "--nope"], ["clean", "/no/such/file"], ["nope"],
                                  ["clean", "--format", "xml", str(SAMPLE)], ["show"]])
def test_usage_errors_are_one_line_exit_2(args):
    _one_error_line(run(*args))


def test_an_output_that_cannot_be_written_is_one_line_exit_2(tmp_path):
    _one_error_line(run("clean", str(SAMPLE), "-o", str(tmp_path)))  # a folder


def test_several_files_are_several_threads(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("第一篇文章的内容在这里。\n", encoding="utf-8")
    b.write_text("第二篇文章的内容在这里。\n", encoding="utf-8")
    res = run("clean", str(a), str(b))
    assert res.exit_code == 0
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["path"] for x in lines] == [str(a), str(b)] and all(x["format"] == "threadclean/1" for x in lines)
    _one_error_line(run("clean", "--format", "text", str(a), str(b)), "--pages")
    pages = run("clean", "--pages", "--format", "json", str(a), str(b))
    assert pages.exit_code == 0 and len(json.loads(pages.stdout)["posts"]) == 2  # one thread of two pages
    _one_error_line(run("show", str(a), str(b), "-o", str(tmp_path / "r.html")), "--pages")


def test_posts_output_is_one_record_per_post():
    dump = FIXTURES / "stage1st_md" / "input.md"
    res = run("clean", "--format", "posts", str(dump))
    assert res.exit_code == 0
    records = [json.loads(x) for x in res.stdout.splitlines()]
    doc = json.loads(run("clean", "--format", "json", str(dump)).stdout)
    assert [r["post"] for r in records] == [p["id"] for p in doc["posts"]]
    assert [r["author"] for r in records] == ["山风", "白鹭", "青草", "山风"]
    assert all(r["time"].startswith("2021-05-03T") and r["time_raw"] for r in records)
    assert any(r["quotes"] and r["quotes"][0]["post"] == "1" for r in records)
    for record, post in zip(records, doc["posts"], strict=True):
        assert record["text"] == record["text"].strip() and "\n\n\n" not in record["text"]
        assert record["text"].split() == post["text"].split()  # the same words, white space tidied


def test_clean_and_show_refuse_to_overwrite_their_input(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(SAMPLE.read_bytes())
    _one_error_line(run("clean", str(path), "-o", str(path)), "is an input")
    _one_error_line(run("show", str(path), "-o", str(path)), "is an input")
    assert path.read_bytes() == SAMPLE.read_bytes()


def test_show_writes_to_stdout_and_says_where_it_wrote(tmp_path):
    res = run("show", str(SAMPLE), "-o", "-")
    assert res.exit_code == 0 and res.stdout.startswith("<!DOCTYPE html>")
    out = tmp_path / "r.html"
    res = run("show", str(SAMPLE), "-o", str(out))
    assert res.exit_code == 0 and out.exists() and f"wrote {out}" in res.stderr


def test_batch_with_a_missing_source_is_exit_2(tmp_path):
    _one_error_line(run("batch", str(tmp_path / "nope"), "-o", str(tmp_path / "out"), "-q"), "no such file")
    assert not (tmp_path / "out").exists()


def test_batch_names_the_page_groups_it_made(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("topic_page1.txt", "topic_page2.txt", "top10.txt", "top20.txt", "step1.txt", "step2.txt"):
        (src / name).write_text(f"{name} 的内容，各不相同。\n", encoding="utf-8")
    res = run("batch", str(src), "-o", str(tmp_path / "out"), "-q")
    assert res.exit_code == 0
    assert "1 threads read from several files grouped by name, such as topic" in res.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["threads"] == 5 and report["paged"] == 1


def test_a_terminal_on_stdin_gets_a_hint(monkeypatch):
    import threadclean.cli

    monkeypatch.setattr(threadclean.cli, "_terminal", lambda: True)
    res = run("clean", stdin=SAMPLE.read_bytes())
    assert res.exit_code == 0 and "reading a thread from the terminal" in res.stderr
    assert run("clean", str(SAMPLE)).stderr.count("terminal") == 0  # a file named: no hint
