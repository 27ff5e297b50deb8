"""The generic reader: where the posts of a dump that no engine knows begin and end, told from
the dump itself.

A dump writes a header before every post from one template: lines of the same shape that differ
only in names, numbers and dates (``## Post #12 by @ann (2020-10-14 13:05 UTC)``, ``Message: 7``,
``8楼 大 中 小 发表于 2010-8-7 17:25  只看该作者``). Masked (every run of digits read as one
``0``), such lines share a long prefix that holds a number, they recur, and words stand between
them. The group of lines that fits this best is the template; the posts run between its lines.

Around each template line, the lines that belong to its header are found the same way, by what
recurs at the same place before or after it: lines that share a masked prefix (``####  ann``,
a ``*****`` rule), ``Key: value`` fields (a mail's ``Date:``, ``From:``), and short lines set apart
by the same blank lines every time (an author's name and title above a floor line). What stands
before the first header is the dump's own preamble; what stands after the last post's closing
rule is its footer. Each header's numbers, name and date give the post's id, author and time
where the shape allows: the number that differs in every header is the id, the words that differ
the author.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .. import patterns as p
from ..attributions import attribution
from ..spans import Span
from .engines import Dump, PostSpan

# A line that opens with a Discuz quote header: "村夫 发表于 2013-7-11 11:01 …", "原帖由 …".
_DISCUZ_QUOTE = regex.compile(rf"[ \t]*+(?:[^\s<>]{{1,40}} 发表于 {p.DATE_TIME}|原帖由 )")
_EMPTY_LINE = regex.compile(r"(?>\r\n|\r|\n)(?>\r\n|\r|\n)")  # two line breaks in a row
_LINE = regex.compile(r"[^\r\n]*+(?:\r\n|\r|\n|$)")
_DIGITS = regex.compile(r"[0-9]++")
_SPACES = regex.compile(r"[ \t\xa0\u3000]++")
# A time as dumps print it: "2017-06-21 13:06", "2010-8-7 17:25", "2023-04-18 15:46:02",
# "Tue, 10 Oct 2023 22:28:37 +0000", "Sep 20, 2012 11:16".
DATE = regex.compile(
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?(?:UTC|GMT|[+-]\d{4}))?)?"
    r"|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s)?\d{1,2}\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\s"
    r"\d{4}(?:\s\d{1,2}:\d{2}(?::\d{2})?)?(?:\s[+-]\d{4})?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\s\d{1,2},\s\d{4}(?:,?\s\d{1,2}:\d{2}(?:\s?[ap]m)?)?"
)
# A mail-style field: "Date: …", "From: Ann <ann@example.com>", "Message-ID: <…>"; a field
# continues on lines that open with white space.
_FIELD = regex.compile(r"(?P<key>[A-Za-z][A-Za-z0-9-]{0,30}):(?:[ \t]|$)")
_FOLDED = regex.compile(r"[ \t]+\S")
_NAME = regex.compile(r"[@＠]?(?P<name>[^\s\d<>()（）\[\]【】|:：,，#@＠\"'`*]{1,40})")
_MAIL = regex.compile(
    r"<[^<>@\s]{1,80}@[^<>\s]{1,120}>|\([^()@\s]{1,80}@[^()\s]{1,120}\)|[^\s<>@]{1,80}@[^\s<>]{1,120}"
)

_MAX_HEADER_LINE = 160  # characters: a template line is a line, not a paragraph
_MIN_PREFIX = 6  # masked characters a template's lines must share (with a number among them)
_MIN_POSTS = 3  # template lines a dump must have to be read by them
_MAX_AROUND = 3  # lines before a template line that may belong to its header
_MAX_FIELDS = 12  # field lines after a template line that may belong to its header
_SHARED = 0.75  # share of headers in which a line at one place must look alike to belong
_LEAD = 0.3  # share of a dump that may stand before its first header (its preamble)
_WORD_RUN = regex.compile(r"[^\W\d_]++")
_MAX_WORDS = 8  # words a template's shared prefix holds at most ("## Post #0 by @": 2)
_MAX_WORD = 10  # letters a word of it holds at most: prose that recurs runs longer
# A number of its own in a masked line: "#0", "0楼", "Message: 0", "0.[0]"; not "e0" in "{:soso_e0:}",
# not one inside words ("大战0的"), and not one inside a tag or an address ('<img src="…/0/0/…">').
_NUMBER = regex.compile(r"(?<![A-Za-z_])(?:(?<!\w)0|0(?!\w))")
_TAG_OR_URL = regex.compile(r"<[^<>]{0,2000}>?|\b(?:https?|ftp)://\S{0,2000}|\bwww\.\S{0,2000}")


@dataclass(slots=True)
class _Line:
    start: int
    end: int  # without the line break
    text: str
    masked: str  # digit runs as one "0", runs of spaces as one space
    index: int  # among the dump's non-blank lines
    gap: str = ""  # the blank text between this line and the next non-blank one


def read_structure(text: str) -> Dump | None:
    """The posts of a dump no engine knows, from its template lines; None where it has none.

    >>> dump = "# Topic\\n\\n## Post #1 by @ann (2020-10-14 13:05 UTC)\\n\\nHello all.\\n\\n"
    >>> dump += "## Post #2 by @bob (2020-10-14 14:00 UTC)\\n\\nHi ann.\\n\\n"
    >>> dump += "## Post #3 by @ann (2020-10-15 09:12 UTC)\\n\\nThanks!\\n"
    >>> found = read_structure(dump)
    >>> [(p.id, p.author, p.time, dump[p.start:p.end].strip()) for p in found.posts]  # doctest: +NORMALIZE_WHITESPACE
    [('1', 'ann', '2020-10-14 13:05 UTC', 'Hello all.'), ('2', 'bob', '2020-10-14 14:00 UTC', 'Hi ann.'),
     ('3', 'ann', '2020-10-15 09:12 UTC', 'Thanks!')]
    >>> read_structure("just a few lines\\nof prose, with 3 numbers\\nand no headers at all 2020\\n") is None
    True
    """
    lines = _lines(text)
    template = _template(lines)
    if template is None:
        return None
    blocks = [_header_block(lines, at, template) for at in template]
    blocks = _extend_by_shape(lines, template, blocks)
    structure: list[Span] = []
    first = lines[blocks[0][0]].start
    if text[:first].strip():
        structure.append(Span(0, first, "chrome"))
    ends = [lines[b[0]].start for b in blocks[1:]] + [len(text)]
    footer = _footer(lines, blocks, template)
    if footer is not None:
        ends[-1] = lines[footer].start
        structure.append(Span(lines[footer].start, len(text), "chrome"))
    ids, authors, times = _fields(lines, template, blocks)
    posts = []
    for (lo, hi), end, pid, author, when in zip(blocks, ends, ids, authors, times, strict=True):
        start = lines[hi].end
        structure.append(Span(lines[lo].start, start, "post-header"))
        posts.append(PostSpan(pid, start, max(start, end), author, when))
    return Dump(posts, sorted(structure))


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    for m in _LINE.finditer(text):
        raw = m.group().rstrip("\r\n")
        if raw.strip():
            masked = _SPACES.sub(" ", _DIGITS.sub("0", raw.strip()))
            out.append(_Line(m.start(), m.start() + len(raw), raw, masked, len(out)))
        if m.end() >= len(text):
            break
    for a, b in itertools.pairwise(out):
        a.gap = text[a.end : b.start]
    return out


def _breaks(gap: str) -> int:
    """Line breaks in a stretch of blank text (CR LF counted once)."""
    return gap.count("\n") + gap.replace("\r\n", "").count("\r")


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _template(lines: Sequence[_Line]) -> list[int] | None:
    """The indices (into ``lines``) of the template's lines: the group of short lines sharing a
    masked prefix that holds a number, that recur apart from each other, and that split the dump
    best; None where no group does."""
    candidates = sorted((ln.masked, ln.index) for ln in lines
                        if len(ln.text) <= _MAX_HEADER_LINE and "0" in ln.masked and not _quotes_someone(ln.text)
                        and not _in_fields(lines, ln.index))
    best: tuple[float, list[int]] | None = None
    i = 0
    while i < len(candidates):
        j = i + 1
        prefix = len(candidates[i][0])
        while j < len(candidates):
            shared = _common_prefix(candidates[i][0], candidates[j][0])
            if shared < _MIN_PREFIX or "0" not in candidates[i][0][:shared]:
                break
            prefix = min(prefix, shared)
            j += 1
        group = sorted(index for _, index in candidates[i:j])
        score = _score(lines, group, candidates[i][0][:prefix])
        if score is not None and (best is None or score > best[0]):
            best = (score, group)
        i = j
    return best[1] if best else None


def _score(lines: Sequence[_Line], group: list[int], prefix: str) -> float | None:
    """How well a group of lines splits the dump into posts, or None where it cannot be a template:
    a template's shared prefix holds a number of its own (a post's number, not a digit inside a
    word such as a smiley code's), and its lines begin near the dump's start and run to its end."""
    if len(group) < _MIN_POSTS and not (len(group) == 2 and all(_has_fields(lines, k) for k in group)):
        return None
    visible = _TAG_OR_URL.sub(" ", prefix)
    if not _NUMBER.search(visible):
        return None
    words = _WORD_RUN.findall(visible)
    if len(words) > _MAX_WORDS or any(len(w) > _MAX_WORD for w in words):
        return None  # a sentence that recurs (a quoted line, a paste) is a copy, not a header
    texts = [lines[k].text for k in group]
    if len(set(texts)) < 0.8 * len(texts):  # the same line again and again: copies, or a rule
        return None
    set_apart = sum(1 for k in group if _breaks(lines[k].gap) > 1 or (k and _breaks(lines[k - 1].gap) > 1)
                    or _has_fields(lines, k))
    if set_apart < _SHARED * len(group):  # a header stands apart from the words around it
        return None
    size = lines[-1].end or 1
    if lines[group[0]].start > _LEAD * size:
        return None  # headers of one stretch of the dump only: not its posts
    apart = sum(1 for a, b in itertools.pairwise(group) if b - a >= 2)
    if apart < 0.8 * (len(group) - 1):  # a list of lines in a row is a list, not headers
        return None
    dated = sum(1 for t in texts if DATE.search(t)) / len(texts)
    return len(group) * (1 + min(len(prefix), 24) / 8) * (1.5 if dated >= 0.8 else 1.0)


def _quotes_someone(line: str) -> bool:
    """Whether a line is a quote's attribution ("X 发表于 T", "On … X wrote:"): a quote's header,
    not a post's."""
    return attribution(line.strip()) is not None or bool(_DISCUZ_QUOTE.match(line))


