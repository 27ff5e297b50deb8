"""The HTML parser the page engines share.

A page engine reads a page into posts whose ``text`` is each body's inner HTML as the parser
(selectolax, lexbor backend) serialises it; the html dialect (threadclean.strip.html) then finds
the markup in it.
"""

from __future__ import annotations

from typing import Any

import regex

from ...errors import MissingDependency

# Deeper than this, elements are dropped before parsing (their text stays): lexbor has no depth
# limit and takes quadratic time past a few thousand (100,000 nested quote boxes: 212 s), where
# Chromium stops nesting at 512. No real page comes near: a thread's quote boxes nest a few deep.
MAX_DEPTH = 1000

# A start or end tag: "<div class=x>", "</blockquote>", "<br/>" (possessive: one pass over a page).
_TAG = regex.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*+)[^<>]*+>")
# Elements that never hold others, or whose end tag may be left out: they add no depth.
_NO_DEPTH = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup",
    "caption", "rt", "rp", "html", "head", "body",
})


def parser(text: str) -> Any:
    """The page parsed by selectolax (lexbor), or a clear error when it is not installed."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        raise MissingDependency("selectolax", "html", "reading HTML pages") from None
    return LexborHTMLParser(flattened(text))


def flattened(text: str, *, max_depth: int = MAX_DEPTH) -> str:
    """``text`` with the tags nested deeper than ``max_depth`` taken out (their text kept), so the
    parser's work stays linear; a page within the depth comes back as it is.

    >>> flattened("<div><div><div>x</div></div></div>", max_depth=2)
    '<div><div>x</div></div>'
    """
    depth, cuts = 0, []
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _NO_DEPTH or m.group().endswith("/>"):
            continue
        if m.group(1):  # an end tag: dropped where its start tag was
            if depth > max_depth:
                cuts.append(m.span())
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > max_depth:
                cuts.append(m.span())
    if not cuts:
        return text
    pieces, at = [], 0
    for a, b in cuts:
        pieces.append(text[at:a])
        at = b
    pieces.append(text[at:])
    return "".join(pieces)


def text_of(node: Any) -> str | None:
    """A node's text, stripped, or None for no node."""
    return node.text(strip=True) if node is not None else None
