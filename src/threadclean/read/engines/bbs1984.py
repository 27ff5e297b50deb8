"""Discuz 6/7 threads turned into Markdown by html2text, as the 1984bbs archive keeps them.

::

    ---
    layout: default
    title: 标题
    ---

    # 标题

    作者名

    头衔

    8楼 大 中 小 发表于 2010-1-20 17:24  只看该作者

    引用:

    > 原帖由 某人 于 2010-1-20 17:09 发表 ![](https://example/images/common/back.gif)
    >  被引用的话

    回复的话

A post runs from its ``N楼 ... 只看该作者`` line to the name line of the next post.
"""

from __future__ import annotations

import regex

from ... import patterns as p
from ...spans import Span, spans_of
from . import Dump, Engine
from ._common import any_body, posts_between

# The author block and floor line above a post: the name, an optional title line (cut with
# "..." on a line of its own when long), then "8楼 大 中 小 发表于 2010-1-20 17:24  只看该作者".
POST_HEAD = regex.compile(
    rf"(?m)^(?P<author>(?!#|---|\s)[^\n]{{1,80}})\n\n\n\n(?:[^\n]{{1,600}}\n\n(?:\.{{3}}\n\n)?\n\n)?\n\n"
    rf"(?P<floor>\d{{1,6}})楼 大 中 小 发表于 (?P<time>{p.DATE_TIME})[ \t]*+只看该作者"
)

# Jekyll front matter at the top of the file, and the thread's title line after it.
FRONT_MATTER = regex.compile(r"\A\ufeff?---\r?\n(?:[^\n]{0,400}\n){0,40}?---[ \t]*+\r?\n")
TITLE = regex.compile(r"(?m)^# [^\n]{1,400}$")

# What the archive bot and the page put between posts: the bot's footer with its rules, the
# pager ("1 2 3››"), and the caption of a reply to a floor ("回复 39楼 某人 的话题").
FOOTER = regex.compile(r"(?m)^---[ \t]*+\n\s{0,20}\[Terminusbot\]\([^)\n]{0,200}\)[^\n]{0,200}\n\s{0,20}---[ \t]*+$")
PAGER = regex.compile(r"(?m)^[ \t]*+\d{1,6}(?: \d{1,6}){0,20}+ ?››")
REPLY_CAPTION = regex.compile(r"(?m)^回复 \d{1,6}楼 [^\n]{1,80}? 的(?:话题|帖子)[ \t]*+$")

# The marks of a quote box: the "引用:" caption, the "> " that opens each quoted line, and the
# Markdown image syntax around the back.gif ("![](" and ")").
QUOTE_MARK = regex.compile(r"(?m)^引用:[ \t]*+$|^>[ \t]?|!\[\]\((?=[^)\n]{0,300}back\.gif\))|(?<=back\.gif)\)")

_SNIFF = regex.compile(r"\d{1,6}楼 大 中 小 发表于 ")
# A body of the archive given as a post: its Markdown quote box, "引用:" then "> 原帖由 X 于 T 发表".
_BODY = regex.compile(r"(?m)^>[ \t]?原帖由 [^\n]{1,60}? 于 |^引用:[ \t]*+\n(?:[ \t]*+\n){0,4}>")


def find_quote_marks(text: str) -> list[Span]:
    """The marks of a Markdown quote box; the quoted words stay.

    >>> from threadclean.spans import remove_spans
    >>> text = "引用:\\n\\n> 原帖由 甲 于 2010-1-20 17:09 发表\\n>  被引用的话"
    >>> remove_spans(text, find_quote_marks(text))
    '\\n\\n原帖由 甲 于 2010-1-20 17:09 发表\\n 被引用的话'
    """
    return [s for s in spans_of(QUOTE_MARK, "quote-mark", text) if s.end > s.start]


# The line that ends a quote the archive cut: "> ..." (html2text's rendering of Discuz's " ...").
CUT_LINE = regex.compile(r"(?m)^>[ \t]?(?:\.\.\.|…)[ \t]*+$")


def find_cut_lines(text: str) -> list[Span]:
    """The ``> ...`` line that ends a cut quote.

    >>> from threadclean.spans import remove_spans
    >>> text = "> 原帖由 甲 于 2010-1-20 16:28 发表\\n> 坚持\\n> ...\\n回复"
    >>> remove_spans(text, find_cut_lines(text))
    '> 原帖由 甲 于 2010-1-20 16:28 发表\\n> 坚持\\n\\n回复'
    """
    return spans_of(CUT_LINE, "quote-truncation", text)


def find_chrome(text: str) -> list[Span]:
    """The archive bot's footer, the page's pager and reply captions.

    >>> find_chrome("---\\n\\n[Terminusbot](https://example) 整理\\n\\n---")[0].kind
    'chrome'
    """
    return spans_of(FOOTER, "chrome", text) + spans_of(PAGER, "chrome", text) + spans_of(REPLY_CAPTION, "chrome", text)


def sniff(text: str) -> bool:
    """Whether ``text`` looks like a 1984bbs Markdown page (two floor lines at least)."""
    return len(_SNIFF.findall(text, 0, 50_000)) >= 2 or (bool(_SNIFF.search(text)) and bool(FRONT_MATTER.match(text)))


def parse(text: str) -> Dump:
    """Posts between the floor lines; front matter, title and author blocks are structure."""
    structure: list[Span] = []
    front = FRONT_MATTER.match(text)
    if front:
        structure.append(Span(front.start(), front.end(), "chrome"))
    heads = list(POST_HEAD.finditer(text))
    title = TITLE.search(text, front.end() if front else 0, heads[0].start() if heads else len(text))
    if title:
        structure.append(Span(title.start(), title.end(), "chrome"))
    return posts_between(text, heads, structure)


ENGINE = Engine("1984bbs-md", sniff, parse,
                {"quote-mark": find_quote_marks, "chrome": find_chrome, "quote-truncation": find_cut_lines},
                sniff_posts=any_body(_BODY), dialect="markdown")
