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


def test_empty_input_is_an_empty_result():
    res = run("clean", "--format", "json", "-", stdin=b"")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["posts"] == []


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
