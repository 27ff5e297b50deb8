"""Boilerplate: lines that recur across many posts of a thread and are no one's words there:
signatures and client footers ("—— 来自 HONOR …", "Sent from my iPhone"), a list's footer, rating
tables, moderation notices, separator rules.

Unlike the other detectors this one reads a whole thread: a line is boilerplate for what it is
across posts, not in one post. A line is one when it stands in many posts, ending them (where a
signature stands) or in a good share of all posts (a notice the forum puts in place of a post),
and is shorter than a copy worth collapsing; lines of one family (the same masked prefix,
"—— 来自 " with a different phone each time) count together, and may be longer. Quoted lines
never count (a passage many replies quote is a copy, not boilerplate), nor does a line holding
threadclean's own quote marker.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import regex

from .. import patterns as p
from ..spans import Span

_LINE = regex.compile(r"[^\r\n]++")
_DIGITS = regex.compile(r"[0-9]++")
_SPACES = regex.compile(r"\s++")
_QUOTE_BOX = regex.compile(r"(?is)<blockquote\b.{0,200000}?</blockquote\s*+>")
_QUOTED_LINE = regex.compile(r"[ \t]{0,3}>")
_MAX_LINE = 200  # characters: boilerplate is a line, not a paragraph
_MIN_SOLID = 4  # non-space characters a boilerplate line holds at least ("顶" is a post, not a footer)
_FAMILY = 6  # masked characters a family's lines share
_END = 3  # a post's last lines, where signatures stand
_MIN_POSTS = 3  # posts a line must stand in
_AT_END = 0.7  # share of a line's posts it must end
_EVERYWHERE = 0.1  # share of all posts a line anywhere in them must stand in
_MAX_SAME = 30  # non-space characters: a line that recurs whole and longer is a copy someone made


def find_boilerplate(posts: Sequence[tuple[str, int, int]]) -> list[list[Span]]:
    """The boilerplate lines of each post (given as its input's text and its ``[start, end)``
    there), as spans of kind ``boilerplate`` in input offsets.

    >>> posts = [("正文一\\n—— 来自 HONOR X50, Android 14", 0, 26), ("第二帖\\n—— 来自 iPhone 15", 0, 19),
    ...          ("三\\n—— 来自 Xiaomi 13", 0, 17), ("—— 来自 的话题", 0, 9)]
    >>> [[(s.start, s.end) for s in found] for found in find_boilerplate(posts)]
    [[(4, 26)], [(4, 19)], [(2, 17)], [(0, 9)]]
    """
    lines: list[list[tuple[int, int, str, bool]]] = []  # per post: (start, end, family, at its end)
    exact: dict[str, set[int]] = defaultdict(set)
    family: dict[str, set[int]] = defaultdict(set)
    variants: dict[str, set[str]] = defaultdict(set)
    at_end: Counter[str] = Counter()
    for n, (text, start, end) in enumerate(posts):
        quoted = [m.span() for m in _QUOTE_BOX.finditer(text, start, end)]
        found = [(m.start(), m.end(), m.group().strip()) for m in _LINE.finditer(text, start, end)
                 if m.group().strip() and not _QUOTED_LINE.match(m.group()) and not p.QUOTE_MARKER.search(m.group())
                 and not any(a <= m.start() < b for a, b in quoted)]
        mine = []
        for k, (a, b, line) in enumerate(found):
            if len(line) > _MAX_LINE or len(_SPACES.sub("", line)) < _MIN_SOLID:
                continue
            masked = _SPACES.sub(" ", _DIGITS.sub("0", line))
            key = masked[:_FAMILY] if len(masked) > _FAMILY + 2 else masked
            ending = k >= len(found) - _END and len(found) > 1
            exact[masked].add(n)
            family[key].add(n)
            variants[key].add(masked)
            if ending:
                at_end[key] += 1
                at_end["=" + masked] += 1
            mine.append((a, b, masked, ending))
        lines.append([(a, b, masked, ending) for a, b, masked, ending in mine])
    everywhere = max(_MIN_POSTS, _EVERYWHERE * len(posts))
    out: list[list[Span]] = []
    for mine in lines:
        spans = []
        for a, b, masked, _ in mine:
            key = masked[:_FAMILY] if len(masked) > _FAMILY + 2 else masked
            same = len(exact[masked])
            kin = len(family[key])
            short = len(_SPACES.sub("", masked)) < _MAX_SAME
            alone = short and (same >= everywhere or (same >= _MIN_POSTS and at_end["=" + masked] >= _AT_END * same))
            kindred = kin >= _MIN_POSTS and at_end[key] >= _AT_END * kin and _is_family(key) and len(variants[key]) > 1
            if alone or kindred:
                spans.append(Span(a, b, "boilerplate"))
        out.append(spans)
    return out


def _is_family(key: str) -> bool:
    """Whether a shared prefix names a family of lines (punctuation or a word or two and a space)
    rather than the first characters of prose that happen to match."""
    return not key[:1].isalnum() or " " in key.strip()
