"""One small, pure detector per built-in kind of noise: a text in, the spans of its kind out.

Nothing here cuts text. Each detector's doctest shows a real before and after.
"""

from __future__ import annotations

from .. import patterns as p
from ..spans import QuoteHeader, Span, spans_of

_MAX_JAMMER_PAIRS = 15  # Discuz X: jammer() writes 5 to 15 pairs per line break
_QUOTE_REACH = 400  # how far after a quote header a cut quote's " ..." may stand


def find_bom(text: str) -> list[Span]:
    """A byte-order mark at the very start of the text.

    >>> from threadclean.spans import remove_spans
    >>> text = "\\ufeff楼主好"
    >>> remove_spans(text, find_bom(text))
    '楼主好'
    """
    return [Span(0, 1, "bom")] if text.startswith("\ufeff") else []


def find_invisible(text: str) -> list[Span]:
    """Characters no reader sees: zero-width spaces and joiners, soft hyphens, a byte-order mark
    inside the text (one at its very start is ``bom``).

    >>> from threadclean.spans import remove_spans
    >>> text = "\\ufeff好\\u200b文\\u200b\\u200b章"
    >>> remove_spans(text, find_invisible(text))
    '\\ufeff好文章'
    """
    out = []
    for span in spans_of(p.INVISIBLE, "invisible", text):
        if span.start == 0 and text.startswith("\ufeff"):  # the byte-order mark is "bom"'s
            span = Span(1, span.end, "invisible")
        if span.end > span.start:
            out.append(span)
    return out


def find_signature_rules(text: str) -> list[Span]:
    """The ``﹍﹍﹍`` rule Discuz draws above a signature (the signature's words stay: a reader
    cannot tell them from the post's).

    >>> from threadclean.spans import remove_spans
    >>> remove_spans("说完了\\n\\n﹍﹍﹍\\n\\n签名", find_signature_rules("说完了\\n\\n﹍﹍﹍\\n\\n签名"))
    '说完了\\n\\n\\n\\n签名'
    """
    return spans_of(p.SIGNATURE_RULE, "signature", text)


def _line_start(text: str, at: int) -> bool:
    """Whether only spaces or tabs stand between ``at`` and the start of its line (a tab the
    layout strips must not decide whether a run is a jammer: cleaning twice would differ)."""
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return at == 0 or text[at - 1] in "\r\n"


def _line_end(text: str, at: int) -> bool:
    """Whether only spaces or tabs stand between ``at`` and the end of its line."""
    while at < len(text) and text[at] in " \t":
        at += 1
    return at == len(text) or text[at] in "\r\n"


def find_jammer(text: str) -> list[Span]:
    """Discuz X anti-copy strings: 5 to 15 pairs ``chr(32..59) + ' ' + chr(63..126)``.

    Discuz writes one where the post had a line break, so a run counts only at the end of a
    line, at the start of one, or next to the space that joins two posts in a flat dump.
    A line that is nothing but pairs may hold two strings (one after the break before it, one
    before the break after it).

    >>> from threadclean.spans import remove_spans
    >>> text = "承人难承之重。5 u4 B' i8 `$ T5 h6 M' t0 `1 ^\\n下一位"
    >>> remove_spans(text, find_jammer(text))
    '承人难承之重。\\n下一位'
    >>> text = "x = 1; y = 2; z = 3"  # code with spaces round '=' is not a jammer
    >>> find_jammer(text)
    []
    >>> find_jammer("  auto  a, d, e, f, i, m, v, z")  # nor a list with one separator
    []

    Some sites use fixed strings instead; those scraped as text are known by name:

    >>> remove_spans("a b c d. From 1point 3acres bbs", find_jammer("a b c d. From 1point 3acres bbs"))
    'a b c d'
    """
    out: list[Span] = []
    for match in p.JAMMER_RUN.finditer(text):
        start, end = match.span()
        pairs = (end - start) // 3
        at_end = _line_end(text, end)
        # after or before a single space: where a flat dump joined two posts (a post may also
        # open with a jammer string after the space that joined it to the one before)
        at_start = _line_start(text, start) or text[start - 1] == " "
        joins = end < len(text) and text[end] == " "
        if at_start and (at_end or joins):
            # two strings at most (one after a break, one before the next); a longer run is
            # something else, and stays whole
            span = Span(start, end, "jammer") if pairs <= 2 * _MAX_JAMMER_PAIRS else None
        elif at_end or joins:
            span = Span(end - 3 * min(pairs, _MAX_JAMMER_PAIRS), end, "jammer")
        elif at_start:
            span = Span(start, start + 3 * min(pairs, _MAX_JAMMER_PAIRS), "jammer")
        else:
            span = None
        if span is not None and _random_enough(text[span.start : span.end]):
            out.append(span)
    out += spans_of(p.SITE_JAMMER, "jammer", text)  # fixed strings a site uses instead
    return sorted(out)


def _random_enough(run: str) -> bool:
    """Whether a run of pairs varies as Discuz's random draw does: its first characters are
    drawn from 28, so five or more pairs nearly always show three different ones, where a list
    such as ``a, d, e, f, i, m`` (in code or a man page) repeats one separator."""
    return len(set(run[0::3])) >= 3


