"""Quoting by lines, as mail, Usenet, Markdown and plain-text boards write it: a quoted line
opens with ``>`` (``>>`` a level deeper), and the line before the block says whose words they
are ("On … X wrote:", "X 写道:").

The ``>`` marks are noise (the quoted words stay, for the repeat finder to place); a block of
quoted lines after an attribution is one quote, whose header is the attribution. A block that
names no one is found, or not, as any unmarked copy is.
"""

from __future__ import annotations

import regex

from ..attributions import attribution
from ..spans import Span, spans_of

# The marks of a quoted line: "> ", ">> ", "> > ", ">".
QUOTE_MARK = regex.compile(r"(?m)^[ \t]{0,3}(?:>[ \t]?)++")
# A quoted line, whole.
_QUOTED = regex.compile(r"(?m)^[ \t]{0,3}>[^\r\n]*+(?:\r?\n|\r|\Z)")
# Where a block of quoted lines ends: after its last quoted line, where the next line that is
# not blank is not quoted (blank lines inside a block, as html2text writes them, do not end
# it). A copy never runs on past it.
QUOTE_END = regex.compile(
    r"(?m)(?<=^[ \t]{0,3}>[^\r\n]{0,100000}(?:\r?\n|\r))(?!(?:[ \t]*+(?:\r?\n|\r)){0,3}[ \t]{0,3}>)"
)
_BLANKS = regex.compile(r"(?:[ \t]*+(?:\r?\n|\r)){1,3}")
_LINE = regex.compile(r"[^\r\n]*+")
_BACK = 400  # how far before a block its attribution may stand (one or two lines, wrapped)


def find_quote_marks(text: str) -> list[Span]:
    """The ``>`` marks of quoted lines; the quoted words stay.

    >>> from threadclean.spans import remove_spans
    >>> text = "> Hi folks\\n>> older\\nreply"
    >>> remove_spans(text, find_quote_marks(text))
    'Hi folks\\nolder\\nreply'
    """
    return [s for s in spans_of(QUOTE_MARK, "quote-mark", text) if s.end > s.start]


def find_quote_blocks(text: str) -> list[Span]:
    """The header of every block of quoted lines that an attribution names: the line (or two
    wrapped lines) before it. A block that names no one has no header.

    >>> text = "Thanks.\\n\\nOn Tue, 1 Mar 2011, Ann <a@example.com> wrote:\\n> the question\\n\\nreply"
    >>> [(text[s.start:s.end], s.header.author) for s in find_quote_blocks(text)]
    [('On Tue, 1 Mar 2011, Ann <a@example.com> wrote:', 'Ann')]
    >>> find_quote_blocks("reply\\n> quoted\\n")
    []
    """
    out: list[Span] = []
    block_end = -1
    for line in _QUOTED.finditer(text):
        if line.start() < block_end:
            continue
        block_end = _block_end(text, line.start())
        named = _attribution_before(text, line.start())
        if named is not None:
            out.append(named)
    return out


def _block_end(text: str, at: int) -> int:
    """Where the block of quoted lines at ``at`` ends (blank lines inside it bridged)."""
    end = at
    for line in _QUOTED.finditer(text, at):
        gap = _BLANKS.match(text, end)
        if line.start() != end and not (gap and gap.end() == line.start()):
            break
        end = line.end()
    return end


def _attribution_before(text: str, at: int) -> Span | None:
    """The attribution on the one or two non-blank lines right before ``at`` (a line start)."""
    lo = max(0, at - _BACK)
    head = text[lo:at].rstrip(" \t\r\n")
    if not head:
        return None
    lines = head.splitlines(keepends=True)
    # the last line alone, then the last two (a client that wrapped "… <ann@x>\n wrote:")
    for count in (1, 2):
        if len(lines) < count:
            break
        stretch = "".join(lines[-count:])
        header = attribution(stretch)
        if header is not None:
            start = lo + len(head) - len(stretch)
            start += len(stretch) - len(stretch.lstrip())
            return Span(start, lo + len(head), "quote-header", header)
    return None
