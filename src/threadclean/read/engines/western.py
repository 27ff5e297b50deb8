"""Saved thread pages of the Western engines: Something Awful, vBulletin, XenForo, SMF (phpBB
has a module of its own).

Each engine names where a post lies on its page, who wrote it, and how its quote boxes say whom
they quote; the body is the post's inner HTML as selectolax writes it. A quote header that
links the quoted post (``postid=``, ``#post``, ``data-source="post: …"``) resolves to exactly
that post.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex

from ...spans import QuoteHeader, Span, spans_of
from . import Engine, Page, PagePost
from . import html as h
from ._common import QUOTE_END, any_body, quote_headers

# Something Awful: <h4><a class="quote_link" href="/showthread.php?goto=post&amp;postid=407741754#post…">
#   JohnnyCanuck posted:</a></h4><blockquote>…</blockquote>
SA_QUOTE = regex.compile(
    r"<h4><a\s[^<>]{0,300}?postid=(?P<post>\d{1,12})[^<>]{0,300}>(?P<author>[^<>\n]{1,80}?) posted:</a></h4>"
)
# Something Awful's edit line: '<p class="editedby"><span>THC fucked around with this message at
#   Sep 20, 2012 around 15:09</span>' (and its empty paragraph where no one edited).
SA_EDITED = regex.compile(r"<p class=\"editedby\">\s{0,40}(?:<span>[^<>]{1,300}</span>\s{0,40})?(?:</p>)?")
# vBulletin 4: <div class="bbcode_postedby"><img … alt="Zitat" /> Zitat von <strong>TheFreeman</strong>
#   <a href="…#post949745" …><img …/></a></div>; English boards say "Originally Posted by".
VB_QUOTE = regex.compile(
    r"(?:Zitat von|Originally Posted by|Quote from)\s{0,20}<strong>(?P<author>[^<>\n]{1,80})</strong>"
    r"(?:\s{0,40}<a\s[^<>]{0,400}?#post(?P<post>\d{1,12})[^<>]{0,200}>)?"
)
# XenForo 2: <blockquote … data-quote="Damon Otter" data-source="post: 53390" …> and a title
#   "Damon Otter said:"; the box ends in "Click to expand...".
XF_QUOTE = regex.compile(
    r"<blockquote\s[^<>]{0,400}?data-quote=\"(?P<author>[^\"<>]{1,80})\""
    r"(?:[^<>]{0,200}?data-source=\"post: ?(?P<post>\d{1,12})\")?"
    r"[^<>]{0,400}>|(?<=<div class=\"bbCodeBlock-title\">\s{0,40})(?P<author2>[^<>\n]{1,80}?) said:"
)
# SMF 2: <div class="quoteheader"><div class="topslice_quote"><a href="index.php?topic=5.msg123#msg123">
#   Quote from: Ann on May 3, 2021, 10:00:12 am</a></div></div><blockquote class="bbc_standard_quote">
SMF_QUOTE = regex.compile(
    r"<a\s[^<>]{0,300}?#msg(?P<post>\d{1,12})[^<>]{0,100}>Quote from: (?P<author>[^<>\n]{1,80}?) on [^<>\n]{1,80}</a>"
)
XF_EXPAND = regex.compile(r"Click to expand\.\.\.|Zum Vergrößern anklicken\.\.\.|Klicken zum Ausklappen\.\.\.")


def _xf_headers(text: str) -> list[Span]:
    """XenForo quote headers: the box's data-quote (with its post) or its "X said:" title.

    >>> [s.header for s in _xf_headers('<blockquote class="q" data-quote="Ann" data-source="post: 7">')]
    [QuoteHeader(author='Ann', time=None, post='7')]
    """
    out = []
    for m in XF_QUOTE.finditer(text):
        header = QuoteHeader((m["author"] or m["author2"] or "").strip(), post=m["post"] or None)
        out.append(Span(m.start(), m.end(), "quote-header", header))
    return out


def _xf_expand(text: str) -> list[Span]:
    """XenForo's "Click to expand..." under a long quote.

    >>> _xf_expand("Zitat Click to expand...")[0].kind
    'chrome'
    """
    return spans_of(XF_EXPAND, "chrome", text)


def _page(
    text: str,
    *,
    posts: str,
    body: str,
    post_id: Callable[[Any], str | None],
    author: Callable[[Any], str | None],
    time: Callable[[Any], str | None],
) -> Page:
    tree = h.parser(text)
    unique: dict[str, PagePost] = {}
    for node in tree.css(posts):
        content = node.css_first(body)
        pid = post_id(node)
        if content is None or not pid or pid in unique:  # a post the page shows twice is one post
            continue
        unique[pid] = PagePost(pid, content.inner_html or "", author(node), time(node))
    return Page(list(unique.values()), h.text_of(tree.css_first("title")))


def _strip_prefix(prefix: str) -> Callable[[Any], str | None]:
    def get(node: Any) -> str | None:
        value = node.attributes.get("id") or ""
        return value[len(prefix) :] if value.startswith(prefix) else None

    return get


_SA_DATE = regex.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}")


def _sa_time(node: Any) -> str | None:
    m = _SA_DATE.search(h.text_of(node.css_first("td.postdate")) or "")
    return m.group() if m else None


def parse_somethingawful(text: str) -> Page:
    return _page(
        text, posts="table.post", body="td.postbody", post_id=_strip_prefix("post"),
        author=lambda n: h.text_of(n.css_first("dt.author")), time=_sa_time,
    )


def parse_vbulletin(text: str) -> Page:
    return _page(
        text, posts="li[id^=post_]", body="[id^=post_message_]", post_id=_strip_prefix("post_"),
        author=lambda n: h.text_of(n.css_first(".username")), time=lambda n: h.text_of(n.css_first("span.date")),
    )


def parse_xenforo(text: str) -> Page:
    return _page(
        text, posts="article.message", body="div.bbWrapper", post_id=_strip_prefix("js-post-"),
        author=lambda n: n.attributes.get("data-author"),
        time=lambda n: (n.css_first("time").attributes.get("datetime") if n.css_first("time") else None),
    )


def _smf_id(node: Any) -> str | None:
    inner = node.css_first("div.inner[id^=msg_]")
    return inner.attributes.get("id", "")[len("msg_") :] if inner is not None else None


_SMF_DATE = regex.compile(r"[A-Z][a-z]{2,8} \d{1,2}, \d{4}, \d{1,2}:\d{2}(?::\d{2})? [ap]m")


def _smf_time(node: Any) -> str | None:
    m = _SMF_DATE.search(h.text_of(node.css_first(".keyinfo .smalltext")) or "")
    return m.group() if m else None


def parse_smf(text: str) -> Page:
    return _page(
        text, posts="div.post_wrapper", body="div.inner", post_id=_smf_id,
        author=lambda n: h.text_of(n.css_first(".poster h4 a")) or h.text_of(n.css_first(".poster h4")),
        time=_smf_time,
    )


def find_sa_edit_lines(text: str) -> list[Span]:
    """Something Awful's line saying who edited a post, and when.

    >>> text = 'words<p class="editedby"><span>ann fucked around with this message at Sep 20, 2012 around 15:09</span>'
    >>> [text[s.start:s.end][:22] for s in find_sa_edit_lines(text)]
    ['<p class="editedby"><s']
    """
    return spans_of(SA_EDITED, "edit-note", text)


SOMETHINGAWFUL = Engine(
    "somethingawful-html", lambda t: '<table class="post' in t[:500_000] and "postbody" in t[:500_000],
    parse_somethingawful, {"quote-header": quote_headers(SA_QUOTE), "edit-note": find_sa_edit_lines}, QUOTE_END,
    any_body(SA_QUOTE),
    "html",
)
VBULLETIN = Engine(
    "vbulletin-html", lambda t: 'id="post_message_' in t[:800_000], parse_vbulletin,
    {"quote-header": quote_headers(VB_QUOTE)}, QUOTE_END, any_body(VB_QUOTE), "html",
)
XENFORO = Engine(
    "xenforo-html", lambda t: "js-post-" in t[:800_000] and "bbWrapper" in t[:800_000], parse_xenforo,
    {"quote-header": _xf_headers, "chrome": _xf_expand}, QUOTE_END, any_body(XF_QUOTE), "html",
)
SMF = Engine(
    "smf-html", lambda t: 'class="post_wrapper"' in t[:800_000] and 'id="msg_' in t[:800_000], parse_smf,
    {"quote-header": quote_headers(SMF_QUOTE)}, QUOTE_END, any_body(SMF_QUOTE), "html",
)
ENGINES = (SOMETHINGAWFUL, VBULLETIN, XENFORO, SMF)
