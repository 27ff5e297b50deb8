"""Where the posts of a flat text dump begin and end (best effort).

A flat dump runs posts together, one or several per line. A post starts at every line and at
every quote header; a post that opens with a quote header runs on over the quote (which may
fill the next lines) to the first line of the replier's own words.
"""

from __future__ import annotations

import bisect

import regex

from .. import patterns as p
from ..spans import Span, gaps

_LINE = regex.compile(r"[^\r\n]++")  # one line of a dump, without its line break


class _Content:
    """Whether a stretch of the text holds anything but noise and white space."""

    def __init__(self, text: str, noise: list[Span]) -> None:
        self.text = text
        self.noise = noise
        self.starts = [s.start for s in noise]

    def __call__(self, start: int, end: int) -> bool:
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        j = bisect.bisect_left(self.starts, end, lo=i)  # the noise that starts before ``end``
        near = self.noise[i:j] if start < end else []
        return any(self.text[a:b].strip(p.BLANK) for a, b in gaps(start, end, near))


def _chunks(text: str, header_starts: list[int]) -> list[tuple[int, int]]:
    """Lines, each cut again before every quote header in it."""
    out = []
    for line in _LINE.finditer(text):
        a, b = line.span()
        i = bisect.bisect_right(header_starts, a)
        while i < len(header_starts) and header_starts[i] < b:
            out.append((a, header_starts[i]))
            a = header_starts[i]
            i += 1
        out.append((a, b))
    return [(a, b) for a, b in out if b > a]


def _trim(text: str, start: int, end: int, noise: list[Span], starts: list[int]) -> tuple[int, int]:
    """``[start, end)`` without white space at either end, never cutting into a noise span."""
    a, b = start, end
    while a < b and text[a] in p.BLANK:
        a += 1
    while b > a and text[b - 1] in p.BLANK:
        b -= 1
    i = max(0, bisect.bisect_right(starts, start) - 1)
    for s in noise[i:]:
        if s.start >= end:
            break
        if s.end > start:  # a span that starts in the region, or reaches into it, is all the region's
            a, b = min(a, s.start), max(b, s.end)
    return a, b


def split_posts(text: str, noise: list[Span], quote_ends: dict[int, int]) -> list[tuple[int, int]]:
    """Post regions of a flat dump, in order and disjoint.

    ``noise`` is sorted and disjoint; ``quote_ends`` maps a quote header's start to where the
    quote it introduces ends (its own end when the quote was not found).
    """
    # a header opens a post where a dump joined posts: at a line start or after white space
    opening = [s for s in noise if s.kind == "quote-header" and (s.start == 0 or text[s.start - 1].isspace())]
    header_starts = [s.start for s in opening]
    header_ends = {s.start: s.end for s in opening}
    content = _Content(text, noise)
    regions: list[list[int]] = []
    pending: int | None = None  # the current post still waits for own words after this offset
    for a, b in _chunks(text, header_starts):
        if a in header_ends:
            regions.append([a, b])
            pending = quote_ends.get(a, header_ends[a])
        elif regions and pending is not None:
            regions[-1][1] = b
        else:
            regions.append([a, b])
            continue
        if pending is not None and content(max(a, pending), b):
            pending = None
    out: list[tuple[int, int]] = []
    for a, b in regions:
        a, b = _trim(text, a, b, noise, content.starts)
        if b <= a:
            continue
        if out and a < out[-1][1]:  # noise over several lines (a style sheet) joins them in one stretch
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
