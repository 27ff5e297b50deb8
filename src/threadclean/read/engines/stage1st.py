"""Stage1st (Discuz X) threads as the S1PlainTextBackup bot dumps them to Markdown.

::

    *****

    ####  作者
    ##### 12#       发表于 2024-12-13 09:17

    <blockquote><a href="...findpost...">某人 发表于 2024-12-13 09:10</a>

    被引用的话 ...</blockquote>
    回复的话

    —— 来自 ... S1Next-鹅版 ...

A post is everything between its ``#####`` line and the next ``*****``.
"""

from __future__ import annotations

import regex

from ... import patterns as p
from ...spans import Span, spans_of
from . import Dump, Engine
from ._common import QUOTE_END, any_body, posts_between

# The separator and header of one post:
#   "*****\n\n####  东京打工妹  \n##### 19#       发表于 2024-12-13 09:34\n"
#   "##### 1#       楼主       发表于 ..." and "#####  6#  \xa0楼主| 发表于 ..." on the opening post.
POST_HEAD = regex.compile(
    rf"(?m)^\*{{5}}[ \t]*+\r?\n(?:[ \t]*+\r?\n)*+####[ \t\xa0]++(?P<author>[^\n]{{1,80}}?)[ \t\xa0]*+\r?\n"
    rf"#####[ \t\xa0]++(?P<floor>\d{{1,7}})#[^\n]{{0,80}}?发表于 (?P<time>{p.DATE_TIME})[ \t]*+(?:\r?\n)?"
)

# Client signatures: "—— 来自 HONOR ..., Android 15上的 [S1Next-鹅版](...) v3.0",
# "[  -- 来自 有消息提醒的 Stage1官方 Android客户端](https://...)", "----发送自 ...", "—— 來自 ...",
# "[论坛助手,iPhone](https://...)", "发自我的 iPhone", and the old client's "…的话来自: iPhone客户端",
# written straight after the post's last word.
SIGNATURE = regex.compile(
    r"(?m)\[?[\xa0 ]*+(?:——|-{2,4})[ \xa0]*+(?:来自|來自|发送自)[^\n]{0,300}+"
    r"|\[论坛助手,[^\]\n]{1,30}\]\([^)\n]{0,300}\)|^发自我的 ?[^\n]{1,30}$"
    r"|来自:[ \xa0]?(?:iPhone|Android|iPad|手机)客户端[ \t]*+$"
)

# Attachment lines: "下载附件", "2024-12-13 09:10 上传", "<strong>1.jpg</strong> (35.2 KB, 下载次数: 0)".
ATTACHMENT = regex.compile(
    rf"下载附件|{p.DATE_TIME} 上传|<strong>[^<>\n]{{1,200}}</strong> \([\d.]{{1,8}} [KMG]B, 下载次数: \d{{1,9}}\)"
)

# Moderation notices: "提示: 作者被禁止或删除 内容自动屏蔽", "**** 该帖被屏蔽 ****".
MODERATION = regex.compile(r"提示: 作者被禁止或删除 内容自动屏蔽|\*{4} 该帖被屏蔽 \*{4}")

# The rating table under a post: "评分\n\n 参与人数 1战斗力 +1\n\n|昵称|...|\n\n查看全部评分".
RATING = regex.compile(r"评分\s{1,8}参与人数[^\n]{0,100}(?:\n[^\n]{0,300}){0,60}?\n查看全部评分")

_SNIFF = regex.compile(r"(?m)^#####[ \t\xa0]++\d{1,7}#[^\n]{0,80}?发表于 ")
# A body the bot dumped, given as a post: the forum's hosts, or its quote box with the link
# to the quoted post ('<blockquote><a href="…findpost…">X 发表于 T</a>').
_BODY = regex.compile(
    r"stage1st\.com/|saraba1st\.com/|<blockquote><a\s[^<>\n]{0,600}?findpost[^<>\n]{0,600}>[^<>\n]{1,80}? 发表于 "
)


def find_signatures(text: str) -> list[Span]:
    """Mobile-client signatures, to the end of their line.

    >>> from threadclean.spans import remove_spans
    >>> text = "说得对\\n\\n—— 来自 某手机, Android 14上的 [S1Next-鹅版](https://example) v3.0"
    >>> remove_spans(text, find_signatures(text))
    '说得对\\n\\n'
    """
    return spans_of(SIGNATURE, "signature", text)


def find_attachments(text: str) -> list[Span]:
    """Attachment captions: the download link, the upload time, the file's name and size.

    >>> from threadclean.spans import remove_spans
    >>> text = "<strong>1.jpg</strong> (35.2 KB, 下载次数: 0)\\n下载附件\\n2024-12-13 09:10 上传"
    >>> remove_spans(text, find_attachments(text))
    '\\n\\n'
    """
    return spans_of(ATTACHMENT, "attachment", text)


def find_moderation(text: str) -> list[Span]:
    """Notices the forum put in place of a banned or hidden post.

    >>> find_moderation("提示: 作者被禁止或删除 内容自动屏蔽")[0].kind
    'moderation'
    """
    return spans_of(MODERATION, "moderation", text)


def find_ratings(text: str) -> list[Span]:
    """The rating table under a post, from ``评分`` to ``查看全部评分``.

    >>> from threadclean.spans import remove_spans
    >>> text = "正文\\n评分\\n\\n 参与人数 1战斗力 +1\\n\\n|昵称|战斗力|\\n| 甲| + 1|\\n\\n查看全部评分"
    >>> remove_spans(text, find_ratings(text))
    '正文\\n'
    """
    return spans_of(RATING, "rating", text)


def sniff(text: str) -> bool:
    """Whether ``text`` looks like a Stage1st Markdown dump (two post headers at least)."""
    return len(_SNIFF.findall(text, 0, 20_000)) >= 2 or (
        len(_SNIFF.findall(text)) >= 1 and "\n*****" in text[:2000]
    )


def parse(text: str) -> Dump:
    """Posts between the post headers; the headers and separators are structure."""
    return posts_between(text, list(POST_HEAD.finditer(text)))


ENGINE = Engine(
    "stage1st-md", sniff, parse,
    {
        "signature": find_signatures,
        "attachment": find_attachments,
        "moderation": find_moderation,
        "rating": find_ratings,
    },
    QUOTE_END,
    any_body(_BODY),
    "html",
)
