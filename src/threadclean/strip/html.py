"""The HTML dialect: what a post body written in HTML holds besides its words, wherever the body
came from (a saved page, a Markdown export that kept the HTML, a scraper's JSON).

Tags are markup, except a content image, which is part of what was posted and stays; a
smiley or an avatar image is noise; ``<script>`` and ``<style>`` go element and all; a
line-break tag reads as a line break. Entities are not noise: the text reads each as its
character, and the result lists them as ``replaced``. A quote box (``<blockquote>``,
``<aside class="quote">``, ``<div class="quote">``) is a quote: its header is the attribution
at its top ("X wrote:", "X said:", a Discourse title "X:", a ``data-username``). A box that names
no one is only markup: its words are found, or not, as any unmarked copy is.
"""

from __future__ import annotations

import html as std_html
from functools import lru_cache

import regex

from ..attributions import attribution
from ..spans import QuoteHeader, Span, spans_of

# A tag: "<br />", "<div class=\"quote\">", "</blockquote>", "<img src=... smilieid=\"1\">",
# "<!-- comment -->". Attributes are bounded but long (a data URI in a src runs to kilobytes).
TAG = regex.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9-]{0,15}+(?:\s[^<>]{0,100000}+)?/?|!--[^>]{0,100000}?--|![A-Za-z][^<>]{0,400})>"
)

# An entity: "&amp;", "&lt;", "&#39;", "&#x27;", "&nbsp;" (which reads as a space).
ENTITY = regex.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")

# Elements whose body is never words: scripts, styles, templates ("<script>var a = 1;</script>").
SCRIPT = regex.compile(r"(?si)<(script|style|template|noscript)\b[^<>]{0,10000}+>.{0,1000000}?</\1\s*+>")

# An image that is no content: a smiley or emoji ("smilieid", "/smilies/", "/smiley/",
# 'class="emoji"', XenForo's sprite 'class="smilie smilie--sprite"', "/emoticons/"), or an
# avatar ('class="avatar"', "/user_avatar/", gravatar).
SMILEY_IMG = regex.compile(
    r"<img\s[^<>]{0,4000}?(?:smilieid=|/smil(?:ey|ies?)/|/smile/|/emoji/|/emoticons?/"
    r"|class=\"[^\"<>]{0,80}\b(?:emoji|smilie|smiley)\b)[^<>]{0,4000}>"
)
# The image a Discuz quote header links to the quoted post with, as a tag:
# '<img src="https://bbs.example/images/common/back.gif" border="0" onclick="zoom(this, this.src)">'.
QUOTE_LINK_IMG = regex.compile(r"<img\s[^<>]{0,4000}?[/\"'](?:static/image|images)/common/back\.gif[^<>]{0,4000}>")
# The board's own icons and buttons, from its theme's image folders or marked inline:
# '<img class="inlineimg" src="…/images/ppc10/buttons/viewpost-right.png" alt="Beitrag anzeigen">',
# '<img src="…/images/ppc10/misc/quote_icon.png" alt="Zitat">', '<img src="styles/x/imageset/icon_post_target.gif">'.
CHROME_IMG = regex.compile(
    r"<img\s[^<>]{0,4000}?(?:/images/(?:[\w.-]{1,40}/){0,2}(?:buttons?|misc|statusicon|icons?|common|reputation)/"
    r"|/imageset/|\bclass=\"inlineimg\")[^<>]{0,4000}>"
)
AVATAR_IMG = regex.compile(r"<img\s[^<>]{0,4000}?(?:\bavatar\b|/user_avatar/|gravatar\.com)[^<>]{0,4000}>")
IMG = regex.compile(r"<img\s[^<>]{0,8000}>")

# Jammer the page hides from readers (Discuz X): <font class="jammer">7 @/ A5 |, [</font>,
# <span style="display:none">8 f! W5 a( @0 d* a</span>. The element is a leaf: no tag inside.
HIDDEN = regex.compile(
    r"<font\s[^<>]{0,200}?class=\"jammer\"[^<>]{0,200}>[^<]{0,400}</font>"
    r"|<span\s[^<>]{0,200}?style=\"display:\s?none;?\"[^<>]{0,200}>[^<]{0,400}</span>"
)

