"""Mailing-list and email replies: a message, then the message it answers behind ``>`` marks.

::

    Thanks, that works.

    On Tue, 1 Mar 2011 at 18:02, Ann Example <ann@example.com> wrote:
    > What is the best way to clear a bucket?

The reply is one post and the quoted message another, by the header's author; the ``>`` marks
and the header are structure. Headers in other languages ("2022年1月1日(金) 9:00 田中 <…>:")
and Outlook's "-----Original Message-----" block are read the same way.
"""

from __future__ import annotations

import regex

from ...spans import Span, spans_of
from . import Dump, Engine, PostSpan

# "On Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:", "On Mon, Apr 2, 2012 at 6:26 PM,
# Megan One <x@example.com> wrote:", "2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:".
HEADER = regex.compile(
    r"(?m)^(?:On (?P<when>[^\n]{4,160}?),[ \t]*+(?P<author>[^\n,<>]{1,80}?)(?:[ \t]*+<[^<>\n]{1,160}>)?[ \t]*+wrote:"
    r"|(?P<when2>\d{4}年\d{1,2}月\d{1,2}日\(.\) \d{1,2}:\d{2})[ \t]*+(?P<author2>[^\n<>]{1,80}?)"
    r"[ \t]*+<[^<>\n]{1,160}>:"
    r"|-{3,}[ \t]*+Original Message[ \t]*+-{3,})[ \t]*+$"
)
# Outlook's sender line inside the original-message block: "From: Ann Example [mailto:…]".
FROM = regex.compile(r"(?m)^\*?From:\*?[ \t]*+(?P<author>[^\n\[<]{1,80}?)[ \t]*+(?:\[|<|$)")
# The marks of a quoted line: "> ", ">> ", ">".
QUOTE_MARK = regex.compile(r"(?m)^(?:>[ \t]?)++")
_QUOTED_LINE = regex.compile(r"(?m)^>")


def find_quote_marks(text: str) -> list[Span]:
    """The ``>`` marks that open quoted lines; the quoted words stay.

    >>> from threadclean.spans import remove_spans
    >>> text = "> Hi folks\\n>> older\\nreply"
    >>> remove_spans(text, find_quote_marks(text))
    'Hi folks\\nolder\\nreply'
    """
    return spans_of(QUOTE_MARK, "quote-mark", text)


def sniff(text: str) -> bool:
    header = HEADER.search(text)
    return bool(header) and (bool(_QUOTED_LINE.search(text, header.end())) or "Original Message" in header.group())


def parse(text: str) -> Dump:
    """The reply above the first header, and each quoted message after a header."""
    heads = list(HEADER.finditer(text))
    posts = []
    structure = []
    if heads and heads[0].start() > 0:
        posts.append(PostSpan("1", 0, heads[0].start()))
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        author = head["author"] or head["author2"]
        if author is None:  # Outlook: the sender is on the From: line below
            sender = FROM.search(text, head.end(), end)
            author = sender["author"] if sender else None
        structure.append(Span(head.start(), head.end(), "post-header"))
        posts.append(PostSpan(str(len(posts) + 1), head.end(), end, author.strip() if author else None,
                              head["when"] or head["when2"]))
    return Dump(posts, structure)


ENGINE = Engine("email", sniff, parse, {"quote-mark": find_quote_marks}, dialect="text")
