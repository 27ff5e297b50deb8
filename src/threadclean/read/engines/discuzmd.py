"""Markdown dumps that keep each Discuz X post's raw HTML (hostloc archives and their kin).

::

    # 标题


    <i class="pstatus"> 本帖最后由 甲 于 2020-10-24 14:26 编辑 </i><br />
    正文<br />

    <div class="quote"><blockquote><font size="2"><a href="…findpost&amp;pid=9365712…" target="_blank">
    <font color="#999999">甲 发表于 2020-10-28 19:10</font></a></font><br />
    引文 ...</blockquote></div><br />
    回复

The title line is structure; each block between blank lines is a post; the HTML inside is
read with the page detectors, and quote headers link the quoted post.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from ...spans import Span
from . import Dump, Engine, PostSpan
from . import discuz as dz
from ._common import QUOTE_END, any_body

# The title line at the top: "# 认真求解：做站选国内还是国外主机？".
TITLE = regex.compile(r"\A\ufeff?# [^\n]{1,400}\n")
# A blank line: where one post ends and the next begins.
BLANK = regex.compile(r"\n[ \t]*+\n(?:[ \t]*+\n)*+")
_SNIFF = regex.compile(r'<div class="quote"><blockquote>|<i class="pstatus">|smilieid="')


def find_quote_headers(text: str) -> list[Span]:
    """Discuz quote headers in the post HTML. The dump lost the posts' ids, so the linked
    post's id says nothing here: the quote is found by its words.

    >>> html = '<a href="x?goto=findpost&amp;pid=42"><font color="#999999">甲 发表于 2020-10-28 19:10</font></a>'
    >>> [s.header for s in find_quote_headers(html)]
    [QuoteHeader(author='甲', time='2020-10-28T19:10', post=None)]
    """
    found = dz.find_linked_headers(text)
    return [Span(s.start, s.end, s.kind, s.header and replace(s.header, post=None)) for s in found]


def sniff(text: str) -> bool:
    return bool(TITLE.match(text)) and bool(_SNIFF.search(text, 0, 200_000)) and "<table" not in text[:200_000]


def parse(text: str) -> Dump:
    """The title, then one post per block of lines."""
    title = TITLE.match(text)
    at = title.end() if title else 0
    structure = [Span(title.start(), title.end(), "chrome")] if title else []
    posts: list[PostSpan] = []
    for blank in [*BLANK.finditer(text, at), None]:
        end = blank.start() if blank else len(text)
        if text[at:end].strip():
            posts.append(PostSpan(str(len(posts) + 1), at, end))
        if blank is None:
            break
        at = blank.end()
    return Dump(posts, structure)


ENGINE = Engine(
    "discuz-md", sniff, parse,
    {"quote-header": find_quote_headers, "quote-truncation": dz.find_cut_quotes}, QUOTE_END,
    any_body(_SNIFF),
    "html",
)
