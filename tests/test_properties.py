"""Properties that hold for any input: lossless, in bounds, idempotent."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadclean import clean_text, clean_thread, rebuild
from threadclean.layout import parse

# pieces of real forum text, so generated inputs hit the detectors and the repeat finder
FRAGMENTS = [
    "办公室的工作量与工作节奏决定了出差错的机率比较大。", "忙中出错很可能导致领导不满意,群众也不满意。",
    "The quick brown fox jumps over the lazy dog.", "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^", "{:soso_e121:}",
    "村夫 发表于 2013-7-11 11:01", " static/image/common/back.gif", " ...", "**** Hidden Message *****",
    "本帖最后由 X 于 2013-7-11 11:01 编辑", "原帖由 老王 于 2010-1-20 17:09 发表", "[quote #1 ¶2]",
    "=== #3 | a | b ===",
    "#threadclean/1", "\n", "\n\n", " ", "\r\n", "\ufeff", "好", "a", "1 a", "\\", "|", "\u200b",
    "复制代码", "[复制链接]",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=30).map("".join)
# the long run (docs/reliability.md) sets THREADCLEAN_FUZZ_EXAMPLES
SETTINGS = settings(max_examples=int(os.environ.get("THREADCLEAN_FUZZ_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=list(HealthCheck), database=None)


@SETTINGS
@given(texts)
def test_rebuild_gives_back_the_input(text):
    assert rebuild(clean_text(text).to_dict()).get(None, "") == text


@SETTINGS
@given(texts)
def test_spans_stay_in_bounds(text):
    doc = clean_text(text).to_dict()
    origins = [r["origin"] for r in doc["removed"]]
    for post in doc["posts"]:
        origins += [post["origin"]] + [r["origin"] for r in post["removed"]]
        origins += [q["origin"] for q in post["quotes"]] + [q["source"] for q in post["quotes"] if q["source"]]
        assert all(0 <= q["at"] <= len(post["text"]) for q in post["quotes"])
    assert all(0 <= o["start"] <= o["end"] <= len(text) for o in origins)


@SETTINGS
@given(texts)
def test_cleaning_twice_changes_nothing(text):
    once = clean_text(text).render()
    again = clean_thread(parse(once)["posts"], engine=None, dialect=None).render()
    assert again == once


@SETTINGS
@given(st.lists(texts, max_size=6))
def test_rebuild_threads_post_by_post(posts):
    result = clean_thread(posts)
    rebuilt = rebuild(result.to_dict())
    assert all(rebuilt.get(str(n), "") == text for n, text in enumerate(posts, 1))


@SETTINGS
@given(st.lists(texts, max_size=6))
def test_cleaning_a_thread_twice_changes_nothing(posts):
    once = clean_thread(posts).render()
    again = parse(once)
    assert clean_thread(again["posts"], title=again["title"], engine=None, dialect=None).render() == once
