"""The detectors one by one, on real shapes and on look-alikes that must survive."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadclean import NOISE_KINDS
from threadclean.read import engines
from threadclean.spans import remove_spans
from threadclean.strip import DETECTORS, TRIGGERS, detect_noise, dialects, find_jammer, find_quote_headers


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("承人难承之重。5 u4 B' i8 `$ T5 h6 M' t0 `1 ^\n下", "承人难承之重。\n下"),  # end of a line
        ("承之重。. I( G8 z5 c\" ? 三要把", "承之重。 三要把"),  # before the space joining two posts
        ("% B, k* l& w\" P7 X6 K\n", "\n"),  # a whole line
        ("试炼  ~3 b; }8 @& c1 D\n", "试炼\n"),  # the first pair may start with a space
        ("  d: y/ \\9 |! B: O* z, x6 H\n男主", "\n男主"),  # a line that starts with a space pair
        ("好丑{:soso_e131:}，那就丑上加丑了) B# L: i% |- q$ r' \\+ D( Z\n", "好丑{:soso_e131:}，那就丑上加丑了\n"),
    ],
)
def test_jammer_at_line_edges(text, cleaned):
    assert remove_spans(text, find_jammer(text)) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^ in the middle of a line, not at an edge? no: joined by space",
        "a 1 b 2 c 3 d 4 e 5 f",
        "x = 1; y = 2; z = 3",
        "4 B' i8",  # too few pairs
    ][1:],
)
def test_jammer_look_alikes_survive(text):
    assert find_jammer(text) == []


def test_two_jammers_can_fill_one_line():
    line = "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^" + "# Z# ]# j, |8 O4 Z& a"
    assert remove_spans(line, find_jammer(line)) == ""


def test_smiley_before_a_jammer_is_found_on_the_second_pass():
    text = "好5 u4 B' i8 `$ T5 h{:5_108:}\n"
    spans = detect_noise(text, NOISE_KINDS)
    assert remove_spans(text, spans) == "好\n"
    assert [s.kind for s in spans] == ["jammer", "smiley"]


def test_quote_header_forms():
    x = find_quote_headers("最惨是“干好走不了”~~~~ 村夫 发表于 2013-7-11 11:01 static/image/common/back.gif")
    assert [(s.header.author, s.header.time) for s in x] == [("村夫", "2013-07-11T11:01")]
    old = find_quote_headers("原帖由 Tom Lee 于 2010-1-20 17:09 发表")
    assert [s.header.author for s in old] == ["Tom Lee"]


def test_every_kind_has_a_detector():
    from threadclean.config import DIALECTS
    from threadclean.strip import dialects

    engine_kinds = {k for name in engines.names() for k in engines.by_name(name).kinds}
    dialect_kinds = {k for d in DIALECTS for k, _ in dialects.detectors(d)}
    thread_kinds = {"boilerplate"}  # found across a thread's posts (strip/boilerplate.py)
    assert set(DETECTORS) | engine_kinds | dialect_kinds | thread_kinds == set(NOISE_KINDS)


def test_quote_truncation_needs_a_header():
    text = "不是...这明显五官都变了 ...\n"
    assert detect_noise(text, NOISE_KINDS) == []


def test_only_chosen_kinds_run():
    text = "好{:5_108:}**** Hidden Message *****"
    assert [s.kind for s in detect_noise(text, {"smiley"})] == ["smiley"]


def test_real_jammer_excerpts():
    from conftest import shared_path
    from threadclean.strip import html

    rows = [line.split("\t") for line in shared_path("realdata", "jammer-excerpts", "jammer-excerpts.tsv")
            .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for _, _, kind, snippet in rows:
        snippet = snippet.replace("\\n", "\n")
        if kind in ("font.jammer", "span.display:none", "edit-notice+jammer"):
            found = html.find_hidden_jammer(snippet)
        elif "1point" in snippet and "隐藏" not in snippet and "楼" not in snippet:  # the site's text variant
            found = [s for s in detect_noise(snippet, NOISE_KINDS) if s.kind == "jammer"]
        else:
            continue
        assert found, snippet


# noise of every kind, pieces of it, and text around it: what the triggers must not miss
_NOISE_PIECES = [
    "**** Hidden Message *****", "***本内容被作者隐藏***", "本帖隐藏的内容需要回复才可以浏览",
    "游客，如果您要查看本帖隐藏内容请回复", "{:soso_e121:}", "{:5_108:}", "static/image/common/back.gif",
    "images/common/back.gif", "村夫 发表于 2013-7-11 11:01", "原帖由 老王 于 2009-3-1 10:00 发表", " ...",
    "本帖最后由 山风 于 2021-5-3 10:05 编辑", "[复制链接]", "\n复制代码\n", "本主题由 管理员 于 2013-7-11 11:01 移动",
    "发表", "于", "本帖", "{", ":", "}", "back", ".gif", "复制", "\n", " ", "好", "Hidden", "Message", "*", "...", "游",
    "客",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NOISE_PIECES), max_size=12).map("".join))
def test_a_detector_finds_nothing_without_its_triggers(text):
    for detector, triggers in TRIGGERS.items():
        if not any(t in text for t in triggers):
            assert detector(text) == [], (detector.__name__, text)


_TRIGGER_PIECES = [*sorted({t for ts in TRIGGERS.values() for t in ts}), "a", "*", "_", "q", "uote", "[", "﹍"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TRIGGER_PIECES), max_size=10).map("".join))
def test_the_trigger_scan_finds_what_looking_for_each_finds(text):
    from threadclean.strip import _ALL_TRIGGERS, _triggers_in

    assert _triggers_in(text) == {t for t in _ALL_TRIGGERS if t in text}


def test_a_trigger_inside_another_is_still_seen():
    # "<" and "<img" start at the same place: both detectors must run
    from threadclean.strip import _triggers_in

    assert {"<", "<img"} <= _triggers_in('好<img src="/image/smiley/face2017/068.png">')
    text = '好<img src="https://static.example/image/smiley/face2017/068.png" referrerpolicy="no-referrer">'
    assert [s.kind for s in detect_noise(text, NOISE_KINDS, extra=dialects.detectors("html"))] == ["smiley"]


@pytest.mark.parametrize(("tag", "kind"), [
    ('<img src="https://bbs.example/images/common/back.gif" border="0" onclick="zoom(this)">', "quote-image"),
    ('<img src="https://forum.example/images/ppc10/misc/quote_icon.png" alt="Zitat">', "markup"),
    ('<img class="inlineimg" src="https://forum.example/images/x/buttons/viewpost-right.png">', "markup"),
    ('<img src="data:image/gif;base64,R0lG" class="smilie smilie--sprite" alt=":(">', "smiley"),
    ('<img src="https://cdn.example/emoji/twitter/smile.png" class="emoji" alt=":smile:">', "smiley"),
])
def test_html_images_that_are_no_content(tag, kind):
    text = f"before {tag} after"
    found = detect_noise(text, NOISE_KINDS, extra=dialects.detectors("html"))
    assert [(text[s.start:s.end], s.kind) for s in found] == [(tag, kind)]


@pytest.mark.parametrize("tag", [
    '<img src="https://i.imgur.com/cat.jpg">',
    '<img src="https://bbs.example/data/attachment/forum/202401/02/x.jpg" alt="photo of the icons">',
    '<img src="/uploads/default/original/1X/emoji-chart.png">',
])
def test_content_images_stay(tag):
    assert detect_noise(f"see {tag} here", NOISE_KINDS, extra=dialects.detectors("html")) == []


def test_a_quote_of_div_boxes_ends_where_its_box_closes():
    # vBulletin 4: the box is <div>s; the post's own </blockquote> comes after the reply
    from threadclean import clean_thread

    box = ('<blockquote class="postcontent"><div class="bbcode_container"><div class="bbcode_quote">'
           '<div class="bbcode_postedby">Originally Posted by <strong>ann</strong></div>'
           '<div class="message">Words from a post on another page of the thread.</div></div></div>'
           'My own answer, which is no quote at all.</blockquote>')
    result = clean_thread([{"id": "2", "author": "bob", "text": box}], dialect="html")
    post = result.posts[0]
    assert [q.author for q in post.quotes] == ["ann"]
    assert post.quotes[0].source is None
    assert "My own answer, which is no quote at all." in post.text
    assert "Words from a post" not in post.text


def test_a_line_many_replies_quote_after_a_header_is_a_quote_not_boilerplate():
    # a one-line post that a dozen replies quote whole (no " ...": nothing was cut), each reply
    # then says its own line: the quoted line recurs at the end of many short posts, as a
    # signature would, but a header introduces it
    import threadclean

    first = "今晚八点老地方见，谁来谁是好汉"
    posts = [{"id": "1", "author": "老王", "time": "2024-1-1 10:00", "text": first}]
    replies = ["我有事去不了", "算我一个", "下次吧", "几点散场", "带上酒", "我开车来", "老地方是哪", "又是你请客",
               "明天还上班呢", "我带朋友来", "早点到占座", "不见不散"]
    for k, reply in enumerate(replies, 2):
        posts.append({"id": str(k), "author": f"网友{k}", "time": f"2024-1-1 10:{k:02d}",
                      "text": f"老王 发表于 2024-1-1 10:00\n{first}\n{reply}"})
    result = threadclean.clean_thread(posts).to_dict()
    for post in result["posts"][1:]:
        kinds = {r["kind"] for r in post["removed"]}
        assert "boilerplate" not in kinds, post["removed"]
        assert [q["text"] for q in post["quotes"]] == [first]
        assert post["quotes"][0]["post"] == "1"
        assert post["text"].strip().endswith(replies[int(post["id"]) - 2])


def test_the_boilerplate_white_space_class_is_regexs():
    import re

    import regex

    from threadclean.strip.boilerplate import WHITE_SPACE

    ours = re.compile(f"[{WHITE_SPACE}]")
    theirs = regex.compile(r"\s")
    assert [c for c in range(0x110000) if ours.match(chr(c))] == [c for c in range(0x110000) if theirs.match(chr(c))]
