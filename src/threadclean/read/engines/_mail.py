"""What every reader of mail finds in a message's words: the ``-- `` signature, Mailman's notes
of the parts it scrubbed, and the footer a list adds to each message."""

from __future__ import annotations

import regex

from ...spans import Span, spans_of

# The signature: a line of "-- " (the standard mark; "--" as clients trim it), then the lines
# after it, up to the end of the message, a rule, a quoted line or 40 lines.
SIGNATURE_MARK = regex.compile(r"(?m)^--[ \t]?\r?$")
_SIGNATURE_STOP = regex.compile(r"(?m)^(?:-{10,}|_{10,}|>|Message:[ \t]*+\d)")
_SIGNATURE_LINES = 40

# Mailman's note where it took a part out of a message: "-------------- next part --------------"
# then "An HTML attachment was scrubbed..." or "A non-text attachment was scrubbed...", with
# "Name: signature.asc", "Type: …", "Size: 488 bytes", "Desc: …", "URL: <…>" lines.
SCRUBBED = regex.compile(
    r"(?m)^-{5,}[ \t]*+next part[ \t]*+-{5,}[ \t]*+(?:\r?\n|\Z)"
    r"(?:(?:An?[ \t][^\r\n]{1,80}?was scrubbed\.\.\.|(?:Name|Type|Size|Desc|URL|Url|Filename):[^\r\n]*+)"
    r"[ \t]*+(?:\r?\n|\Z))*+"
)
# A list's footer in each message: the rule of underscores, "bitcoin-dev mailing list", the
# list's address (pipermail writes "bitcoin-dev at lists.example.org") and its page
# ("https://lists.example.org/mailman/listinfo/bitcoin-dev").
LIST_FOOTER = regex.compile(
    r"(?m)^_{20,}[ \t]*+\r?\n[^\r\n]{1,120}mailing list[ \t]*+\r?\n(?:[^\r\n]{0,300}(?:@|[ \t]at[ \t]|listinfo|https?://)"
    r"[^\r\n]{0,300}(?:\r?\n|\Z)){0,4}"
)


def find_signatures(text: str) -> list[Span]:
    """The ``-- `` signature, to the end of the message (or a rule, or a quoted line).

    >>> from threadclean.spans import remove_spans
    >>> text = "Thanks.\\n-- \\nAnn Example\\nExample Labs\\n-------------- next part --------------\\n"
    >>> remove_spans(text, find_signatures(text))
    'Thanks.\\n-------------- next part --------------\\n'
    """
    out = []
    for mark in SIGNATURE_MARK.finditer(text):
        end, lines = mark.end(), 0
        while end < len(text) and lines < _SIGNATURE_LINES:
            line_start = end + 1 if text.startswith("\n", end) else end
            if _SIGNATURE_STOP.match(text, line_start):
                break
            line_end = text.find("\n", line_start)
            end, lines = (len(text) if line_end < 0 else line_end), lines + 1
        if end < len(text) and text.startswith("\n", end):
            end += 1
        out.append(Span(mark.start(), end, "signature"))
    return out


def find_scrubbed_parts(text: str) -> list[Span]:
    """Mailman's notes of the parts it took out of a message.

    >>> from threadclean.spans import remove_spans
    >>> text = "Bye.\\n-------------- next part --------------\\nAn HTML attachment was scrubbed...\\nURL: <x>\\n"
    >>> remove_spans(text, find_scrubbed_parts(text))
    'Bye.\\n'
    """
    return spans_of(SCRUBBED, "attachment", text)


def find_list_footers(text: str) -> list[Span]:
    """The footer a list adds to each message.

    >>> text = "Bye.\\n" + "_" * 30 + "\\nann-dev mailing list\\nann-dev@example.org\\nhttps://x/listinfo/ann-dev\\n"
    >>> [text[s.start:s.end].splitlines()[1] for s in find_list_footers(text)]
    ['ann-dev mailing list']
    """
    return spans_of(LIST_FOOTER, "boilerplate", text)


DETECTORS = {"signature": find_signatures, "attachment": find_scrubbed_parts, "boilerplate": find_list_footers}
