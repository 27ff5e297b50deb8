"""What several engines share: posts between header lines, where an HTML quote box closes, and
a quote-header detector made from a pattern."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

from ...spans import Detector, QuoteHeader, Span
from . import Dump, PostSpan

# The end of an HTML quote box: the quote stops there, whatever the reply's first words are.
QUOTE_END = regex.compile(r"</blockquote>")

_SPACES = regex.compile(r"\s+")


def any_body(pattern: regex.Pattern[str]) -> Callable[[Sequence[str]], bool]:
    """A ``sniff_posts`` that is true when one body or more holds ``pattern``."""

    def sniff_posts(bodies: Sequence[str]) -> bool:
        return any(pattern.search(body, 0, 200_000) for body in bodies)

    return sniff_posts


def posts_between(text: str, heads: Sequence[regex.Match[str]], structure: Sequence[Span] = ()) -> Dump:
    """A dump whose posts each run from the end of a header match (with groups ``floor``,
    ``author`` and ``time``) to the start of the next; the headers are structure.

    >>> head = regex.compile(r"(?m)^#(?P<floor>\\d) (?P<author>\\w+) (?P<time>\\d\\d)\\n")
    >>> dump = posts_between("#1 ann 10\\nhi\\n#2 bob 11\\nyo", list(head.finditer("#1 ann 10\\nhi\\n#2 bob 11\\nyo")))
    >>> [(p.id, p.author, p.start, p.end) for p in dump.posts]
    [('1', 'ann', 10, 13), ('2', 'bob', 23, 25)]
    """
    posts, found = [], list(structure)
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        found.append(Span(head.start(), head.end(), "post-header"))
        posts.append(PostSpan(head["floor"], head.end(), end, head["author"].strip(), head["time"]))
    return Dump(posts, found)


def quote_headers(pattern: regex.Pattern[str]) -> Detector:
    """A detector of an engine's quote headers in body HTML: ``pattern`` names ``author`` and,
    where the page links the quoted post, ``post`` (its id on the page).

    >>> find = quote_headers(regex.compile(r"<cite>(?P<author>[^<]+) wrote:</cite>"))
    >>> [s.header for s in find("<cite>Ann  Lee wrote:</cite>")]
    [QuoteHeader(author='Ann Lee', time=None, post=None)]
    """

    def find_quote_headers(text: str) -> list[Span]:
        out = []
        for m in pattern.finditer(text):
            post = m["post"] if "post" in pattern.groupindex and m["post"] else None
            header = QuoteHeader(_SPACES.sub(" ", m["author"]).strip(), post=post)
            out.append(Span(m.start(), m.end(), "quote-header", header))
        return out

    return find_quote_headers
