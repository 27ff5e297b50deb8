"""phpBB 3.0-3.3: topic pages as saved from the browser (or by a site copier), and the print view.

A topic page's post is a ``<div id="p123" class="post">``: its words in ``div.content``, its
author in ``.username`` and its time after the "»" of its ``p.author`` line. The print view
(``viewtopic.php?…&view=print``) has no ids: each ``<div class="post">`` holds a title, "Posted:
<strong>T</strong>", "by <strong>X</strong>" and ``div.content``; it is read as a dump, so that
offsets index the saved file itself.

A quote is ``<blockquote><div><cite>X wrote:</cite>…`` (3.0), or in 3.1+
``<blockquote cite="./viewtopic.php?p=123#p123"><div><cite><a …>X</a> wrote: <a … data-post-id="123">↑</a>
<div class="responsive-hide">T</div></cite>…``, which links the quoted post. A code box carries
"Code: Select all", chrome.
"""

from __future__ import annotations

from typing import Any

import regex

from ...spans import QuoteHeader, Span, spans_of
from . import Dump, Engine, Page, PagePost, PostSpan
from . import html as h
from ._common import QUOTE_END, any_body

# A quote's header, both forms, with the quoted post where it is linked:
#   '<cite>dbenham wrote:</cite>', '<cite><a href="memberlist…">Squashman</a> wrote: <a href="…#p56895"
#   data-post-id="56895" …>↑</a><div class="responsive-hide">23 May 2018 06:54</div></cite>'
QUOTE_HEADER = regex.compile(
    r"<cite>(?:<a\s[^<>]{0,400}>)?(?P<author>[^<>\n]{1,80}?)(?:</a>)?\s{0,4}"
    r"(?:wrote|hat geschrieben|a écrit|escribió|ha scritto|schreef|написал(?:\(а\))?|写道):"
    r"(?:\s{0,4}<a\s[^<>]{0,400}?data-post-id=\"(?P<post>\d{1,12})\"[^<>]{0,400}>[^<>]{0,8}</a>)?"
    r"(?:\s{0,4}<div class=\"responsive-hide\">(?P<time>[^<>]{1,60})</div>)?\s{0,4}(?:</cite>)?"
)
# The chrome of a code box: '<p>Code: <a href="#" onclick="selectCode(this); return false;">Select all</a></p>'.
CODE_CHROME = regex.compile(
    r"<p>(?:Code|Kode|Código|Code \(\w{1,20}\)):\s{0,4}<a\s[^<>]{0,300}>[^<>]{1,40}</a>\s{0,4}</p>"
)
# The print view's post: its title, time and author, up to where its words begin.
PRINT_POST = regex.compile(
    r"<div class=\"post\">\s{0,40}<h3>[^<>]{0,400}</h3>\s{0,40}<div class=\"date\">[^<>]{0,40}<strong>"
    r"(?P<time>[^<>]{1,60})</strong></div>\s{0,40}<div class=\"author\">[^<>]{0,20}<strong>(?P<author>[^<>]{1,80})"
    r"</strong></div>\s{0,40}<div class=\"content\">"
)
_DIV = regex.compile(r"(?i)<(/?)div\b")
_TIME_AFTER = regex.compile(r"»\s*(?P<time>[^<>»]{4,60}?)\s*$")


def find_quote_headers(text: str) -> list[Span]:
    """phpBB quote headers: the cite, with the author, the linked post and the time.

    >>> html = '<blockquote><div><cite><a href="m.html">Squashman</a> wrote: <a href="v.html#p7" data-post-id="7">↑</a>'
    >>> html += '<div class="responsive-hide">23 May 2018 06:54</div></cite>words'
    >>> [s.header for s in find_quote_headers(html)]
    [QuoteHeader(author='Squashman', time='23 May 2018 06:54', post='7')]
    >>> [s.header.author for s in find_quote_headers("<blockquote><div><cite>dbenham wrote:</cite>x")]
    ['dbenham']
    """
    out = []
    for m in QUOTE_HEADER.finditer(text):
        time = m["time"].strip() if m["time"] else None
        out.append(Span(m.start(), m.end(), "quote-header", QuoteHeader(m["author"].strip(), time, m["post"])))
    return out


def find_code_chrome(text: str) -> list[Span]:
    """The "Code: Select all" line of a code box.

    >>> find_code_chrome('<div class="codebox"><p>Code: <a href="#" onclick="x">Select all</a></p><pre>')[0].kind
    'chrome'
    """
    return spans_of(CODE_CHROME, "chrome", text)


def sniff_page(text: str) -> bool:
    head = text[:800_000]
    return 'class="postbody"' in head and ('id="phpbb"' in head or "viewtopic" in head or "phpBB" in head)


def sniff_print(text: str) -> bool:
    head = text[:800_000]
    return 'class="postbody"' not in head and ('id="phpbb"' in head or "viewtopic" in head) and \
        PRINT_POST.search(head) is not None


def parse_page(text: str) -> Page:
    """A topic page's posts: id, author, time and the body as the parser writes it."""
    tree = h.parser(text)
    posts: dict[str, PagePost] = {}
    for node in tree.css("div.post"):
        pid = (node.attributes.get("id") or "")[1:]
        content = node.css_first("div.content")
        if not pid.isdigit() or content is None or pid in posts:
            continue
        posts[pid] = PagePost(pid, content.inner_html or "", _author(node), _time(node))
    return Page(list(posts.values()), h.text_of(tree.css_first("title")))


def _author(node: Any) -> str | None:
    for selector in ("p.author .username", "p.author a.username-coloured", ".postprofile .username",
                     ".postprofile a.username-coloured", ".username", ".username-coloured"):
        found = node.css_first(selector)
        if found is not None and found.text(strip=True):
            return str(found.text(strip=True))
    return None


def _time(node: Any) -> str | None:
    """The post's time: a ``<time datetime>`` (3.2+), or the text after "»" on its author line."""
    found = node.css_first("p.author time")
    if found is not None:
        return found.attributes.get("datetime") or found.text(strip=True) or None
    line = node.css_first("p.author")
    m = _TIME_AFTER.search(line.text(strip=False).strip()) if line is not None else None
    return m["time"] if m else None


def parse_print(text: str) -> Dump:
    """The print view's posts as spans of the file: each ``div.content``, its header structure."""
    posts, structure = [], []
    first = None
    for n, m in enumerate(PRINT_POST.finditer(text), 1):
        first = m.start() if first is None else first
        end = _closing_div(text, m.end())
        structure.append(Span(m.start(), m.end(), "post-header"))
        posts.append(PostSpan(str(n), m.end(), end, m["author"].strip(), m["time"].strip()))
    if first:
        structure.insert(0, Span(0, first, "chrome"))
    return Dump(posts, structure)


def _closing_div(text: str, at: int) -> int:
    """Where the ``div`` opened just before ``at`` closes (nested ``div``s counted)."""
    depth = 1
    for m in _DIV.finditer(text, at):
        depth += -1 if m[1] else 1
        if depth == 0:
            return m.start()
    return len(text)


_BODY = regex.compile(r"<blockquote[^<>]{0,400}><div><cite>|<div class=\"codebox\"><p>Code:")
_DETECTORS = {"quote-header": find_quote_headers, "chrome": find_code_chrome}

PAGE = Engine("phpbb-html", sniff_page, parse_page, _DETECTORS, QUOTE_END, any_body(_BODY), "html")
PRINT = Engine("phpbb-print", sniff_print, parse_print, _DETECTORS, QUOTE_END, None, "html")
ENGINES = (PAGE, PRINT)
