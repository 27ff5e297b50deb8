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

import re
from collections import Counter
from collections.abc import Sequence

import regex

from .. import patterns as p
from ..spans import Span

_BREAK = regex.compile(r"[\r\n]")
# White space as the regex module's \s reads it (Unicode's White_Space), spelt out for the re
# module, which reads these short per-line patterns half again as fast (tests/test_noise.py
# checks the class against regex's \s on every code point)
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_DIGITS = re.compile(r"[0-9]+")
_SPACES = re.compile(f"[{WHITE_SPACE}]+")
_SPACE = re.compile(f"[{WHITE_SPACE}]")
_TO_MASK = re.compile(f"[0-9]|[{WHITE_SPACE}]{{2}}|[{WHITE_SPACE.replace(' ', '')}]")  # what masking changes
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
    # the lines of every post in columns (post, start, end, text), then counted with Counter
    # over those columns: a post counts once for a line or a family (the distinct pairs of post
    # and key are counted), and per line only what the columns cannot do runs in Python
    post_of: list[int] = []
    starts: list[int] = []
    texts: list[str] = []
    last_of: list[bool] = []  # among its post's last _END lines, in a post of two lines or more
    for n, (text, start, end) in enumerate(posts):
        boxes = [m.span() for m in _QUOTE_BOX.finditer(text, start, end)] if text.find("<", start, end) >= 0 else []
        held = boxes + list(quoted[n]) if quoted is not None and quoted[n] else boxes
        found = 0
        at = start
        for line in _lines(text[start:end]):
            a, at = at, at + len(line) + 1
            # cheap substring tests first: most lines hold neither a ">" near their start nor a marker
            if not line.strip() or (">" in line[:4] and _QUOTED_LINE.match(line)) \
                    or ("[quote " in line and p.QUOTE_MARKER.search(line)):
                continue
            if held and any(x <= a < y for x, y in held):
                continue
            post_of.append(n)
            starts.append(a)
            texts.append(line)
            found += 1
        last_of += [found > 1 and k >= found - _END for k in range(found)]
    bare = [t.strip() for t in texts]
    # lines worth a count: a line, not a paragraph, with a few non-space characters
    keep = [k for k, b in enumerate(bare) if len(b) <= _MAX_LINE
            and (len(_SPACES.sub("", b)) if _SPACE.search(b) else len(b)) >= _MIN_SOLID]
    masked = [_SPACES.sub(" ", _DIGITS.sub("0", bare[k])) if _TO_MASK.search(bare[k]) else bare[k] for k in keep]
    family = [m[:_FAMILY] if len(m) > _FAMILY + 2 else m for m in masked]
    owners = [post_of[k] for k in keep]
    same = Counter(m for _, m in set(zip(owners, masked, strict=True)))  # masked line → posts it stands in
    kin = Counter(f for _, f in set(zip(owners, family, strict=True)))  # family → posts
    ending = [last_of[k] for k in keep]
    ends_same = Counter(m for m, e in zip(masked, ending, strict=True) if e)  # times among a post's last lines
    ends_kin = Counter(f for f, e in zip(family, ending, strict=True) if e)
    varied = {f for f, n in Counter(f for f, _ in set(zip(family, masked, strict=True))).items() if n > 1}
    everywhere = max(_MIN_POSTS, _EVERYWHERE * len(posts))
    out: list[list[Span]] = [[] for _ in posts]
    for k, m, f in zip(keep, masked, family, strict=True):
        seen, kindred_posts = same[m], kin[f]
        if seen < _MIN_POSTS and kindred_posts < _MIN_POSTS:
            continue  # most lines: in too few posts to be anything but their own words
        solid = len(_SPACES.sub("", m)) if _SPACE.search(m) else len(m)
        alone = solid < _MAX_SAME and (
            seen >= everywhere or (seen >= _MIN_POSTS and ends_same[m] >= _AT_END * seen))
        kindred = (kindred_posts >= _MIN_POSTS and ends_kin[f] >= _AT_END * kindred_posts
                   and f in varied and _is_family(f))
        if alone or kindred:
            out[post_of[k]].append(Span(starts[k], starts[k] + len(texts[k]), "boilerplate"))
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
