"""The caps on the repeat search: what is over them is passed through uncollapsed, cleaned of
noise, reported, and never dropped."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from threadclean import Config, clean_text, clean_thread, rebuild
from threadclean.cli import cli

QUOTE = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。参谋部永远是第一位的。"


def test_a_post_over_max_post_chars_is_kept_whole_and_reported():
    posts = [QUOTE, QUOTE + "{:soso_e121:}" + "好" * 500, QUOTE + "赞同"]
    result = clean_thread(posts, config=Config(max_post_chars=300))
    long_post = result.posts[1]
    assert long_post.quotes == () and long_post.text == QUOTE + "好" * 500  # noise out, words all kept
    assert [q.post for q in result.posts[2].quotes] == ["1"]  # the others are still searched
    assert result.stats.not_searched == {"posts": 1, "chars": len(posts[1]), "why": {"max_post_chars": 1}}
    assert rebuild(result.to_dict()) == {str(n): t for n, t in enumerate(posts, 1)}


def test_posts_past_max_thread_posts_are_not_searched():
    result = clean_thread([QUOTE] * 5, config=Config(max_thread_posts=3))
    assert [len(p.quotes) for p in result.posts] == [0, 1, 1, 0, 0]
    assert result.stats.not_searched["why"] == {"max_thread_posts": 2}


def test_a_flat_dump_counts_lines_and_characters():
    raw = "\n".join([QUOTE, QUOTE, "x" * 100, QUOTE, QUOTE])
    result = clean_text(raw, config=Config(max_thread_chars=len(QUOTE) * 2 + 2))
    assert result.stats.not_searched["posts"] == 3
    assert sum(len(p.quotes) for p in result.posts) == 1
    assert rebuild(result.to_dict())[None] == raw
    again = clean_text(raw, config=Config(max_post_chars=50))
    assert again.stats.not_searched["why"] == {"max_post_chars": 1}
    assert sum(len(p.quotes) for p in again.posts) == 3


def test_the_cli_warns_and_batch_reports(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"posts": [{"text": QUOTE}, {"text": QUOTE * 30}]}, ensure_ascii=False))
    res = CliRunner().invoke(cli, ["clean", str(path), "--max-post-chars", "100", "--format", "json"])
    assert res.exit_code == 0
    assert res.stderr.startswith(f"threadclean: warning: {path}: 1 post (") and "max_post_chars" in res.stderr
    assert json.loads(res.stdout)["posts"][1]["text"] == QUOTE * 30
    res = CliRunner().invoke(cli, ["batch", str(path), "-o", str(tmp_path / "out"), "--max-post-chars", "100",
                                   "--workers", "1"])
    assert res.exit_code == 0 and "threads partly not searched  1" in res.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["warnings"][0]["path"] == str(path) and "max_post_chars" in report["warnings"][0]["warning"]


def test_a_bug_is_one_line_with_exit_3(monkeypatch, tmp_path, capsys):
    import threadclean.cli as cli_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module, "clean_file", broken)
    path = tmp_path / "t.txt"
    path.write_text("x")
    monkeypatch.setattr("sys.argv", ["threadclean", "clean", str(path)])
    with pytest.raises(SystemExit) as stop:
        cli_module.main()
    assert stop.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: boom" in err and "Traceback" not in err