# Tags after which the text goes on on a new line: "<br>", "</p>", "</div>", "</li>", "</h2>".
_BREAKS = regex.compile(r"(?i)<br\b|</(?:p|div|li|h[1-6]|tr|pre|blockquote|aside|table|ul|ol|dd|dt)\b")

# The opening of a quote box: "<blockquote>", '<aside class="quote no-group" data-username="X"',
# '<div class="quote">', '<div class="bbcode_quote">'; not the parts inside one
# ('class="quote-controls"', 'class="quoteheader"').
QUOTE_BOX = regex.compile(
    r"(?i)<blockquote\b[^<>]{0,4000}>"
    r"|<(?:aside|div)\s[^<>]{0,400}?class=\"(?:[^\"<>]{0,80}\s)?(?:quote|bbcode_quote|bbc-block|quotecontent)(?:\s[^\"<>]{0,80})?\"[^<>]{0,4000}>"
)
# Where a quote box closes: the quote stops there, whatever the reply's first words are.
QUOTE_END = regex.compile(r"(?i)</blockquote\s*+>")
_ATTR = regex.compile(
    r"""(?i)\b(?P<name>data-username|data-author|data-quote|data-post|data-post-id|data-source|cite|data-full)"""
    r"""\s*=\s*"(?P<value>[^"<>]{0,400})\""""
)
_POST_IN = regex.compile(r"(?:#p|[?&]p=|#post|postid=|post[:=] ?|pid=)(?P<post>\d{1,12})")
_LEADING = 600  # characters of a quote box read for its attribution
_WORDS = regex.compile(r"\S")


def find_markup(text: str) -> list[Span]:
    """Tags (not content images), and script or style elements whole; a line-break tag reads as
    a line break where none follows it.

    >>> from threadclean.spans import remove_spans
    >>> text = '<p>Hi <a href="/u/ann">@ann</a></p><script>x()</script><img src="cat.jpg">'
    >>> [(text[s.start:s.end], s.replacement) for s in find_markup(text)][:4]
    [('<p>', None), ('<a href="/u/ann">', None), ('</a>', None), ('</p>', '\\n')]
    >>> remove_spans(text, find_markup(text))
    'Hi @ann<img src="cat.jpg">'
    """
    out: list[Span] = []
    scripts = spans_of(SCRIPT, "markup", text)
    out += scripts
    taken = [(s.start, s.end) for s in scripts]
    ti = 0
    for m in TAG.finditer(text):
        while ti < len(taken) and taken[ti][1] <= m.start():
            ti += 1
        if ti < len(taken) and taken[ti][0] <= m.start() < taken[ti][1]:
            continue  # inside a script, taken whole
        tag = m.group()
        if tag[:4].lower() == "<img":
            if SMILEY_IMG.fullmatch(tag) or QUOTE_LINK_IMG.fullmatch(tag):
                continue  # a smiley or a quote's link image: a detector of its own
            if not (AVATAR_IMG.fullmatch(tag) or CHROME_IMG.fullmatch(tag)):
                continue  # a content image is what was posted
        breaks = _BREAKS.match(tag) is not None and not text.startswith("\n", m.end())
        out.append(Span(m.start(), m.end(), "markup", replacement="\n" if breaks else None))
    return sorted(out)


def find_entities(text: str) -> list[Span]:
    """Entities, each read as the character it stands for (``&amp;`` as ``&``, ``&nbsp;`` as a
    space): not removed, read, while offsets still index the raw text. An unknown name stays.

    >>> [(s.start, s.replacement) for s in find_entities("L &amp; R &#39;x&#39; &bogus; a&nbsp;b")]
    [(2, '&'), (10, "'"), (16, "'"), (31, ' ')]
    """
    out = []
    for m in ENTITY.finditer(text):
        char = " " if m.group() == "&nbsp;" else std_html.unescape(m.group())
        if char != m.group() and len(char) <= len(m.group()) and char.isprintable():
            out.append(Span(m.start(), m.end(), "entity", replacement=char))
    return out


