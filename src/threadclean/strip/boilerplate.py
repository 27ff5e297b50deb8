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

from collections.abc import Sequence

import regex

from .. import patterns as p
from ..spans import Span

_BREAK = regex.compile(r"[\r\n]")
_DIGITS = regex.compile(r"[0-9]++")
_SPACES = regex.compile(r"\s++")
_SPACE = regex.compile(r"\s")
_TO_MASK = regex.compile(r"[0-9]|\s\s|[^\S ]")  # what masking changes: digits, runs of white space, a tab
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


def find_boilerplate(
    posts: Sequence[tuple[str, int, int]], quoted: Sequence[Sequence[tuple[int, int]]] | None = None
) -> list[list[Span]]:
    """The boilerplate lines of each post (given as its input's text and its ``[start, end)``
    there), as spans of kind ``boilerplate`` in input offsets. ``quoted``: per post, stretches
    (input offsets) that are quoted text (after a quote header): no line starting in one counts.

    >>> posts = [("正文一\\n—— 来自 HONOR X50, Android 14", 0, 26), ("第二帖\\n—— 来自 iPhone 15", 0, 19),
    ...          ("三\\n—— 来自 Xiaomi 13", 0, 17), ("—— 来自 的话题", 0, 9)]
    >>> [[(s.start, s.end) for s in found] for found in find_boilerplate(posts)]
    [[(4, 26)], [(4, 19)], [(2, 17)], [(0, 9)]]
    """
    # one pass counts, per masked line and per family, the posts it stands in and how many it
    # ends; a second marks the lines those counts make boilerplate. Counts are ints, not sets of
    # posts: a post is counted once for a key by remembering the last post that counted it
    lines: list[list[tuple[int, int, str, str, int]]] = []  # per post: (start, end, masked, family, solid)
    same: dict[str, int] = {}  # masked line → posts it stands in
    kin: dict[str, int] = {}  # family → posts
    last_same: dict[str, int] = {}
    last_kin: dict[str, int] = {}
    ends_same: dict[str, int] = {}  # masked line → times it stands among a post's last lines
    ends_kin: dict[str, int] = {}
    variant: dict[str, str] = {}  # family → its first masked line
    varied: set[str] = set()  # families with two masked lines or more
    quoted_in = quoted
    for n, (text, start, end) in enumerate(posts):
        boxes = [m.span() for m in _QUOTE_BOX.finditer(text, start, end)] if text.find("<", start, end) >= 0 else []
        quoted = boxes + list(quoted_in[n]) if quoted_in is not None and quoted_in[n] else boxes
        found = []
        at = start
        for line in _lines(text[start:end]):
            a, at = at, at + len(line) + 1
            bare = line.strip()
            # cheap substring tests first: most lines hold neither a ">" near their start nor a marker
            if not bare or (">" in line[:4] and _QUOTED_LINE.match(line)) \
                    or ("[quote " in line and p.QUOTE_MARKER.search(line)):
                continue
            if quoted and any(x <= a < y for x, y in quoted):
                continue
            found.append((a, a + len(line), bare))
        mine = []
        last = len(found) - _END
        for k, (a, b, line) in enumerate(found):
            if len(line) > _MAX_LINE:
                continue
            spaced = _SPACE.search(line) is not None
            if (len(_SPACES.sub("", line)) if spaced else len(line)) < _MIN_SOLID:
                continue
            masked = _SPACES.sub(" ", _DIGITS.sub("0", line)) if _TO_MASK.search(line) else line
            solid = len(_SPACES.sub("", masked)) if spaced else len(masked)  # masking adds no space
            key = masked[:_FAMILY] if len(masked) > _FAMILY + 2 else masked
            if last_same.get(masked) != n:
                last_same[masked] = n
                same[masked] = same.get(masked, 0) + 1
            if last_kin.get(key) != n:
                last_kin[key] = n
                kin[key] = kin.get(key, 0) + 1
            if key not in variant:
                variant[key] = masked
            elif variant[key] != masked:
                varied.add(key)
            if k >= last and len(found) > 1:
                ends_kin[key] = ends_kin.get(key, 0) + 1
                ends_same[masked] = ends_same.get(masked, 0) + 1
            mine.append((a, b, masked, key, solid))
        lines.append(mine)
    everywhere = max(_MIN_POSTS, _EVERYWHERE * len(posts))
    out: list[list[Span]] = []
    for mine in lines:
        spans = []
        for a, b, masked, key, solid in mine:
            seen, kindred_posts = same[masked], kin[key]
            if seen < _MIN_POSTS and kindred_posts < _MIN_POSTS:
                continue  # most lines: in too few posts to be anything but their own words
            alone = solid < _MAX_SAME and (
                seen >= everywhere or (seen >= _MIN_POSTS and ends_same.get(masked, 0) >= _AT_END * seen))
            kindred = (kindred_posts >= _MIN_POSTS and ends_kin.get(key, 0) >= _AT_END * kindred_posts
                       and key in varied and _is_family(key))
            if alone or kindred:
                spans.append(Span(a, b, "boilerplate"))
        out.append(spans)
    return out


def _lines(text: str) -> list[str]:
    r"""The text cut at every line break, one break a cut (``\r\n`` is two: the line between is
    empty), so each line starts one character after the one before ends.

    >>> _lines("a\r\nb\n\nc")
    ['a', '', 'b', '', 'c']
    """
    return text.split("\n") if "\r" not in text else _BREAK.split(text)


def _is_family(key: str) -> bool:
    """Whether a shared prefix names a family of lines (punctuation or a word or two and a space)
    rather than the first characters of prose that happen to match."""
    return not key[:1].isalnum() or " " in key.strip()
