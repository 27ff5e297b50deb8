"""Batch cleaning: pages of one thread together, the same bytes whatever the workers, resuming
after SIGKILL, and an archive of bad files that still finishes."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from threadclean import clean_archive, rebuild
from threadclean.batch import BatchConfig
from threadclean.cli import cli

# my own sentences: threads are recombined from them, and replies quote earlier posts
SENTENCES = [
    "周末去爬了北山，路比想象中好走很多，山顶的风景也值得这一趟",
    "这家面馆开了二十年，老板每天早上五点就开始熬汤",
    "新买的电饭煲煮出来的米饭偏硬，可能是水放少了",
    "图书馆三楼的自习室很安静，就是空调开得太冷了",
    "地铁四号线延长以后，上班路上少了半个小时",
    "小区门口的梧桐树今年掉叶子特别早，秋天好像提前来了",
    "第一次自己换自行车内胎，折腾了一个下午才弄好",
    "楼下新开的书店有很多旧版的诗集，价格也不贵",
]


def make_thread(rng: random.Random, n: int, tid: str) -> dict:
    posts: list[dict] = []
    for k in range(n):
        text = "，".join(rng.sample(SENTENCES, 2)) + f"。第{k + 1}楼{rng.randint(0, 999)}"
        if posts and rng.random() < 0.5:
            quoted = rng.choice(posts)
            text = quoted["text"] + "\n" + text
        posts.append({"id": str(k + 1), "author": f"用户{rng.randint(1, 9)}", "text": text})
    return {"id": tid, "title": f"话题{tid}", "posts": posts}


def make_archive(root: Path, *, threads: int, seed: int = 7) -> Path:
    """An archive of JSON Lines files of threads, some gzipped, and the Stage1st pages."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    per_file = max(1, threads // 4)
    for f in range(0, threads, per_file):
        lines = "".join(json.dumps(make_thread(rng, rng.randint(2, 8), f"{f + i}"), ensure_ascii=False) + "\n"
                        for i in range(min(per_file, threads - f)))
        if f % 2:
            (root / f"part{f:05d}.jsonl.gz").write_bytes(gzip.compress(lines.encode(), mtime=0))
        else:
            (root / f"part{f:05d}.jsonl").write_text(lines, encoding="utf-8")
    return root


def shards(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("part-*"))}


def lines_of(folder: Path) -> list[dict]:
    return [json.loads(line) for data in shards(folder).values() for line in data.decode().splitlines()]


def test_a_quote_on_a_later_page_collapses_into_the_first(tmp_path):
    report = clean_archive([str(FIXTURES / "batch" / "stage1st")], str(tmp_path / "out"), batch=BatchConfig(workers=1))
    assert (report.threads, report.failed) == (1, 0)
    [thread] = lines_of(tmp_path / "out")
    page1, page2 = sorted(str(p) for p in (FIXTURES / "batch" / "stage1st").iterdir())
    assert thread["pages"] == [page1, page2] and thread["id"] == "100"
    reply = next(p for p in thread["posts"] if p["id"] == "31")
    [quote] = reply["quotes"]
    assert quote["post"] == "1" and quote["explicit"]
    assert quote["origin"]["input"] == page2 and quote["source"]["input"] == page1
    assert reply["text"].strip() == "今天按这条线路走了一遍，两个小时确实够了。"
    rebuilt = rebuild(thread)
    assert rebuilt == {page: Path(page).read_text(encoding="utf-8") for page in (page1, page2)}


def test_pages_none_cleans_each_file_alone(tmp_path):
    report = clean_archive([str(FIXTURES / "batch" / "stage1st")], str(tmp_path / "out"),
                           batch=BatchConfig(workers=1, pages=()))
    assert report.threads == 2
    # page 2 alone quotes a post of page 1: a quote still, of a post not in its file
    assert [q["source"] for t in lines_of(tmp_path / "out") for p in t["posts"] for q in p["quotes"]] == [None]