def find_quote_link_images(text: str) -> list[Span]:
    """The ``back.gif`` image after a Discuz quote header, the whole tag.

    >>> find_quote_link_images('发表 <a href="x"><img src="static/image/common/back.gif" border="0"></a>')
    [Span(start=15, end=66, kind='quote-image', header=None, replacement=None)]
    """
    return spans_of(QUOTE_LINK_IMG, "quote-image", text)


def find_smiley_images(text: str) -> list[Span]:
    """Smiley and emoji images (a content image stays).

    >>> find_smiley_images('好<img src="https://static.example/image/smiley/face2017/001.png">')[0].kind
    'smiley'
    """
    return spans_of(SMILEY_IMG, "smiley", text)


def find_hidden_jammer(text: str) -> list[Span]:
    """Jammer strings the page hides with a class or a style, element and all.

    >>> from threadclean.spans import remove_spans
    >>> text = '好<font class="jammer">7 @/ A5 |, [</font><br />'
    >>> remove_spans(text, find_hidden_jammer(text))
    '好<br />'
    """
    return spans_of(HIDDEN, "jammer", text)


def find_quote_boxes(text: str) -> list[Span]:
    """The header of every quote box that names whom it quotes: its attribution ("X wrote:", a
    title "X:"), or its opening tag where only its attributes name them (``data-username``, a
    ``cite`` link to the post). A box inside another box's top (a Discourse ``<aside>`` and its
    ``<blockquote>``) is the same quote; a box that names no one has no header.

    >>> html = '<aside class="quote" data-username="ann" data-post="3"><div class="title">ann:</div>'
    >>> html += '<blockquote><p>words</p></blockquote></aside><blockquote>unnamed</blockquote>'
    >>> [(html[s.start:s.end], s.header) for s in find_quote_boxes(html)]
    [('ann:', QuoteHeader(author='ann', time=None, post='3'))]
    """
    out: list[Span] = []
    last_text = -1  # where the words of the last box began: a box before them is part of it
    for box in QUOTE_BOX.finditer(text):
        attrs = {m["name"].lower(): std_html.unescape(m["value"]) for m in _ATTR.finditer(box.group())}
        if box.start() < last_text and not (attrs.keys() & {"data-username", "data-author", "data-quote"}):
            continue  # the top of the box before it (its <blockquote>); a box naming its own author is a quote inside
        title, first = _leading_text(text, box.end())
        header = attribution(title[2], titled=True) if title else None
        author = attrs.get("data-username") or attrs.get("data-author") or attrs.get("data-quote")
        post = _linked_post(attrs)
        if header is not None and title is not None:
            named = QuoteHeader(author or header.author, header.time, post)
            out.append(Span(title[0], title[1], "quote-header", named))
            last_text = _after_words(text, title[1])
        else:
            # a box's title that names no one is Discourse's link to the topic quoted, another
            # topic: the title is the header's, and the box's post number is that topic's
            title_div = _TITLE_DIV.search(text, box.end(), title[0]) if title is not None else None
            end = _element_end(text, title_div) if title_div is not None else box.end()
            if title_div is not None:
                post = None
                avatar = _AVATAR_NAME.search(text, title_div.end(), end)
                author = author or (avatar["name"] if avatar else None)
            if author or post or title_div is not None:
                out.append(Span(box.start(), end, "quote-header", QuoteHeader(author or "", None, post)))
            last_text = _after_words(text, end) if title_div is not None else first
    return out


_BOX_REACH = 6000  # how far before a quote header its box may open (chrome, attributes, avatars)
_BOX_SCAN = 400_000  # how far after it its close is looked for: a box left open is no box
_NAME = regex.compile(r"<([A-Za-z][A-Za-z0-9]{0,15})")


