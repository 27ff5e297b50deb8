"""What every saved forum page shares: HTML markup in post bodies, and jammer the page hides.

A page engine reads a page into posts whose ``text`` is each body's inner HTML as the parser
(selectolax, lexbor backend) serialises it; these detectors then find the markup in it.
"""

from __future__ import annotations

from typing import Any

import regex

from ...errors import MissingDependency
from ...spans import Span, spans_of

# A tag: "<br />", "<div class=\"quote\">", "</blockquote>", "<img src=... smilieid=\"1\">".
TAG = regex.compile(r"<(?:/?[A-Za-z][A-Za-z0-9]{0,15}+(?:\s[^<>]{0,2000}+)?|!--[^>]{0,2000}?--)>")

# The non-breaking-space entity, which pages use for layout only.
NBSP = regex.compile(r"&nbsp;")

# Jammer the page hides from readers (Discuz X): <font class="jammer">7 @/ A5 |, [</font>,
# <span style="display:none">8 f! W5 a( @0 d* a</span>. The element is a leaf: no tag inside.
HIDDEN = regex.compile(
    r"<font\s[^<>]{0,200}?class=\"jammer\"[^<>]{0,200}>[^<]{0,400}</font>"
    r"|<span\s[^<>]{0,200}?style=\"display:\s?none;?\"[^<>]{0,200}>[^<]{0,400}</span>"
)

# A smiley image: Discuz marks them with smilieid, or keeps them under a smilies path.
SMILEY_TAG = regex.compile(r"<img\s[^<>]{0,1000}?(?:smilieid=|/smilies?/)[^<>]{0,1000}>")


def find_markup(text: str) -> list[Span]:
    """Tags and ``&nbsp;`` in a post body's HTML; the words between stay.

    >>> from threadclean.spans import remove_spans
    >>> text = '<blockquote>原帖由 <i>甲</i> 于 2010-1-20 17:09 发表<br />引文</blockquote>回复&nbsp;'
    >>> remove_spans(text, find_markup(text))
    '原帖由 甲 于 2010-1-20 17:09 发表引文回复'
    """
    found = list(TAG.finditer(text)) + list(NBSP.finditer(text))
    return [Span(m.start(), m.end(), "markup") for m in found]


def find_hidden_jammer(text: str) -> list[Span]:
    """Jammer strings the page hides with a class or a style, element and all.

    >>> from threadclean.spans import remove_spans
    >>> text = '好<font class="jammer">7 @/ A5 |, [</font><br />'
    >>> remove_spans(text, find_hidden_jammer(text))
    '好<br />'
    """
    return spans_of(HIDDEN, "jammer", text)


def find_smiley_tags(text: str) -> list[Span]:
    """Smiley images in a body's HTML.

    >>> find_smiley_tags('<img src="images/smilies/default/smile.gif" smilieid="1" alt="" />')[0].kind
    'smiley'
    """
    return spans_of(SMILEY_TAG, "smiley", text)


DETECTORS = {"jammer": find_hidden_jammer, "smiley": find_smiley_tags, "markup": find_markup}


def parser(text: str) -> Any:
    """The page parsed by selectolax (lexbor), or a clear error when it is not installed."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        raise MissingDependency("selectolax", "html", "reading HTML pages") from None
    return LexborHTMLParser(text)


def text_of(node: Any) -> str | None:
    """A node's text, stripped, or None for no node."""
    return node.text(strip=True) if node is not None else None
