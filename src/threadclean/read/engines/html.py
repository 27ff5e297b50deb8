"""The HTML parser the page engines share.

A page engine reads a page into posts whose ``text`` is each body's inner HTML as the parser
(selectolax, lexbor backend) serialises it; the html dialect (threadclean.strip.html) then finds
the markup in it.
"""

from __future__ import annotations

from typing import Any

from ...errors import MissingDependency


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