def _in_fields(lines: Sequence[_Line], k: int) -> bool:
    """Whether line ``k`` is a field of a block of them (a mail's ``Date:`` after its ``From:``):
    part of a header, not the line that opens one."""
    return k > 0 and bool(_FIELD.match(lines[k].text)) and bool(_FIELD.match(lines[k - 1].text)) and \
        not _blank(lines[k - 1].gap)


def _blank(gap: str) -> bool:
    """Whether a stretch of blank text holds an empty line (a line holding only a tab continues a
    mail's folded field; it ends nothing)."""
    return _EMPTY_LINE.search(gap) is not None


def _has_fields(lines: Sequence[_Line], k: int) -> bool:
    """Whether two mail-style fields or more follow line ``k`` at once (a digest's message header)."""
    return k + 2 < len(lines) and all(_FIELD.match(lines[k + n].text) for n in (1, 2)) and \
        not _blank(lines[k].gap)


def _header_block(lines: Sequence[_Line], at: int, template: Sequence[int]) -> tuple[int, int]:
    """The first and last line of the header at template line ``at``: it, and the mail-style
    fields (``Date:``, ``From:``, folded lines) right after it, up to the first blank line."""
    hi = at
    nxt = next((t for t in template if t > at), len(lines))
    for k in range(at + 1, min(len(lines), nxt, at + 1 + _MAX_FIELDS)):
        if _blank(lines[k - 1].gap):
            break
        if not (_FIELD.match(lines[k].text) or (hi > at and _FOLDED.match(lines[k].text))):
            break
        hi = k
    return at, hi


