"""Output people use without post-processing (issue 18): one record per post, read back by the
tools corpus builders use, and a user's own script type-checked against the installed package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared_path
from threadclean import clean_file
from threadclean.cli import cli
from threadclean.layout import tidy


def test_the_posts_output_of_every_stage1st_thread_reads_back_with_json_and_pyarrow(tmp_path):
    pa_json = pytest.importorskip("pyarrow.json")
    files = sorted(shared_path("realdata", "stage1st-md").glob("*.md"))
    assert files
    for path in files:
        out = tmp_path / f"{path.stem}.jsonl"
        res = CliRunner().invoke(cli, ["clean", "--format", "posts", str(path), "-o", str(out)])
        assert res.exit_code == 0, res.output
        doc = clean_file(path).to_dict()
        with_json = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        table = pa_json.read_json(out)
        assert table.num_rows == len(with_json) == len(doc["posts"]), path.name  # one row per post
        assert table.column("text").to_pylist() == [r["text"] for r in with_json]
        assert [r["post"] for r in with_json] == [p["id"] for p in doc["posts"]]
        assert [r["text"] for r in with_json] == [tidy(p["text"]) for p in doc["posts"]], path.name
        assert all(r["time"] is None or r["time"][4] == "-" for r in with_json)


USER_SCRIPT = '''
from pathlib import Path

import threadclean
from threadclean import CleanResult, Config, clean_text


def own_words(path: Path) -> list[str]:
    result: CleanResult = threadclean.clean_file(path, config=Config(min_copy_chars=20))
    return [post.text for post in result.posts if post.text]


def first_quote(text: str) -> str | None:
    for post in clean_text(text).posts:
        for quote in post.quotes:
            return quote.post
    return None


version: str = threadclean.__version__
'''


def test_a_users_script_type_checks_strictly_against_the_installed_package(tmp_path):
    pytest.importorskip("mypy")
    script = tmp_path / "user_script.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = tmp_path / "bad_script.py"  # and the types are real: a wrong use is caught
    bad.write_text("import threadclean\nn: int = threadclean.clean_text('x').posts\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1 and "incompatible types" in proc.stdout.lower(), proc.stdout


def test_the_parquet_text_and_the_results_text_agree(tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from threadclean import clean_archive
    from threadclean.batch import BatchConfig

    src = Path(__file__).resolve().parent.parent / "fixtures" / "batch"
    clean_archive([str(src)], str(tmp_path / "out"), batch=BatchConfig(workers=1, output_format="parquet"))
    table = pq.read_table(next((tmp_path / "out").glob("part-*.parquet")))
    for path, text in zip(table.column("path").to_pylist(), table.column("text").to_pylist(), strict=True):
        if Path(path).suffix in (".jsonl", ".ndjson"):
            continue
        key = Path(path).name.split("-")[0]  # a Stage1st thread's pages: 100-01[...].md, 100-02[...].md
        pages = sorted(str(p) for p in Path(path).parent.glob(f"{key}-*"))
        assert text == clean_file(pages).text, path


def test_iter_threads_yields_what_a_batch_writes(tmp_path):
    from threadclean import clean_archive, iter_threads
    from threadclean.batch import BatchConfig

    src = tmp_path / "src"
    src.mkdir()
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "batch"
    for path in fixtures.rglob("*"):
        if path.is_file():
            (src / path.name).write_bytes(path.read_bytes())
    (src / "zz-broken.json").write_text('{"posts": [', encoding="utf-8")
    got = list(iter_threads(str(src)))
    clean_archive([str(src)], str(tmp_path / "out"), batch=BatchConfig(workers=1))
    lines = [json.loads(x) for p in sorted((tmp_path / "out").glob("part-*.jsonl")) for x in p.read_text().splitlines()]
    ok = [t for t in got if t.result is not None]
    assert [(t.path, t.id) for t in ok] == [(x["path"], x["id"]) for x in lines]
    assert all(t.result.to_dict()["posts"] == x["posts"] for t, x in zip(ok, lines, strict=True))
    (bad,) = [t for t in got if t.result is None]
    assert bad.path.endswith("zz-broken.json") and "line 1" in (bad.error or "")
    assert any(len(t.pages) == 2 for t in ok)  # a Stage1st thread's two pages, as one


@pytest.mark.parametrize("folder", ["stage1st-md", "1984bbs-md", "phpbb-html", "discourse-md", "mailman-digest"])
def test_post_times_are_iso_where_they_can_be_read(folder):
    import re

    paths = [p for p in sorted(shared_path("realdata", folder).iterdir()) if not p.name.endswith(".gold.json")]
    times = [p for path in paths for p in clean_file(path).to_dict()["posts"] if p["time"]]
    assert times
    iso = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}.*)?$")
    assert all(p["time_iso"] is None or iso.match(p["time_iso"]) for p in times)
    assert sum(p["time_iso"] is not None for p in times) >= 0.9 * len(times), [p["time"] for p in times][:5]


@pytest.mark.parametrize("fmt", ["posts", "posts-parquet"])
def test_a_batch_writes_a_line_or_a_row_per_post(tmp_path, fmt):
    from threadclean import clean_archive
    from threadclean.batch import BatchConfig

    if fmt.endswith("parquet"):
        pytest.importorskip("pyarrow")
    src = Path(__file__).resolve().parent.parent / "fixtures" / "batch"
    threads = [t for t in __import__("threadclean").iter_threads(str(src)) if t.result]
    clean_archive([str(src)], str(tmp_path / "out"), batch=BatchConfig(workers=1, output_format=fmt))
    if fmt == "posts":
        shards = sorted((tmp_path / "out").glob("part-*.jsonl"))
        rows = [json.loads(x) for p in shards for x in p.read_text().splitlines()]
    else:
        import pyarrow.parquet as pq

        rows = [r for p in sorted((tmp_path / "out").glob("part-*.parquet")) for r in pq.read_table(p).to_pylist()]
    expected = [{"path": t.path, **r} for t in threads for r in t.result.post_records(thread=t.id)]
    assert rows == expected and len(rows) == sum(len(t.result.posts) for t in threads)
