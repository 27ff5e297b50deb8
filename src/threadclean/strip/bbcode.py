"""The BBCode dialect (what phpBB, vBulletin, SMF, NGA and Discourse keep as a post's source):
``[b]``, ``[url=…]``, ``[img]…[/img]``, ``[quote=…]…[/quote]`` around the words.

Tags are markup; an image's address stays (it is what was posted); a ``[quote]`` opening is a
quote's header, with the author, post and time its attributes name.
"""

from __future__ import annotations

import regex

from ..spans import QuoteHeader, Span

# A tag of the usual set: "[b]", "[/b]", "[url=https://x]", "[color=#f00]", "[size=3]", "[*]",
# "[img]", "[code]", "[spoiler]", "[list=1]", "[align=center]", "[font=Arial]", "[s:ac:blink]" is
# a smiley (below).
TAG = regex.compile(
    r"(?i)\[/?(?:b|i|u|s|del|strike|sup|sub|url|email|img|color|colour|size|font|align|center|left|right|"
    r"list|\*|code|pre|spoiler|hide|tt|table|tr|td|th|hr|indent|quote|collapse|flash|media|attach|attachment)"
    r"(?:=[^\[\]\r\n]{0,400})?\]"
)
# A quote opening with what it names: '[quote="ann, post:3, topic:545"]' (Discourse),
# '[quote="ann" post_id=12 time=1500000000 user_id=3]' (phpBB 3.2), "[quote=ann;12]" (vBulletin),
# "[quote author=ann link=topic=5.msg12#msg12 date=1500000000]" (SMF), "[quote=ann]", "[quote]".
QUOTE_OPEN = regex.compile(r"(?i)\[quote(?P<args>(?:=|\s)[^\[\]\r\n]{0,400})?\]")
_ARG_AUTHOR = regex.compile(
    r"""^=\s*+"?(?P<author>[^",;\]\r\n]{1,80}?)"?(?:[,;\]]|\s|$)|\bauthor=(?P<author2>[^\s\]]{1,80})"""
)
_ARG_POST = regex.compile(r"""(?:\bpost(?:_id)?[:=]\s*+|;|#msg|\bpid=)(?P<post>\d{1,12})""")
# NGA's smiley code, "[s:ac:blink]".
SMILEY = regex.compile(r"\[s:[^\[\]:\r\n]{1,20}:[^\[\]\r\n]{1,40}\]")
# Where a quote closes: "[/quote]".
QUOTE_END = regex.compile(r"(?i)\[/quote\]")


def find_tags(text: str) -> list[Span]:
    """BBCode tags other than a quote's opening that names someone (a header) and NGA smileys.

    >>> from threadclean.spans import remove_spans
    >>> text = "[b]bold[/b] [url=https://x.org]site[/url] [img]https://x.org/a.png[/img]"
    >>> remove_spans(text, find_tags(text))
    'bold site https://x.org/a.png'
    """
    return [Span(m.start(), m.end(), "markup") for m in TAG.finditer(text) if not _names_someone(m.group())]


def _names_someone(tag: str) -> bool:
    opening = QUOTE_OPEN.fullmatch(tag)
    args = opening["args"] if opening else None
    return bool(args and (_ARG_AUTHOR.search(args) or _ARG_POST.search(args)))


def find_smileys(text: str) -> list[Span]:
    """NGA smiley codes.

    >>> find_smileys("好[s:ac:blink]")[0].kind
    'smiley'
    """
    return [Span(m.start(), m.end(), "smiley") for m in SMILEY.finditer(text)]


def find_quote_openings(text: str) -> list[Span]:
    """Each ``[quote…]`` opening that names whom it quotes, as a quote header (a bare
    ``[quote]`` is markup).

    >>> [s.header for s in find_quote_openings('[quote="ann, post:3, topic:545"]x[/quote] [quote]y[/quote]')]
    [QuoteHeader(author='ann', time=None, post='3')]
    """
    out = []
    for m in QUOTE_OPEN.finditer(text):
        args = m["args"] or ""
        named = _ARG_AUTHOR.search(args)
        author = (named["author"] or named["author2"] or "").strip() if named else ""
        post = _ARG_POST.search(args)
        if author or post:
            header = QuoteHeader(author, None, post["post"] if post else None)
            out.append(Span(m.start(), m.end(), "quote-header", header))
    return out