def _extend_by_shape(
    lines: Sequence[_Line], template: Sequence[int], blocks: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Grow each header upwards by the lines that stand before every (or nearly every) template
    line looking alike: sharing a masked prefix (``####  ann``, a ``*****`` rule), or short and
    set apart from the next header line by the blank lines that mark headers in this dump."""
    out = list(blocks)
    active = list(range(len(out)))
    floors = [0] + [b[1] + 1 for b in blocks[:-1]]
    headed = {k for lo, hi in blocks for k in range(lo, hi + 1)}
    for _ in range(_MAX_AROUND):
        above = [(n, out[n][0] - 1) for n in active if out[n][0] - 1 >= floors[n]]
        if len(above) < _SHARED * len(active) or not above:
            break
        after = Counter(lines[b[1]].gap for b in out).most_common(1)[0][0]  # the gap that opens a post
        grow = _alike(lines, [k for _, k in above], len(out), headed, after)
        if not grow:
            break
        active = [n for n, k in above if k in grow]
        for n in active:
            out[n] = (out[n][0] - 1, out[n][1])
            headed.add(out[n][0])
    return out


def _alike(lines: Sequence[_Line], above: list[int], headers: int, headed: set[int], after: str) -> set[int]:
    """The lines of ``above`` (each just over a header) that belong to their headers: those
    sharing the prefix most of them share, which few other lines have; or, short, those set apart
    from their header by a gap that many of them have, few other lines, and that is not the gap
    ``after`` a header (the one before a post's words, which a post's last line shares too)."""
    masked = [lines[k].masked for k in above]
    for width in (8, 6, 4, 3, 2):  # the longest prefix most of them share, and few other lines have
        heads = Counter(m[:width] for m in masked if len(m) >= width)
        if not heads:
            continue
        head, count = heads.most_common(1)[0]
        others = sum(1 for line in lines if line.masked.startswith(head) and line.index not in headed) - count
        if count >= _SHARED * len(above) and head.strip() and others <= 0.5 * count:
            return {k for k, m in zip(above, masked, strict=True) if m.startswith(head)}
    gaps = Counter(lines[k].gap for k in above)
    usual, seen = gaps.most_common(1)[0]
    others = sum(1 for line in lines if line.gap == usual) - seen
    if seen >= 0.3 * headers and others <= 0.25 * seen and usual != after:  # the gap marks headers
        return {k for k in above if lines[k].gap == usual and len(lines[k].text.strip()) <= 60}
    return set()


def _footer(lines: Sequence[_Line], blocks: list[tuple[int, int]], template: Sequence[int]) -> int | None:
    """Where a footer begins after the last post: at the rule that closes every post (a line of
    marks alone that opens most headers), when it stands after the last post too."""
    tops = [lines[b[0]].masked for b in blocks if b[0] < template[blocks.index(b)]]
    if len(tops) < _SHARED * len(blocks):
        return None
    rule, count = Counter(tops).most_common(1)[0]
    if count < _SHARED * len(blocks) or any(ch.isalnum() for ch in rule):
        return None
    for line in lines[blocks[-1][1] + 1 :]:
        if line.masked == rule:
            return line.index
    return None


def _fields(
    lines: Sequence[_Line], template: Sequence[int], blocks: list[tuple[int, int]]
) -> tuple[list[str], list[str | None], list[str | None]]:
    """Each post's id (the number that differs in every template line, else its place), author
    (the words that differ, or a From: field) and time (a date in its header)."""
    texts = [lines[k].text for k in template]
    numbers = [[m.group() for m in _DIGITS.finditer(_strip_dates(t))] for t in texts]
    ids = [str(n) for n in range(1, len(texts) + 1)]
    width = min((len(n) for n in numbers), default=0)
    for slot in range(width):
        values = [n[slot] for n in numbers]
        if len(set(values)) == len(values):
            ids = values
            break
    named = _varying_words(texts)
    authors: list[str | None] = []
    times: list[str | None] = []
    for (lo, hi), k, author in zip(blocks, template, named, strict=True):
        when = DATE.search(lines[k].text)
        for line in lines[lo : hi + 1]:
            field = _FIELD.match(line.text)
            key = field["key"].lower() if field else ""
            if field and key in ("date", "sent", "datum") and when is None:
                when = DATE.search(line.text, field.end())
            if field and key in ("from", "author", "von", "de") and author is None:
                author = _MAIL.sub("", line.text[field.end() :]).strip(" \t\"'") or None
        authors.append(author)
        times.append(when.group() if when else None)
    return ids, authors, times


def _strip_dates(text: str) -> str:
    return DATE.sub(" ", text)


def _varying_words(texts: Sequence[str]) -> list[str | None]:
    """Per template line, the name-like words that differ from line to line (the author), or None."""
    if len(texts) < 2:
        return [None] * len(texts)
    masked = [_SPACES.sub(" ", _DIGITS.sub("0", _strip_dates(t).strip())) for t in texts]
    prefix = min(_common_prefix(masked[0], m) for m in masked[1:])
    suffix = min(_common_prefix(masked[0][::-1], m[::-1]) for m in masked[1:])
    out: list[str | None] = []
    for m in masked:
        middle = m[prefix : len(m) - suffix if suffix else len(m)]
        name = _NAME.search(_MAIL.sub(" ", middle))
        out.append(name["name"].strip() if name and not name["name"].isdigit() else None)
    distinct = {a for a in out if a}
    if len(distinct) < 2 or max(Counter(a for a in out if a).values()) > 0.9 * len(out):
        return [None] * len(texts)  # the same word in every header is the template's, not a name
    return out
