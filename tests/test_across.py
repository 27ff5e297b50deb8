"""The search across threads (``batch --across``): pasted passages found and linked to their
first appearance, nothing else collapsed, the index kept between runs, the same bytes whatever
the number of workers."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import acrossgen
from conftest import shared_path
from threadclean.across.entries import ranks
from threadclean.batch import BatchConfig, clean_archive
from threadclean.rebuild import rebuild

# folders of realdata that hold other saves of threads another folder holds
_SAVES_AGAIN = ("stage1st-json", "1984bbs-json", "1984bbs-html", "flat", "flat-hard")


def _docs(out: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(out.glob("part-*.jsonl")) for line in f.read_text("utf-8").splitlines()]


def _across(doc: dict) -> list[tuple[dict, dict]]:
    return [(p, q) for p in doc["posts"] for q in p["quotes"] if "thread" in q]


def _order(docs: list[dict]) -> dict[tuple[str, str, str], tuple[int, int, int]]:
    """Every post's place in the archive's order, as the docs define it: rank, thread, post."""
    out = {}
    for n, d in enumerate(docs):
        for k, (p, r) in enumerate(zip(d["posts"], ranks([p["time_iso"] for p in d["posts"]]), strict=True)):
            out[(d["path"], d["id"], p["id"])] = (r, n, k)
    return out


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _thread_key(path: str) -> str:
    """What names a thread whatever folder saved it: its number, or its name's first part."""
    name = Path(path).name
    m = re.match(r"(\d{4}-\d{1,2}-\d{1,2})|(\d{5,})", name)
    return m.group(0) if m else name.split(".")[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    real = shared_path("realdata")
    tmp = tmp_path_factory.mktemp("across")
    plain = tmp / "plain"
    clean_archive([str(real)], str(plain), batch=BatchConfig(workers=2))
    before = _docs(plain)
    given = [p["text"] for d in before for p in d["posts"]]
    truth = acrossgen.build(tmp / "gen", given, threads=240)
    out = tmp / "out"
    report = clean_archive([str(real), str(tmp / "gen")], str(out), batch=BatchConfig(workers=2, across=True))
    return {"before": before, "given": given, "truth": truth, "after": _docs(out), "report": report, "tmp": tmp}


def test_pastes_are_found_and_linked_to_their_first_appearance(archive):
    after, truth, given = archive["after"], archive["truth"], archive["given"]
    generated = {d["id"]: d for d in after if d["id"].startswith("paste-")}
    pre = {(d["path"], d["id"], p["id"]): p["text"] for d in archive["before"] for p in d["posts"]}
    pre.update({(d["path"], d["id"], p["id"]): p["text"]
                for d in after if d["id"].startswith("origin-") for p in d["posts"]})
    order = _order(after)
    by_post: dict[tuple[str, str], list[acrossgen.Paste]] = {}
    for paste in truth:
        by_post.setdefault((paste.thread, paste.post), []).append(paste)
    found = right = linked_right = 0
    wanted = sum(p.end - p.start for p in truth if p.long)
    for tid, doc in generated.items():
        for post, q in _across(doc):
            a, b = q["origin"]["start"], q["origin"]["end"]
            found += b - a
            for paste in by_post.get((tid, post["id"]), []):
                overlap = max(0, min(b, paste.end) - max(a, paste.start))
                if not overlap or not paste.long:
                    continue
                right += overlap
                # the first appearance: the earliest post (in the archive's order) holding the
                # passage; or an earlier one still holding the part this quote took (another save
                # of the thread that put the first line in the title, not the post)
                holders = [k for k, text in pre.items() if paste.passage in text]
                first = min(holders, key=lambda k: order[k])
                got = (q["thread"]["path"], q["thread"]["id"], q["post"])
                part = paste.passage[max(a, paste.start) - paste.start : min(b, paste.end) - paste.start]
                if got == first or (order[got] < order[first] and _squeezed(part) in _squeezed(pre[got])):
                    linked_right += overlap
    precision, recall = right / found, right / wanted
    print(f"pasted characters: precision {precision:.4f}, recall {recall:.4f}, linked to the first appearance "
          f"{linked_right / max(1, right):.4f} ({len(truth)} pastes, {sum(p.long for p in truth)} long)")
    assert precision >= 0.98 and recall >= 0.95
    assert linked_right / right >= 0.999
    assert any(p.long and p.source.startswith("given:") for p in truth) and any(p.edited for p in truth)
    del given


def test_short_pastes_are_not_linked(archive):
    truth = [p for p in archive["truth"] if not p.long]
    docs = {d["id"]: d for d in archive["after"] if d["id"].startswith("paste-")}
    assert truth
    for paste in truth:
        for post, q in _across(docs[paste.thread]):
            if post["id"] == paste.post:
                a, b = q["origin"]["start"], q["origin"]["end"]
                assert not (a < paste.end and paste.start < b) or (b - a) > (paste.end - paste.start) + 10


def test_real_threads_lose_only_what_another_thread_holds(archive):
    """A real thread's copies across threads are of another save of the same thread, or of the
    messages of one mail thread saved as files; every other real thread is as it was."""
    before = {(d["path"], d["id"]): d for d in archive["before"]}
    changed = 0
    for doc in archive["after"]:
        key = (doc["path"], doc["id"])
        if key not in before:
            continue
        copies = _across(doc)
        if not copies:
            assert doc["posts"] == before[key]["posts"], key
            continue
        changed += 1
        for _, q in copies:
            mine, theirs = doc["path"], q["thread"]["path"]
            same_thread = _thread_key(mine) == _thread_key(theirs)
            one_mail_thread = Path(mine).parent == Path(theirs).parent and "email" in Path(mine).parent.name
            named = Path(mine).name == "MANIFEST.md"  # the manifest names the threads by their titles
            assert same_thread or one_mail_thread or named, (mine, theirs, q["text"][:80])
    assert changed


def test_every_thread_still_rebuilds(archive):
    before = {(d["path"], d["id"]): rebuild(d) for d in archive["before"]}
    for doc in archive["after"]:
        key = (doc["path"], doc["id"])
        if key in before:
            assert rebuild(doc) == before[key], key
        else:
            assert all(len(t) for t in rebuild(doc).values())


def test_the_report_counts_copies_across_threads(archive):
    figures = archive["report"].across
    assert figures is not None
    assert figures["quotes"] + figures["followed"] == sum(len(_across(d)) for d in archive["after"])
    assert figures["threads"] == sum(1 for d in archive["after"] if _across(d))
    saved = json.loads((archive["tmp"] / "out" / "report.json").read_text("utf-8"))
    assert saved["across"]["quotes"] == figures["quotes"]


def _links(docs: list[dict]) -> dict[tuple[str, str], list]:
    return {(d["path"], d["id"]): [(p["id"], q["origin"], q["thread"], q["post"], q["source"]) for p, q in _across(d)]
            for d in docs}


def _small_archive(root: Path) -> Path:
    acrossgen.build(root, [], threads=80, seed=5)
    return root / "zz-pasted"


def test_an_index_kept_between_two_halves_gives_the_links_of_one_run(tmp_path):
    gen = _small_archive(tmp_path / "gen")
    first, second = str(gen / "a-origins.jsonl"), str(gen / "b-pastes.jsonl")
    whole = clean_archive([first, second], str(tmp_path / "whole"), batch=BatchConfig(workers=1, across=True))
    index = str(tmp_path / "index")
    clean_archive([first], str(tmp_path / "one"), batch=BatchConfig(workers=1, across=True, index=index))
    later = clean_archive([second], str(tmp_path / "two"), batch=BatchConfig(workers=1, across=True, index=index))
    halves = _links(_docs(tmp_path / "one")) | _links(_docs(tmp_path / "two"))
    assert whole.across and later.across and later.index["run"] == 1
    assert halves == _links(_docs(tmp_path / "whole"))
    assert sum(map(len, halves.values())) > 20 and later.across["quotes"] == whole.across["quotes"]


def test_a_resume_after_a_later_batch_used_the_index_keeps_its_run(tmp_path):
    """Batch A, then batch B on the same index, then A resumed (its second pass done again):
    A keeps its run number, so it sees what it saw and B is not undone; A's bytes are as before."""
    gen = _small_archive(tmp_path / "gen")
    index = str(tmp_path / "index")
    first, second = str(gen / "a-origins.jsonl"), str(gen / "b-pastes.jsonl")
    one = clean_archive([first], str(tmp_path / "a"), batch=BatchConfig(workers=1, across=True, index=index))
    two = clean_archive([second], str(tmp_path / "b"), batch=BatchConfig(workers=1, across=True, index=index))
    before = {p.name: p.read_bytes() for p in (tmp_path / "a").glob("part-*")}
    (tmp_path / "a" / "report.json").unlink()
    again = clean_archive([first], str(tmp_path / "a"), batch=BatchConfig(workers=1, across=True, index=index),
                          resume=True)
    assert (one.index["run"], two.index["run"], again.index["run"]) == (0, 1, 0)
    assert again.across == one.across and {p.name: p.read_bytes() for p in (tmp_path / "a").glob("part-*")} == before
    # B's threads are still indexed: the same threads again find themselves there as well as A
    later = clean_archive([second], str(tmp_path / "b2"), batch=BatchConfig(workers=1, across=True, index=index))
    assert later.index["run"] == 2 and later.across["quotes"] > two.across["quotes"]


def test_the_same_bytes_whatever_the_workers_and_after_a_resume(tmp_path):
    gen = _small_archive(tmp_path / "gen")
    one = clean_archive([str(gen)], str(tmp_path / "one"), batch=BatchConfig(workers=1, across=True, shard_size=7))
    two = clean_archive([str(gen)], str(tmp_path / "two"), batch=BatchConfig(workers=2, across=True, shard_size=7))
    parts = sorted(p.name for p in (tmp_path / "one").glob("part-*"))
    assert len(parts) > 3 and one.across == two.across
    for name in parts:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    # a batch stopped in its second pass (its output shards half written) does that pass again
    for name in parts[2:]:
        (tmp_path / "two" / name).unlink()
    (tmp_path / "two" / "report.json").unlink()
    again = clean_archive([str(gen)], str(tmp_path / "two"), batch=BatchConfig(workers=2, across=True, shard_size=7),
                          resume=True)
    assert again.across["quotes"] == one.across["quotes"] and again.index["run"] == 0
    for name in parts:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_key_held_by_many_threads_is_boilerplate_left_out_and_counted(tmp_path):
    rule = "本版规定：请勿发布广告，违者封号处理，转载请注明出处并附上原帖链接，谢谢大家的配合与支持。"
    rng = acrossgen.random.Random(3)
    lines = [json.dumps({"id": f"t{n}", "posts": [{"id": "1", "text": acrossgen.filler(rng, 120) + "\n" + rule}]},
                        ensure_ascii=False) for n in range(40)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    wide = clean_archive([str(tmp_path / "a.jsonl")], str(tmp_path / "wide"), batch=BatchConfig(workers=1, across=True))
    capped = clean_archive([str(tmp_path / "a.jsonl")], str(tmp_path / "capped"),
                           batch=BatchConfig(workers=1, across=True, max_shared=10))
    assert wide.across["quotes"] == 39 and wide.across["stop_listed"]["keys"] == 0
    assert capped.across["stop_listed"]["keys"] > 0 and capped.across["stop_listed"]["postings"] > 10
    # windows wholly inside the rule are left out; those that reach into a post's own words
    # still find it now and then: the cap bounds the work, it does not hide every repeat
    assert capped.across["pairs_aligned"] < wide.across["pairs_aligned"]
    assert capped.across["quotes"] < wide.across["quotes"]


def test_an_index_made_with_other_settings_is_refused(tmp_path):
    gen = _small_archive(tmp_path / "gen")
    index = str(tmp_path / "index")
    clean_archive([str(gen / "a-origins.jsonl")], str(tmp_path / "one"), batch=BatchConfig(across=True, index=index))
    from threadclean import Config
    from threadclean.errors import BatchStateError

    with pytest.raises(BatchStateError, match="other settings"):
        clean_archive([str(gen / "b-pastes.jsonl")], str(tmp_path / "two"), config=Config(min_copy_chars=20),
                      batch=BatchConfig(across=True, index=index))


def test_report_pages_link_a_copy_to_the_other_threads_page(tmp_path):
    gen = _small_archive(tmp_path / "gen")
    html = tmp_path / "html"
    clean_archive([str(gen)], str(tmp_path / "out"), batch=BatchConfig(workers=1, across=True, report_dir=str(html)))
    docs = _docs(tmp_path / "out")
    n, doc = next((n, d) for n, d in enumerate(docs) if _across(d))
    page = (html / f"{n:08d}.html").read_text("utf-8")
    _, q = _across(doc)[0]
    other = (q["thread"]["path"], q["thread"]["id"])
    source_page = next(k for k, d in enumerate(docs) if (d["path"], d["id"]) == other)
    assert f'href="{source_page:08d}.html#p{q["post"]}"' in page and "in thread" in page


def test_the_cli_says_what_it_found_across_threads(tmp_path):
    from click.testing import CliRunner

    from threadclean.cli import cli

    gen = _small_archive(tmp_path / "gen")
    result = CliRunner().invoke(cli, ["batch", str(gen), "-o", str(tmp_path / "out"), "--across", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"copies across threads\s+[1-9][\d,]* \([\d,]+ characters\) in [1-9]", result.output)
    assert "threadclean: searching across threads (80 threads cleaned, 0 failed)" in result.output


def test_with_one_save_of_each_thread_the_annotated_threads_are_as_they_were(archive, tmp_path):
    """Every real thread saved once (the folders that save threads again left out), and the pastes:
    the search across threads leaves every annotated real thread as it was (so its scores are
    unchanged), but for one mail file that quotes another message of its thread, saved apart."""
    real = shared_path("realdata")
    kept = [str(p) for p in sorted(real.iterdir()) if p.is_dir() and p.name not in _SAVES_AGAIN]
    out = tmp_path / "once"
    clean_archive([*kept, str(archive["tmp"] / "gen")], str(out), batch=BatchConfig(workers=2, across=True))
    before = {(d["path"], d["id"]): d for d in archive["before"]}
    annotated = changed = 0
    for doc in _docs(out):
        key = (doc["path"], doc["id"])
        gold = Path(doc["path"]).with_suffix(".gold.json")
        if key not in before or not gold.exists():
            continue
        annotated += 1
        if doc["posts"] != before[key]["posts"]:
            changed += 1
            assert all(Path(q["thread"]["path"]).parent == Path(doc["path"]).parent and "email" in doc["path"]
                       for _, q in _across(doc)), key
    assert annotated >= 15 and changed <= 1