def test_the_same_bytes_whatever_the_workers(tmp_path):
    src = make_archive(tmp_path / "src", threads=120)
    sources = [str(src), str(FIXTURES / "batch")]
    one = clean_archive(sources, str(tmp_path / "one"), batch=BatchConfig(workers=1, shard_size=25))
    two = clean_archive(sources, str(tmp_path / "two"), batch=BatchConfig(workers=2, shard_size=25))
    assert one.threads == two.threads == 123 and one.failed == 0
    assert shards(tmp_path / "one") == shards(tmp_path / "two")
    keys = [(t["path"], t["id"]) for t in lines_of(tmp_path / "one")]
    assert len(keys) == len(set(keys)) == 123


def _batch(src: Path, out: Path, *more: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "threadclean", "batch", str(src), "-o", str(out), "--workers", "2",
           "--shard-size", "10", "--quiet", *more]
    return subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE)


def test_resume_after_sigkill_loses_and_repeats_nothing(tmp_path):
    src = make_archive(tmp_path / "src", threads=400)
    whole = _batch(src, tmp_path / "whole")
    assert whole.wait(timeout=600) == 0
    killed = _batch(src, tmp_path / "killed")
    deadline = time.monotonic() + 300
    while len(list((tmp_path / "killed").glob("part-*.jsonl"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(killed.pid, signal.SIGKILL)  # the batch and its workers, mid-run
    killed.wait()
    assert not (tmp_path / "killed" / "report.json").exists(), "the batch finished before it could be killed"
    written = len(list((tmp_path / "killed").glob("part-*.jsonl")))
    assert 3 <= written < 40
    resumed = _batch(src, tmp_path / "killed", "--resume")
    assert resumed.wait(timeout=600) == 0
    assert shards(tmp_path / "killed") == shards(tmp_path / "whole")
    keys = [(t["path"], t["id"]) for t in lines_of(tmp_path / "killed")]
    assert len(keys) == len(set(keys)) == 400
    report = json.loads((tmp_path / "killed" / "report.json").read_text())
    run = json.loads((tmp_path / "killed" / ".threadclean" / "run.json").read_text())
    assert report["threads"] == 400 and run["resumed_shards"] == written
    assert not list((tmp_path / "killed").rglob("*.tmp"))


def test_a_bad_archive_finishes_and_names_each_problem(tmp_path):
    src = tmp_path / "bad"
    src.mkdir()
    rng = random.Random(3)
    good = [json.dumps(make_thread(rng, 3, f"g{i}"), ensure_ascii=False) for i in range(6)]
    (src / "a-good.jsonl").write_text("\n".join(good[:3]) + "\n", encoding="utf-8")
    (src / "b-broken-line.jsonl").write_text(good[3] + '\n{"posts": [\n' + good[4] + "\n", encoding="utf-8")
    many = [json.dumps(make_thread(rng, 3, f"c{i}"), ensure_ascii=False) for i in range(300)]
    truncated = gzip.compress(("\n".join(many) + "\n").encode())
    (src / "c-truncated.jsonl.gz").write_bytes(truncated[: len(truncated) // 2])
    (src / "d-binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "e-empty.txt").write_bytes(b"")
    (src / "f-undecodable.txt").write_bytes(b"abc \x81\x8d\x8f\x90\x9d\x80\xff more")
    (src / "g-flat.txt").write_text("一楼说的对\n一楼说的对{:soso_e121:}", encoding="utf-8")
    report = clean_archive([str(src)], str(tmp_path / "out"), batch=BatchConfig(workers=2, shard_size=4))
    errors = {(Path(e["path"]).name, e["line"]): e["reason"] for e in report.errors}
    assert set(errors) >= {("b-broken-line.jsonl", 2), ("d-binary.bin", None), ("e-empty.txt", None),
                           ("f-undecodable.txt", None)}
    assert any(name == "c-truncated.jsonl.gz" and line for name, line in errors)
    assert "truncated" in next(r for (n, _), r in errors.items() if n == "c-truncated.jsonl.gz")
    assert "byte 8" in errors[("d-binary.bin", None)] and "empty" in errors[("e-empty.txt", None)]
    assert report.failed == len(report.errors) == 5
    written = {(Path(t["path"]).name, t["id"]) for t in lines_of(tmp_path / "out")}
    truncated_ok = sum(1 for name, _ in written if name == "c-truncated.jsonl.gz")
    assert truncated_ok > 0  # the lines before the cut are threads like any other
    assert {("a-good.jsonl", "g0"), ("a-good.jsonl", "g1"), ("a-good.jsonl", "g2"), ("b-broken-line.jsonl", "g3"),
            ("b-broken-line.jsonl", "g4"), ("g-flat.txt", "g-flat")} <= written
    assert report.threads == len(written)


def test_an_output_folder_holding_a_batch_needs_resume(tmp_path):
    src = FIXTURES / "batch"
    clean_archive([str(src)], str(tmp_path / "out"), batch=BatchConfig(workers=1))
    with pytest.raises(Exception, match="resume"):
        clean_archive([str(src)], str(tmp_path / "out"), batch=BatchConfig(workers=1))
    with pytest.raises(Exception, match="other settings"):
        clean_archive([str(src)], str(tmp_path / "out"), resume=True, batch=BatchConfig(workers=1, shard_size=3))
    again = clean_archive([str(src)], str(tmp_path / "out"), resume=True, batch=BatchConfig(workers=1))
    assert again.threads == 3 and again.resumed_shards == 1


def test_compressed_and_parquet_shards(tmp_path):
    src = str(FIXTURES / "batch")
    clean_archive([src], str(tmp_path / "gz"), batch=BatchConfig(workers=1, compress="gz"))
    assert len(gzip.decompress((tmp_path / "gz" / "part-00000.jsonl.gz").read_bytes()).splitlines()) == 3
    zstandard = pytest.importorskip("zstandard")
    clean_archive([src], str(tmp_path / "zst"), batch=BatchConfig(workers=1, compress="zst"))
    data = zstandard.ZstdDecompressor().stream_reader((tmp_path / "zst" / "part-00000.jsonl.zst").read_bytes()).read()
    assert len(data.splitlines()) == 3
    pq = pytest.importorskip("pyarrow.parquet")
    clean_archive([src], str(tmp_path / "pq"), batch=BatchConfig(workers=1, output_format="parquet"))
    table = pq.read_table(tmp_path / "pq" / "part-00000.parquet")
    assert table.num_rows == 3 and "今天按这条线路走了一遍" in "".join(table.column("text").to_pylist())


def test_cli_batch_table_strict_and_stdin(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["batch", str(FIXTURES / "batch"), "-o", str(tmp_path / "a"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "threads written" in res.stdout and "copies collapsed" in res.stdout
    (tmp_path / "bad.json").write_text('{"posts": [', encoding="utf-8")
    args = ["batch", str(tmp_path / "bad.json"), "-o", str(tmp_path / "b"), "--workers", "1"]
    assert runner.invoke(cli, args).exit_code == 0
    res = runner.invoke(cli, [*args, "--resume", "--strict"])
    assert res.exit_code == 1 and "bad.json" in res.stdout
    lines = (FIXTURES / "batch" / "threads.jsonl").read_bytes()
    res = runner.invoke(cli, ["batch", "-", "-o", str(tmp_path / "c"), "-q"], input=gzip.compress(lines))
    assert res.exit_code == 0 and res.stdout == ""
    assert [t["id"] for t in lines_of(tmp_path / "c")] == ["t1", "t2"]


def test_progress_has_its_total_from_the_start_and_ends_at_what_the_report_says(tmp_path):
    seen = []
    report = clean_archive([str(FIXTURES / "batch")], str(tmp_path / "out"), batch=BatchConfig(workers=1),
                           progress=seen.append)
    size = sum(p.stat().st_size for p in (FIXTURES / "batch").rglob("*") if p.is_file())
    assert seen[0].threads == 0 and seen[0].bytes_done == 0 and seen[0].bytes_total == size
    assert seen[-1].bytes_done == size == report.bytes_on_disk and seen[-1].threads == report.threads
