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
# (``\K`` puts the match after the line without a lookbehind tried at every character.)
QUOTE_END = regex.compile(
    r"(?m)^[ \t]{0,3}>[^\r\n]{0,100000}+(?:\r?\n|\r)\K(?!(?:[ \t]*+(?:\r?\n|\r)){0,3}[ \t]{0,3}>)"
)
_BLANKS = regex.compile(r"(?:[ \t]*+(?:\r?\n|\r)){1,3}")
# The rule some clients put above the attribution: "------- Original Message -------"
# (ProtonMail), "-----Original Message-----" (Outlook), quoted or not, right before it.
_ORIGINAL = regex.compile(
    r"(?im)^(?:[ \t]{0,3}(?:>[ \t]?)*+)(?P<rule>-{3,}[ \t]*+(?:Original Message|Forwarded message)[ \t]*+-{3,})[ \t]*+"
    r"\r?\n(?:[ \t]{0,3}(?:>[ \t]?)*+)\Z"
)
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

    An attribution inside a quote, before the lines it quotes a level deeper, is a header too:

    >>> text = "> On Sun, Jun 11, 2023, Dave <d@example.com> wrote:\\n>\\n>> older words\\n> newer\\n"
    >>> [(text[s.start:s.end], s.header.author) for s in find_quote_blocks(text)]
    [('On Sun, Jun 11, 2023, Dave <d@example.com> wrote:', 'Dave')]
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
    out += _nested_attributions(text)
    return sorted(_with_rule_above(text, span) for span in out)


def _with_rule_above(text: str, header: Span) -> Span:
    """The header with the "Original Message" rule on the line right above it, if one stands there."""
    rule = _ORIGINAL.search(text, max(0, header.start - 200), header.start)
    if rule is None:
        return header
    return Span(rule.start("rule"), header.end, header.kind, header.header)


_ANY_LINE = regex.compile(r"(?m)^[^\r\n]*+(?:\r?\n|\r|\Z)")
_LINES_SCAN = 2_000_000  # how far a quote's lines are followed: no quote of a post runs on further


def quoted_lines_end(text: str, at: int, end: int) -> int | None:
    """Where the quote whose attribution stands at ``at`` ends: after the last of the lines that
    follow it quoted a level deeper than the attribution's own line (blank lines and lines of
    marks alone bridged); None where no such line follows. An attribution inside a quote ("> On
    … X wrote:") quotes the ">>" lines after it, and the replier's words at ">" end it.

    >>> text = "> On Mon, Bob wrote:\\n>> his words\\n>>\\n>> more\\n> my answer\\n"
    >>> text[:quoted_lines_end(text, 2, len(text))]
    '> On Mon, Bob wrote:\\n>> his words\\n>>\\n>> more'
    """
    line_start = text.rfind("\n", 0, at) + 1
    own = QUOTE_MARK.match(text, line_start)
    depth = _depth(own.group()) if own and own.end() <= at else 0
    newline = text.find("\n", at, end)
    if newline < 0:
        return None
    quote_end: int | None = None
    stop = min(end, at + _LINES_SCAN)
    for line in _ANY_LINE.finditer(text, newline + 1, stop):
        if line.start() == line.end():
            break
        marks = QUOTE_MARK.match(text, line.start())
        words = text[marks.end() if marks else line.start() : line.end()].strip()
        level = _depth(marks.group()) if marks else 0
        if level > depth and words:
            quote_end = line.start() + len(line.group().rstrip("\r\n"))  # its line break is the reply's
        elif words:
            break  # words at the attribution's own level or above: the replier's
        elif level <= depth and quote_end is None and level > 0:
            break
    return quote_end


def _depth(marks: str) -> int:
    return marks.count(">")


def _nested_attributions(text: str) -> list[Span]:
    """Attributions on quoted lines, each before lines quoted a level deeper than itself (lines
    of marks alone between them): "> On … X wrote:" then ">> …"."""
    out: list[Span] = []
    pending: tuple[int, int, int] | None = None  # (depth, start, end) of a quoted line's words
    last_end = 0
    for line in _QUOTED.finditer(text):
        if line.start() != last_end and text[last_end : line.start()].strip():
            pending = None  # not the same block: words of the reply stand between
        last_end = line.end()
        marks = QUOTE_MARK.match(text, line.start())
        words_at = marks.end() if marks else line.start()
        words = text[words_at : line.end()].rstrip(" \t\r\n")
        depth = _depth(marks.group()) if marks else 0
        if not words:
            continue  # a line of marks alone: the attribution may still come before deeper lines
        if pending is not None and depth > pending[0]:
            stretch = text[pending[1] : pending[2]]
            header = attribution(stretch)
            if header is not None:
                out.append(Span(pending[1], pending[2], "quote-header", header))
        pending = (depth, words_at, words_at + len(words))
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
