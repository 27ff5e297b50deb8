"""Noise that used to stay in the text, one fixture each (written for these tests): every piece
is removed with its kind, and the words around it stay."""

from __future__ import annotations

import pytest

from threadclean import clean_text, clean_thread

_S1 = ("*****\n\n####  山风  \n##### 1#       发表于 2021-5-3 10:00\n\n{body1}\n\n"
       "*****\n\n####  白鹭  \n##### 2#       发表于 2021-5-3 10:12\n\n{body2}\n")

_BBS = ("---\nlayout: default\ntitle: 标题\n---\n\n# 标题\n\n"
        "老王\n\n\n\n\n\n1楼 大 中 小 发表于 2010-1-20 16:28  只看该作者\n\n"
        "{body1}\n\n小李\n\n\n\n\n\n2楼 大 中 小 发表于 2010-1-20 17:09  只看该作者\n\n{body2}\n")


def _kinds(result):
    return {r.kind for p in result.posts for r in p.removed} | {r.kind for r in result.removed}


def test_the_1984bbs_cut_quote_line():
    body2 = ("引用:\n\n\n\n> 原帖由 老王 于 2010-1-20 16:28 发表 ![](https://example.org/images/common/back.gif)\n\n"
             ">  其实最关键的是坚持每天背单词\n> ...\n\n我同意，坚持最难。")
    result = clean_text(_BBS.format(body1="其实最关键的是坚持每天背单词，然后是听力练习。", body2=body2))
    assert result.reader == "1984bbs-md"
    reply = result.posts[1]
    assert "..." not in reply.text and "我同意，坚持最难。" in reply.text
    assert "quote-truncation" in {r.kind for r in reply.removed}


def test_the_discuz7_edit_note_in_its_brackets_and_italics():
    text = "谢谢大家的建议~~<br>\n<br>\n[<i> 本帖最后由 小李 于 2010-1-21 11:23 编辑 </i>]"
    result = clean_thread([{"id": "1", "text": text}], dialect="html")
    (post,) = result.posts
    assert post.text.strip() == "谢谢大家的建议~~"
    assert "edit-note" in {r.kind for r in post.removed}


def test_the_something_awful_edit_line():
    from threadclean.read.engines.western import find_sa_edit_lines

    body = ('Ruby, not PHP.<br>\n<p class="editedby"><span>Sample Goon fucked around with this message at '
            'Sep 20, 2012 around 15:09</span>\n</p>')
    spans = find_sa_edit_lines(body)
    assert [s.kind for s in spans] == ["edit-note"]
    assert "fucked around" not in body[: spans[0].start] + body[spans[0].end :]


def test_a_script_inside_a_vbulletin_post():
    body = ('<div id="post_message_7"><blockquote class="postcontent restore">Sieht gut aus.'
            '<script type="text/javascript">if($(window).width() >= 1024){ document.write("x"); }</script>'
            ' Danke!</blockquote></div>')
    result = clean_thread([{"id": "7", "text": body}], dialect="html")
    (post,) = result.posts
    assert "document.write" not in post.text and "Sieht gut aus." in post.text and "Danke!" in post.text
    assert "markup" in {r.kind for r in post.removed}


def test_the_old_stage1st_client_signature():
    result = clean_text(_S1.format(body1="这部番的作画真的很稳定。", body2="但是剧情节奏太慢了来自: iPhone客户端"))
    assert result.reader == "stage1st-md"
    assert result.posts[1].text.strip() == "但是剧情节奏太慢了"
    assert "signature" in {r.kind for r in result.posts[1].removed}


def test_the_signature_rule():
    result = clean_text(_S1.format(body1="楼主说得对。", body2="同意楼上。\n\n﹍﹍﹍\n\n我的签名档"))
    reply = result.posts[1]
    assert "﹍" not in reply.text and "同意楼上。" in reply.text and "我的签名档" in reply.text


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"])
def test_characters_no_reader_sees(mark):
    result = clean_thread([{"id": "1", "text": f"好{mark}文{mark}{mark}章，值得一看"}])
    (post,) = result.posts
    assert post.text == "好文章，值得一看"
    assert {r.kind for r in post.removed} == {"invisible"}


def test_entities_read_in_the_text_offsets_in_the_input():
    result = clean_thread([{"id": "1", "text": "Tom &amp; Jerry &lt;3"}], dialect="html")
    (post,) = result.posts
    assert post.text == "Tom & Jerry <3"
    assert [(r.origin.start, r.origin.end, r.replacement) for r in post.replaced] == [(4, 9, "&"), (16, 20, "<")]
    assert "entity" not in _kinds(result)  # read, not removed


def test_a_gallery_keeps_its_images_and_a_repost_is_a_repeat():
    from conftest import FIXTURES
    from threadclean import clean_file

    result = clean_file(FIXTURES / "gallery" / "input.md")
    gallery, question, repost = result.posts
    assert not gallery.quotes  # ten images of one template: no copies
    assert gallery.text.count("<img ") == 10 and "下载附件" not in gallery.text
    assert "attachment" in {r.kind for r in gallery.removed}
    (quote,) = repost.quotes  # the same image posted again
    assert quote.post == "1" and quote.paragraph == 4 and "142405p8bd1nc4yr6ts0vq.jpg" in quote.text
    assert repost.text.strip() == "这张太好看了，设成桌面了。"
    assert not question.quotes
