"""Fuzzing: no input makes threadclean fail other than with its documented input errors.

Each property runs a fast subset here. The long run (docs/reliability.md) sets
``THREADCLEAN_FUZZ_EXAMPLES`` to run many more cases of each: hypothesis profile ``long``.
Anything raised other than an ``InputError`` (or a batch job's reported error) is a bug.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzgen
from conftest import FIXTURES
from threadclean import Config, InputError, clean_text, rebuild
from threadclean.batch.jobs import clean_job
from threadclean.batch.sources import Job, list_files, list_jobs
from threadclean.pipeline import clean_read
from threadclean.read import decode, parse

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=int(os.environ.get("THREADCLEAN_FUZZ_EXAMPLES", "10000")),
                          deadline=None, suppress_health_check=list(HealthCheck), database=None)
settings.load_profile("long" if os.environ.get("THREADCLEAN_FUZZ_EXAMPLES") else "ci")
_CASES = int(os.environ.get("THREADCLEAN_FUZZ_EXAMPLES", "200"))  # per generator of tests/fuzzgen.py

# pieces of what scrapers produce: forum noise, markup of each engine, structure, CJK and Latin text
PIECES = [
    "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^", "**** Hidden Message *****", "{:soso_e121:}", "{:5_108:}",
    "村夫 发表于 2013-7-11 11:01", " static/image/common/back.gif", "原帖由 老王 于 2009-3-1 10:00 发表",
    "ken wrote:", "本帖最后由 山风 于 2021-5-3 10:05 编辑", " ...", "\n", "\n\n", "*****", "##### 2#  发表于 2021-5-3",
    "####  山风  ", "<blockquote>", "</blockquote>", "<br>", '<div class="quote">', "</div>", "[quote]", "[/quote]",
    "[quote #3 ¶1]", "=== #2 | a | t ===", "> quoted line", "On Mon, Jan 1, 2024, x <x@y.z> wrote:", "—— 来自 S1Next",
    "附件: ", "提示: 作者被禁止或删除 内容自动屏蔽", "&nbsp;", "\ufeff", "\r\n", "\t", "  ",
    "办公室工作就是服务,为领导服务,为机关服务", "参谋部永远是第一位的。", "The quick brown fox jumps.", "def f(x):",
    "| a | b |", "+--+", "😀", "\u200b", "\x00", "\\", '"', "{", "}", "[", "]",
]
forum_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map("".join)


@given(st.binary(max_size=400))
def test_any_bytes_read_or_fail_cleanly(data):
    try:
        thread = parse(decode(data, source="fuzz.bin"), source="fuzz.bin")
        clean_read([thread], names=["fuzz.bin"], config=Config())
    except InputError as e:
        assert "\n" not in str(e) and str(e).startswith("fuzz.bin")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | forum_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["posts", "text", "id", "author", "time", "title", "x"]), inner, max_size=5),
    max_leaves=20,
)
posts = st.lists(st.fixed_dictionaries({"text": forum_text}, optional={
    "id": st.one_of(st.integers(0, 5), st.text(max_size=3)), "author": st.sampled_from(["村夫", "ken", None, ""]),
    "time": st.sampled_from(["2013-7-11 11:01", "", None, "x"])}), max_size=8)


@given(st.one_of(json_values, posts, st.fixed_dictionaries({"posts": posts})))
def test_any_json_reads_or_fails_cleanly(value):
    for text in (json.dumps(value, ensure_ascii=False),
                 "\n".join(json.dumps(v, ensure_ascii=False) for v in (value if isinstance(value, list) else [value]))):
        try:
            thread = parse(text, source="fuzz.json")
            result = clean_read([thread], names=["fuzz.json"])
        except InputError:
            continue
        if thread.text is None:  # every post's text comes back under its id
            expected = {str(p["id"]) if p.get("id") is not None else str(n): p["text"]
                        for n, p in enumerate(thread.posts, 1)}
            rebuilt = rebuild(result.to_dict())
            assert {k: rebuilt.get(k, "") for k in expected} == expected


@given(forum_text)
def test_any_text_cleans_losslessly(text):
    result = clean_text(text)
    assert rebuild(result.to_dict()).get(None, "") == text


page_parts = st.sampled_from(fuzzgen.PAGE_PARTS)  # the long run's own


@given(st.lists(st.one_of(page_parts, forum_text), max_size=30).map("".join))
def test_any_page_like_text_cleans(text):
    result = clean_text(text)
    doc = result.to_dict()
    if not doc["posts"] and not doc["removed"] and text.strip():  # a page whose engine found no post: it says so
        assert result.warnings, text
    elif all(p["origin"]["input"] is None for p in doc["posts"]):
        assert rebuild(doc).get(None, "") == text


@given(st.binary(max_size=300), st.sampled_from(["gz", "bz2", "xz", "raw"]), st.integers(0, 300))
def test_any_compressed_file_is_a_reported_problem_or_threads(tmp_path_factory, data, kind, cut):
    folder = tmp_path_factory.mktemp("fuzz")
    packed = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress, "raw": bytes}[kind](data)
    (folder / "f.jsonl").write_bytes(packed[: max(1, min(cut, len(packed)))] if kind != "raw" else packed)
    for job in list_jobs(list(list_files([str(folder)]))):
        outcome = clean_job(job, config=Config())
        assert (outcome.line is None) == bool(outcome.tally.failed)
        for error in outcome.tally.errors:
            assert error["path"].endswith("f.jsonl") and "\n" not in error["reason"]
            assert "internal error" not in error["reason"]


def test_a_job_with_a_listing_error_is_reported():
    outcome = clean_job(Job(0, "gone.txt", "gone", error="no such file or folder"), config=Config())
    assert outcome.line is None and outcome.tally.errors[0]["reason"] == "no such file or folder"


REGRESSIONS = sorted((FIXTURES / "fuzz-regressions").glob("*.bin"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.stem)
def test_inputs_the_fuzzers_found(path):
    """Inputs that once broke an invariant (kept as the fuzzer wrote them)."""
    data = path.read_bytes()
    try:
        thread = parse(decode(data, source=path.name), source=path.name)
    except InputError:
        return
    result = clean_read([thread], names=[path.name])
    if thread.text is not None and all(p.origin.input is None for p in result.posts):
        assert rebuild(result.to_dict()).get(None, "") == thread.text


@pytest.mark.parametrize("kind", sorted(fuzzgen.GENERATORS))
def test_the_long_runs_generators_keep_every_invariant(kind):
    """A few hundred cases of each generator of the long run (tests/fuzzgen.py): no crash, no
    hang, sources in bounds, rebuilt exactly, cleaned twice the same."""
    _, counts, failures = fuzzgen.run(kind, seed=int(os.environ.get("THREADCLEAN_FUZZ_SEED", "0")), cases=_CASES)
    assert not failures, failures[0]
    assert counts["ok"] == _CASES
