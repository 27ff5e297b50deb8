"""The library surface: config validation, quotes of absent posts, author resolution."""

from __future__ import annotations

import pytest

import threadclean
from conftest import FIXTURES
from threadclean import Config, ConfigError, clean_text, clean_thread


def test_public_surface_is_small():
    assert set(threadclean.__all__) >= {"clean_text", "clean_thread", "clean_pages", "clean_file", "clean_archive",
                                        "Config", "CleanResult", "rebuild"}
    # the entry points, the result types, the options and the exception tree; nothing else
    assert len(threadclean.__all__) <= 22


@pytest.mark.parametrize(
    "bad",
    [{"ngram": 1}, {"num_perm": 8}, {"lsh_threshold": 1.5}, {"min_copy_chars": 0}, {"detectors": {"nope"}},
     {"detectors": "jammer"}, {"collapse": "yes"}, {"window": True}],
)
def test_config_rejects_bad_values(bad):
    with pytest.raises(ConfigError):
        Config(**bad)


def test_config_is_frozen_and_keyword_only():
    config = Config()
    with pytest.raises(AttributeError):
        config.ngram = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        Config(3)  # type: ignore[misc]
    assert config.replace(min_copy_chars=10).min_copy_chars == 10


def test_a_quote_of_an_absent_post_is_still_a_quote():
    """Words quoted from a post that is not in the input stay the quoted poster's, not the replier's."""
    text = "村夫 发表于 2013-7-11 11:01\n这段话在本页之前的帖子里，不在输入中。\n我同意。"
    result = clean_text(text)
    [quote] = [q for p in result.posts for q in p.quotes]
    assert (quote.source, quote.post, quote.author, quote.time) == (None, None, "村夫", "2013-07-11T11:01")
    assert quote.text == "这段话在本页之前的帖子里，不在输入中。"
    assert "这段话在本页之前的帖子里" not in result.text and "我同意。" in result.text
    assert "[quote @村夫]" in result.render()
    assert {r.kind for p in result.posts for r in p.removed} == {"quote-header"}


def test_an_explicit_quote_resolves_to_the_quoted_author():
    said = "The config file lives in the home directory, not next to the binary."
    posts = [
        {"id": "a1", "author": "ann", "text": said},
        {"id": "b1", "author": "bob", "text": said + " I keep forgetting that."},  # an unmarked repost
        {"id": "c1", "author": "cat", "text": f"ann 发表于 2024-1-2 10:00\n{said}\nThanks, found it."},
    ]
    result = clean_thread(posts)
    quotes = result.posts[2].quotes
    assert [(q.post, q.explicit, q.author) for q in quotes] == [("a1", True, "ann")]
    assert result.posts[2].text.strip() == "Thanks, found it."


def test_markers_of_the_layout_are_never_noise_or_copies():
    posts = [{"text": "A long enough first post that someone will quote in full later on, word for word."},
             {"text": "[quote #1 ¶1]Yes."}, {"text": "[quote #1 ¶1]Yes."}]
    result = clean_thread(posts)
    assert [p.text for p in result.posts[1:]] == ["[quote #1 ¶1]Yes.", "[quote #1 ¶1]Yes."]
    assert all(not p.removed and not p.quotes for p in result.posts)


def test_two_images_share_their_tag_not_their_words():
    # the forum's template writes the same attributes around every image; that is no copy
    first = '第一张图，大家看看<img src="https://img.example.com/forum/202407/14/123017eih5m3w6v8.jpg" ' \
        'referrerpolicy="no-referrer">拍得不错'
    second = '我也来一张，昨天在江边拍的<img src="https://img.example.com/forum/202407/14/150943lgui8zi3f6.jpg" ' \
        'referrerpolicy="no-referrer">光线一般'
    for result in (clean_thread([first, second]), clean_text(first + "\n\n" + second)):
        assert [q for p in result.posts for q in p.quotes] == []
        assert [p.text for p in result.posts] == [first, second]


def test_engines_are_told_by_the_text_and_can_be_forced():
    from threadclean.read import engines

    dump = (FIXTURES / "stage1st_md" / "input.md").read_text(encoding="utf-8")
    assert engines.find(dump).name == "stage1st-md"
    assert engines.find((FIXTURES / "bbs1984_md" / "input.md").read_text(encoding="utf-8")).name == "1984bbs-md"
    for path in [*sorted((FIXTURES / "negative").glob("*.txt")), FIXTURES / "seed-sample.txt"]:
        assert engines.find(path.read_text(encoding="utf-8")) is None
    flat = clean_text(dump, engine=None)  # read as a flat dump: no posts from the headers
    assert [p.author for p in flat.posts if p.author] == []
    assert [p.author for p in clean_text(dump).posts] == ["山风", "白鹭", "青草", "山风"]
