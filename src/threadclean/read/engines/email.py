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

from typing import NamedTuple

import regex

from ...attributions import attribution
from ...spans import Span, keep_disjoint, remove_spans, spans_of
from . import Dump, Engine, PostSpan
from ._mail import DETECTORS

# A line that may be an attribution ("On Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:",
# "On May 30, 2020, 4:15 PM XYZ xyz@example.com wrote:", "Le dim. 11 juin 2023 à 20:26, X a écrit :",
# "2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:"); attributions.attribution says whether it is one.
_CANDIDATE = regex.compile(
    r"(?m)^[ \t]*+(?:(?:On|Le|Am|El|Il giorno|Em|Op|W dniu|В)[ \t]|\d{4}年)[^\r\n]{4,240}?[:：][ \t]*+$"
)
# Outlook's blocks: "-----Original Message-----" (the sender on the From: line below), and
# "*From:* Ann [mailto:…]" / "*Sent:* Thursday, February 09, 2012 1:36 PM" / "*To:*" / "*Subject:*",
# with the rule above it where the client drew one.
ORIGINAL = regex.compile(r"(?m)^[ \t]*+-{3,}[ \t]*+Original Message[ \t]*+-{3,}[ \t]*+$")
OUTLOOK = regex.compile(
    r"(?m)^(?:[ \t]*+[-_]{10,}[ \t]*+\r?\n(?:[ \t]*+\r?\n){0,3})?"
    r"[ \t]*+\*?From:\*?[ \t]*+(?P<author>[^\r\n\[<]{1,80}?)[ \t]*+"
    r"(?:\[mailto:[^\]\r\n]{0,160}\]|<[^<>\r\n]{0,160}>)?[ \t]*+\r?\n"
    r"[ \t]*+\*?(?:Sent|Date):\*?[ \t]*+(?P<when>[^\r\n]{4,80}?)[ \t]*+\r?\n"
    r"(?:[ \t]*+\*?(?:To|Cc|Subject):\*?[^\r\n]*+(?:\r?\n|\Z)){1,4}"
)
# Outlook's sender line inside the original-message block: "From: Ann Example [mailto:…]".
FROM = regex.compile(r"(?m)^\*?From:\*?[ \t]*+(?P<author>[^\n\[<]{1,80}?)[ \t]*+(?:\[|<|$)")
# The marks of a quoted line: "> ", ">> ", ">".
QUOTE_MARK = regex.compile(r"(?m)^(?:>[ \t]?)++")
_QUOTED_LINE = regex.compile(r"(?m)^>")
# The quoted lines right after a header, blank lines among them.
_QUOTED_BLOCK = regex.compile(r"[ \t]*+\r?\n(?:[ \t]*+(?:>[^\r\n]*+)?(?:\r?\n|\Z))*+")


def find_quote_marks(text: str) -> list[Span]:
    """The ``>`` marks that open quoted lines; the quoted words stay.

    >>> from threadclean.spans import remove_spans
    >>> text = "> Hi folks\\n>> older\\nreply"
    >>> remove_spans(text, find_quote_marks(text))
    'Hi folks\\nolder\\nreply'
    """
    return spans_of(QUOTE_MARK, "quote-mark", text)


class _Head(NamedTuple):
    start: int
    end: int
    author: str | None
    when: str | None
    outlook: bool  # an Outlook block, which quotes with no ">" marks


def _heads(text: str) -> list[_Head]:
    """The attributions and Outlook blocks that open quoted messages, in order."""
    found = []
    for m in _CANDIDATE.finditer(text):
        header = attribution(m.group())
        if header is not None:
            found.append(_Head(m.start() + len(m.group()) - len(m.group().lstrip()), m.end(), header.author,
                               header.time, False))
    for m in ORIGINAL.finditer(text):
        sender = FROM.search(text, m.end(), m.end() + 400)
        found.append(_Head(m.start(), m.end(), sender["author"].strip() if sender else None, None, True))
    for m in OUTLOOK.finditer(text):
        if not any(h.start <= m.start() < h.end + 400 and h.outlook for h in found):
            found.append(_Head(m.start(), m.end(), m["author"].strip(), m["when"], True))
    found.sort()
    return [h for i, h in enumerate(found) if i == 0 or h.start >= found[i - 1].end]


def sniff(text: str) -> bool:
    heads = _heads(text[:400_000])
    if not heads:
        return False
    first = heads[0]
    return first.outlook or bool(_QUOTED_LINE.search(text, first.end)) or (
        len(heads) > 1 and all(not h.outlook for h in heads))


def _interleaved(text: str, head_end: int, end: int) -> bool:
    """Whether the replier wrote between the quoted lines after a header: words at the top level
    after the quoted block (a signature or a list footer aside)."""
    block = _QUOTED_BLOCK.match(text, head_end, end)
    if block is None or not block.group().strip():
        return False
    rest = text[block.end() : end]
    noise = [s for detector in DETECTORS.values() for s in detector(rest)]
    return bool(remove_spans(rest, keep_disjoint(noise)).strip())


def parse(text: str) -> Dump:
    """The reply above the first header, and each quoted message after a header; where the
    replier answered between the quoted lines, the message is one post (its quotes found in it)."""
    heads = _heads(text)
    if heads and _interleaved(text, heads[0].end, heads[1].start if len(heads) > 1 else len(text)):
        return Dump([PostSpan("1", 0, len(text))], [])
    posts = []
    structure = []
    if heads and heads[0].start > 0:
        posts.append(PostSpan("1", 0, heads[0].start))
    for i, head in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else len(text)
        structure.append(Span(head.start, head.end, "post-header"))
        posts.append(PostSpan(str(len(posts) + 1), head.end, end, head.author, head.when))
    return Dump(posts, structure)


ENGINE = Engine("email", sniff, parse, {"quote-mark": find_quote_marks, **DETECTORS}, dialect="text")