@lru_cache(maxsize=32)
def _tags_named(name: str) -> regex.Pattern[str]:
    """The opening and closing tags of one element ("<div …>", "</div>"), compiled once a name."""
    return regex.compile(rf"(?i)<(/?){regex.escape(name)}\b[^<>]{{0,4000}}>")


def quote_box_end(text: str, at: int, end: int) -> int | None:
    """Where the quote box open at ``at`` closes (the start of its closing tag, before ``end``),
    counting the nesting of its element; None where no box is open there. A box of ``<div>``s
    (vBulletin's ``bbcode_container``) closes where its own ``</div>`` stands, not at the next
    ``</blockquote>`` (the post's own wrapper).

    >>> html = '<div class="bbcode_quote"><div class="message">quoted</div></div>reply</blockquote>'
    >>> html[:quote_box_end(html, 45, len(html))]
    '<div class="bbcode_quote"><div class="message">quoted</div>'
    """
    boxes = list(QUOTE_BOX.finditer(text, max(0, at - _BOX_REACH), at))
    for box in reversed(boxes[-4:]):  # the innermost box first; one closed before ``at`` is not it
        name = _NAME.match(box.group())
        if name is None:
            continue
        depth = 1
        for m in _tags_named(name[1].lower()).finditer(text, box.end(), min(end, at + _BOX_SCAN)):
            depth += -1 if m[1] else 1
            if depth == 0:
                if m.start() >= at:
                    return m.start()
                break
    return None


# The title bar of a Discourse quote box: '<div class="title">', and the name in its avatar's
# address: 'src="https://cdn.example/user_avatar/forum.example.org/lassoan/48/13_2.png"'.
_TITLE_DIV = regex.compile(r"<div class=\"title\">")
_AVATAR_NAME = regex.compile(r"/user_avatar/[^/\"<>\s]{1,200}/(?P<name>[^/\"<>\s]{1,80})/\d{1,4}/")


def _element_end(text: str, opening: regex.Match[str]) -> int:
    """Where the element an opening tag opens ends (after its closing tag), counting nesting;
    the opening tag's end where it never closes."""
    name = _NAME.match(opening.group())
    depth = 1
    if name is not None:
        for m in _tags_named(name[1].lower()).finditer(text, opening.end(), opening.end() + _BOX_REACH):
            depth += -1 if m[1] else 1
            if depth == 0:
                return m.end()
    return opening.end()


def _linked_post(attrs: dict[str, str]) -> str | None:
    """The post a quote box's attributes link: ``data-post="3"``, ``data-source="post: 12"``,
    ``cite="./viewtopic.php?p=48390#p48390"``."""
    for name in ("data-post", "data-post-id", "data-source", "cite"):
        value = attrs.get(name)
        if value:
            m = _POST_IN.search("#p" + value if value.isdigit() else value)
            if m:
                return m["post"]
    return None


def _leading_text(text: str, at: int) -> tuple[tuple[int, int, str] | None, int]:
    """The first stretch of visible text after ``at`` (over tags and white space) when it is
    short and ends where a line or a block does (an attribution's place), and where the
    first visible text after ``at`` starts."""
    end = min(len(text), at + _LEADING)
    i = at
    while i < end:
        if text[i] == "<":
            tag = TAG.match(text, i)
            if tag is None:
                break
            i = tag.end()
        elif text[i].isspace():
            i += 1
        else:
            break
    first = i
    stop = text.find("<", first, end)
    line = text.find("\n", first, end)
    cut = min(x for x in (stop, line, end) if x >= 0)
    stretch = text[first:cut]
    if not stretch.strip() or len(stretch) > 240:
        return None, first
    return (first, first + len(stretch.rstrip()), stretch), first


def _after_words(text: str, at: int) -> int:
    """Where the next visible words after ``at`` begin (over tags and white space)."""
    return _leading_text(text, at)[1]