def find_hidden_markers(text: str) -> list[Span]:
    """Markers where a post hid its content from guests.

    >>> from threadclean.spans import remove_spans
    >>> text = "**** Hidden Message ***** 谢谢楼主"
    >>> remove_spans(text, find_hidden_markers(text))
    ' 谢谢楼主'
    """
    return spans_of(p.HIDDEN_MARKER, "hidden-marker", text)


def find_smileys(text: str) -> list[Span]:
    """Discuz smiley codes such as ``{:soso_e121:}`` and ``{:5_108:}``.

    >>> from threadclean.spans import remove_spans
    >>> text = "加油啊{:soso_e121:} 好"
    >>> remove_spans(text, find_smileys(text))
    '加油啊 好'
    """
    return spans_of(p.SMILEY_CODE, "smiley", text)


def find_quote_images(text: str) -> list[Span]:
    """The ``back.gif`` image that follows a Discuz quote header, with the space before it.

    >>> from threadclean.spans import remove_spans
    >>> text = "村夫 发表于 2013-7-11 11:01 static/image/common/back.gif"
    >>> remove_spans(text, find_quote_images(text))
    '村夫 发表于 2013-7-11 11:01'
    """
    out = []
    for match in p.QUOTE_IMAGE.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] in " \t":
            start -= 1
        out.append(Span(start, match.end(), "quote-image"))
    return out


def find_quote_truncations(text: str) -> list[Span]:
    """The `` ...`` Discuz appends to a quote it cut, at the end of the quote's line.

    Only within a few hundred characters after a quote header: an ellipsis elsewhere is prose.

    >>> from threadclean.spans import remove_spans
    >>> text = "村夫 发表于 2013-7-11 11:01\\n本人连续担任“九品”办公室主任。个中 ...\\n哇"
    >>> remove_spans(text, find_quote_truncations(text))
    '村夫 发表于 2013-7-11 11:01\\n本人连续担任“九品”办公室主任。个中\\n哇'
    >>> find_quote_truncations("I am not sure ...\\nmaybe")
    []
    """
    out: list[Span] = []
    for header in _header_matches(text):
        stop = min(len(text), header.end() + _QUOTE_REACH)
        cut = p.QUOTE_TRUNCATION.search(text, header.end(), stop)
        if cut and (not out or cut.start() >= out[-1].end):
            out.append(Span(cut.start(), cut.end(), "quote-truncation"))
    return out


def find_edit_notes(text: str) -> list[Span]:
    """Discuz's note that a post was edited.

    >>> from threadclean.spans import remove_spans
    >>> text = "本帖最后由 村夫 于 2013-7-11 11:01 编辑\\n正文"
    >>> remove_spans(text, find_edit_notes(text))
    '\\n正文'
    """
    return spans_of(p.EDIT_NOTE, "edit-note", text)


def find_copy_buttons(text: str) -> list[Span]:
    """The copy-link and copy-code buttons a Discuz page shows, as text dumps keep them.

    >>> from threadclean.spans import remove_spans
    >>> text = "dwm 的使用 [复制链接]\\n$ make\\n复制代码\\n很好用"
    >>> remove_spans(text, find_copy_buttons(text))
    'dwm 的使用 \\n$ make\\n\\n很好用'
    """
    return spans_of(p.COPY_BUTTON, "chrome", text)


def find_move_notes(text: str) -> list[Span]:
    """A moderator's note that the thread was moved.

    >>> find_move_notes("本主题由 管理员 于 2013-7-11 11:01 移动")[0].kind
    'moderation'
    """
    return spans_of(p.MOVE_NOTE, "moderation", text)


def _header_matches(text: str) -> list[p.regex.Match[str]]:
    found = list(p.QUOTE_HEADER_X.finditer(text)) + list(p.QUOTE_HEADER_6.finditer(text))
    return sorted(found, key=lambda m: m.start())


def find_quote_headers(text: str) -> list[Span]:
    """Quote headers, with the quoted author and time in ``header``.

    ``X 发表于 T`` (Discuz X) and ``原帖由 X 于 T 发表`` (Discuz 6/7). The header is structure: it
    leaves the text, and the quote that follows it is resolved to the quoted post.

    >>> [(s.header.author, s.header.time) for s in find_quote_headers("好 村夫 发表于 2013-7-11 11:01")]
    [('村夫', '2013-07-11T11:01')]
    >>> from threadclean.spans import remove_spans
    >>> text = "原帖由 夜猫子 于 2010-1-20 17:09 发表\\n引文"
    >>> remove_spans(text, find_quote_headers(text))
    '\\n引文'
    """
    return [
        Span(m.start(), m.end(), "quote-header", QuoteHeader(_name(m["author"]), p.parse_time(m["time"])))
        for m in _header_matches(text)
    ]


def _name(author: str) -> str:
    """The author as written, without the markup a page may wrap it in (``<i>甲</i>``)."""
    return p.INLINE_TAG.sub("", author).strip()


