"""The Markdown dialect (what html2text, scrapers and board exports write): image and link
syntax, emphasis marks and rules around the words. Quoting by ``>`` lines is in ``lines``.

A link's text stays and its syntax goes; an image is what was posted and stays whole, unless it
is a smiley, or the image a Discuz quote header carries (``![](…/back.gif)``).
"""

from __future__ import annotations

import regex

from ..spans import Span

# "![alt](https://example.com/a.png)", "![](./19_0a1b2c.jpg "title")".
IMAGE = regex.compile(r"!\[(?P<alt>[^\[\]\r\n]{0,400})\]\((?P<url>[^()\s]{1,2000})(?:\s+\"[^\"\r\n]{0,200}\")?\)")
# "[the text](https://example.com/page)": the brackets and the target go, the text stays.
LINK = regex.compile(r"(?<!!)\[(?P<text>[^\[\]\r\n]{1,400})\]\((?P<url>[^()\s]{1,2000})(?:\s+\"[^\"\r\n]{0,200}\")?\)")
# Emphasis marks in pairs on one line: "**bold**", "__bold__", "~~struck~~".
EMPHASIS = regex.compile(r"(?P<mark>\*\*|__|~~)(?=\S)[^\r\n]{1,400}?(?<=\S)(?P=mark)")
# A smiley or emoji image, or the arrow image of a Discuz quote header: by its path.
_NOT_CONTENT = regex.compile(r"/smil(?:ey|ies?)/|/smile/|/emoji/|/emoticons?/|/back\.gif$|/common/back\.gif")


def find_link_syntax(text: str) -> list[Span]:
    """The brackets and target of ``[text](url)`` links; the link's text stays.

    >>> from threadclean.spans import remove_spans
    >>> text = "see [the docs](https://example.com/docs) first"
    >>> remove_spans(text, find_link_syntax(text))
    'see the docs first'
    """
    out = []
    for m in LINK.finditer(text):
        out.append(Span(m.start(), m.start("text"), "markup"))
        out.append(Span(m.end("text"), m.end(), "markup"))
    return out


def find_image_syntax(text: str) -> list[Span]:
    """Images that are not what was posted: smileys, and the arrow of a Discuz quote header.

    >>> find_image_syntax("好![](https://bbs.example.com/images/common/back.gif) ![](cat.jpg)")[0].kind
    'quote-image'
    """
    out = []
    for m in IMAGE.finditer(text):
        url = m["url"]
        if url.endswith("back.gif"):
            out.append(Span(m.start(), m.end(), "quote-image"))
        elif _NOT_CONTENT.search(url):
            out.append(Span(m.start(), m.end(), "smiley"))
    return out


def find_emphasis(text: str) -> list[Span]:
    """The marks of emphasis (``**``, ``__``, ``~~``), in pairs; the words stay.

    >>> from threadclean.spans import remove_spans
    >>> remove_spans("**Topic ID**: 545", find_emphasis("**Topic ID**: 545"))
    'Topic ID: 545'
    """
    out = []
    for m in EMPHASIS.finditer(text):
        width = len(m["mark"])
        out.append(Span(m.start(), m.start() + width, "markup"))
        out.append(Span(m.end() - width, m.end(), "markup"))
    return out
