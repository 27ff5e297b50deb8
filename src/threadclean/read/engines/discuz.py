"""Discuz! viewthread pages as saved from the browser: 6/7 (1984bbs and its kin) and X.

A post is a ``<table id="pid442374">`` with its body in ``#postmessage_…``. Discuz 6/7 puts the
author in ``cite a`` and the time after ``发表于`` in ``.postinfo``; Discuz X puts them in
``.authi a.xw1`` and ``em#authorposton…``. A 6/7 quote is ``<div class="quote"><h5>引用:</h5>
<blockquote>原帖由 <i>X</i> 于 T 发表 <a href="…findpost&pid=…"><img src="…/back.gif"></a>…``;
a Discuz X quote is ``<div class="quote"><blockquote><font size="2"><a href="…findpost&pid=…">
<font color="#999999">X 发表于 T</font></a></font><br />…``. Both link the quoted post.
"""

from __future__ import annotations

import regex

from ... import patterns as p
from ...spans import QuoteHeader, Span, spans_of
from . import Engine, Page, PagePost
from . import html as h
from ._common import QUOTE_END, any_body

# The time in a post's info line: "发表于 2010-1-20 17:24".
POSTED = regex.compile(rf"发表于 ({p.DATE_TIME})")

# Quote headers with the link to the quoted post, in the body's HTML:
#   6/7: '原帖由 <i>花想容</i> 于 2010-1-20 17:09 发表 <a href="…findpost&amp;pid=442346&amp;…">'
#   X:   '<a href="…findpost&amp;pid=9365712&amp;…" target="_blank"><font color="#999999">
#         某猫猫 发表于 2020-10-28 19:10'
LINKED_HEADER = regex.compile(
    rf"原帖由 (?:<i>)?(?P<author>[^<>\n]{{1,40}}?)(?:</i>)? 于 (?P<time>{p.DATE_TIME}) 发表\s{{0,4}}"
    rf"<a\s[^<>]{{0,300}}?findpost&(?:amp;)?pid=(?P<post>\d{{1,12}})[^<>]{{0,300}}>"
    rf"|<a\s[^<>]{{0,300}}?findpost&(?:amp;)?pid=(?P<post2>\d{{1,12}})[^<>]{{0,300}}>(?:<font[^<>]{{0,80}}>)?"
    rf"(?P<author2>[^<>\n]{{1,40}}?) 发表于 (?P<time2>{p.DATE_TIME})"
)

# The caption of a quote box, once its tags are out: "引用:" ending its line or right before
# "原帖由".
QUOTE_CAPTION = regex.compile(r"引用:(?=[ \t]*+(?:\r?\n|$|原帖由))")

# A body of a saved page given as a post: the 6/7 quote box's caption, or its header's link.
_BODY = regex.compile(r"<h5>引用:</h5>|原帖由 <i>[^<>\n]{1,40}</i> 于 ")

# The " ..." Discuz puts where it cut a quote, right before the quote box closes.
CUT_QUOTE = regex.compile(r"\s\.\.\.(?=\s{0,8}+</blockquote>)")


def find_quote_captions(text: str) -> list[Span]:
    """The "引用:" caption of a quote box.

    >>> find_quote_captions("引用:原帖由 甲 于 2010-1-20 17:09 发表")[0].kind
    'quote-mark'
    """
    return spans_of(QUOTE_CAPTION, "quote-mark", text)


def find_cut_quotes(text: str) -> list[Span]:
    """The " ..." at the end of a cut quote, in the body's HTML.

    >>> find_cut_quotes("引文 ... </blockquote>")[0].kind
    'quote-truncation'
    """
    return spans_of(CUT_QUOTE, "quote-truncation", text)


def find_linked_headers(text: str) -> list[Span]:
    """Quote headers that link the quoted post, with its id.

    >>> html = '原帖由 <i>甲</i> 于 2010-1-20 17:09 发表 <a href="r.php?goto=findpost&amp;pid=42">'
    >>> [s.header for s in find_linked_headers(html)]
    [QuoteHeader(author='甲', time='2010-01-20T17:09', post='42')]
    """
    out = []
    for m in LINKED_HEADER.finditer(text):
        six = bool(m["post"])  # the 6/7 form; else the X form
        author, time, post = (m["author"], m["time"], m["post"]) if six else (m["author2"], m["time2"], m["post2"])
        header = QuoteHeader(author.strip(), p.parse_time(time), post)
        out.append(Span(m.start(), m.end(), "quote-header", header))
    return out


def sniff(text: str) -> bool:
    head = text[:400_000]
    return '<table id="pid' in head and 'id="postmessage_' in head


def parse(text: str) -> Page:
    """The page's posts: id (the pid), author, time and body HTML."""
    tree = h.parser(text)
    posts = []
    for table in tree.css("table[id^=pid]"):
        body = table.css_first("[id^=postmessage_]")
        if body is None:
            continue
        cite = table.css_first("cite a") or table.css_first(".authi a.xw1") or table.css_first("cite")
        info = table.css_first(".postinfo") or table.css_first("em[id^=authorposton]")
        posted = POSTED.search(info.text()) if info is not None else None
        posts.append(PagePost(
            table.attributes.get("id", "")[len("pid") :],
            body.inner_html or "",
            cite.text(strip=True) if cite is not None else None,
            posted.group(1) if posted else None,
        ))
    title = tree.css_first("h1")
    return Page(posts, title.text(strip=True) if title is not None else None)


ENGINE = Engine(
    "discuz-html", sniff, parse,
    {"quote-mark": find_quote_captions, "quote-truncation": find_cut_quotes,
     "quote-header": find_linked_headers},
    QUOTE_END,
    any_body(_BODY),
    "html",
)
