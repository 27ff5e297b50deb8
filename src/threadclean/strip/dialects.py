"""Body dialects: the markup a post's body is written in, told from the text, and the detectors
that read each one.

=========  ================================================================================
html       tags, entities, smiley and avatar images, quote boxes (a saved page's bodies, a
           Markdown export that kept the HTML, a scraper's JSON of a board's HTML)
bbcode     ``[b]``, ``[url=…]``, ``[img]``, ``[quote=…]`` (a board's source text)
markdown   ``![](…)`` images, ``[t](u)`` links, emphasis, and quoting by ``>`` lines
text       plain text: quoting by ``>`` lines after an attribution (mail, Usenet, dumps)
=========  ================================================================================

A dialect brings its detectors (by kind) and where its quotes end. None is no dialect at all:
threadclean's own text layout, whose posts hold no markup any more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

from ..spans import Detector
from . import bbcode, html, lines, markdown

# Evidence of each dialect, counted in a sample of the text.
#   html: '<p>', '</div>', '<br />', '<a href="…">', '<blockquote>', '&amp;'
_HTML = regex.compile(
    r"(?i)</?(?:p|br|div|a|img|blockquote|span|strong|b|i|em|u|s|ul|ol|li|aside|code|pre|font|table|tr|td|th|"
    r"h[1-6]|hr|sup|sub|del|small|article|section|cite|iframe|video|figure|details|summary)\b[^<>\r\n]{0,2000}>"
    r"|&(?:amp|lt|gt|quot|nbsp|#\d{1,6});"
)
#   bbcode: '[b]', '[/quote]', '[url=…]', '[img]'
_BBCODE = regex.compile(r"(?i)\[/(?:b|i|u|s|url|img|quote|color|size|code|list|font|align|spoiler)\]|\[quote[=\]]")
#   markdown: '![](…)', '[text](https://…)', '**bold**'
_MARKDOWN = regex.compile(r"!?\[[^\[\]\r\n]{0,400}\]\([^()\s]{1,2000}\)|\*\*(?=\S)[^\r\n*]{1,200}(?<=\S)\*\*")
_SAMPLE = 400_000  # characters of a thread read to tell its dialect

_TEXT: list[tuple[str, Detector]] = [
    ("quote-header", lines.find_quote_blocks),
    ("quote-mark", lines.find_quote_marks),
]
_DETECTORS: dict[str, list[tuple[str, Detector]]] = {
    "html": [
        ("jammer", html.find_hidden_jammer),
        ("smiley", html.find_smiley_images),
        ("quote-image", html.find_quote_link_images),
        ("quote-header", html.find_quote_boxes),
        ("markup", html.find_markup),
        ("entity", html.find_entities),
    ],
    "bbcode": [
        ("smiley", bbcode.find_smileys),
        ("quote-header", bbcode.find_quote_openings),
        ("markup", bbcode.find_tags),
        *_TEXT,
    ],
    "markdown": [
        ("quote-image", markdown.find_image_syntax),
        ("markup", markdown.find_link_syntax),
        ("markup", markdown.find_emphasis),
        *_TEXT,
    ],
    "text": list(_TEXT),
}
_QUOTE_ENDS = {
    "html": (html.QUOTE_END,),
    "bbcode": (bbcode.QUOTE_END, lines.QUOTE_END),
    "markdown": (lines.QUOTE_END,),
    "text": (lines.QUOTE_END,),
}


_BOX_ENDS = {"html": html.quote_box_end, "bbcode": lines.quoted_lines_end, "markdown": lines.quoted_lines_end,
              "text": lines.quoted_lines_end}


def tell(texts: Sequence[str]) -> str:
    """The dialect a thread's bodies are written in, from a sample of them.

    >>> tell(["<p>Hi</p>", "<p>there<br>you</p>"]), tell(["[b]hi[/b] [quote=a]x[/quote]"])
    ('html', 'bbcode')
    >>> tell(["see ![](a.png) and [docs](https://x.org)"]), tell(["> quoted\\nreply"])
    ('markdown', 'text')
    """
    sample, size = [], 0
    for text in texts:
        sample.append(text[: _SAMPLE - size])
        size += len(sample[-1])
        if size >= _SAMPLE:
            break
    joined = "\n".join(sample)
    html_count = len(_HTML.findall(joined))
    if html_count >= 3 or (html_count and html_count * 2000 >= len(joined)):
        return "html"
    if len(_BBCODE.findall(joined)) >= 2:
        return "bbcode"
    if _MARKDOWN.search(joined):
        return "markdown"
    return "text"


def detectors(dialect: str | None) -> list[tuple[str, Detector]]:
    """The detectors of a dialect, as ``(kind, detector)`` pairs (none for no dialect)."""
    return list(_DETECTORS.get(dialect or "", []))


def box_end(dialect: str | None) -> Callable[[str, int, int], int | None] | None:
    """Where a dialect tells the end of the quote a header opens, by the quote's own nesting: the
    box it stands in (``html.quote_box_end``), the lines quoted a level deeper than it
    (``lines.quoted_lines_end``)."""
    return _BOX_ENDS.get(dialect or "")


def quote_ends(dialect: str | None) -> tuple[regex.Pattern[str], ...]:
    """Where a dialect's quotes end: a copy never runs on past one."""
    return _QUOTE_ENDS.get(dialect or "", ())
