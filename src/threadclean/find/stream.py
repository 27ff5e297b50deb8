"""The normalised stream the repeat finder reads: every post's cleaned text, folded.

Copies differ from their source in ways a reader does not see: full-width or half-width
punctuation, letter case, white space. The stream folds those away (one code point in, at
most one out) and keeps, for each of its characters, the offset of the raw character it
came from, so every match maps back to raw offsets exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import regex

from ..spans import Input, Piece

SEPARATOR = "\x00"  # stands between segments; no token, never part of a match

#: One segment of the stream as its kept pieces: ``(thread offset where the piece starts, text)``.
Segment = list[tuple[int, str]]

# Code points that count as white space here: Python's own plus the zero-width space, which
# scraped CJK text is full of and no reader sees.
_SPACES = np.array(
    [c for c in range(0x3001) if chr(c).isspace()] + [0x200B, 0xFEFF], dtype=np.uint32
)


class Stream:
    """The folded text of all segments, separated by ``SEPARATOR``.

    ``to_raw[i]`` is the thread offset of ``text[i]`` (-1 for a separator); ``bounds[k]`` is
    the ``[start, end)`` of segment ``k`` in ``text``.
    """

    def __init__(self, text: str, to_raw: np.ndarray, bounds: list[tuple[int, int]]) -> None:
        self.text = text
        self.to_raw = to_raw
        self.bounds = bounds
        self.starts = np.asarray([b[0] for b in bounds], dtype=np.int64)  # of each segment
        # separators carry -1; for search they take the offset of what comes before them
        self._raw_sorted = np.maximum.accumulate(to_raw) if to_raw.size else to_raw

    def segment_at(self, at: int) -> int:
        """The segment holding stream offset ``at``."""
        return int(np.searchsorted(self.starts, at, side="right")) - 1

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """The raw ``[start, end)`` that the stream's ``[start, end)`` came from."""
        return int(self.to_raw[start]), int(self.to_raw[end - 1]) + 1

    def at_or_after(self, raw: int) -> int:
        """The first stream offset whose raw offset is ``raw`` or later."""
        return int(np.searchsorted(self._raw_sorted, raw, side="left"))

    def at_or_after_all(self, raw: np.ndarray) -> np.ndarray:
        """``at_or_after`` of every raw offset in ``raw`` at once."""
        return np.searchsorted(self._raw_sorted, raw, side="left")


def _fold(codes: np.ndarray) -> np.ndarray:
    """Full-width ASCII to ASCII, ideographic space to space, A-Z to a-z."""
    out = codes.copy()
    wide = (out >= 0xFF01) & (out <= 0xFF5E)
    out[wide] -= 0xFEE0
    out[out == 0x3000] = 0x20
    upper = (out >= 0x41) & (out <= 0x5A)
    out[upper] += 0x20
    return out


def build_stream(segments: Sequence[Sequence[tuple[int, str]]]) -> Stream:
    """The stream of segments, each given as its kept pieces ``(thread offset, text)``.

    One vectorised pass over all segments: a white-space run becomes one space between letters
    of spaced scripts, and nothing between two CJK characters or at a segment's either end.
    """
    texts: list[str] = []
    starts: list[int] = []
    for pieces in segments:
        for start, text in pieces:
            if text:  # a NUL in the text is white space here: NUL is the separator of segments
                texts.append(text.replace(SEPARATOR, " ") if SEPARATOR in text else text)
                starts.append(start)
        texts.append(SEPARATOR)
        starts.append(-1)
    if not texts:
        return Stream("", np.zeros(0, np.int64), [])
    joined = "".join(texts)
    codes = _fold(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.cumsum(lengths) - lengths
    raw = np.repeat(np.asarray(starts, dtype=np.int64) - offsets, lengths) + np.arange(codes.size, dtype=np.int64)
    sep = codes == 0
    raw[sep] = -1
    space = np.isin(codes, _SPACES)
    keep = ~space
    run_start = np.flatnonzero(space & ~np.concatenate(([False], space[:-1])))
    if run_start.size:
        solid = np.flatnonzero(~space)
        before = np.where(run_start > 0, codes[np.maximum(run_start - 1, 0)], 0)
        after_at = np.searchsorted(solid, run_start)
        has_after = after_at < solid.size
        after = np.where(has_after, codes[solid[np.minimum(after_at, solid.size - 1)]], 0)
        spaced = (before != 0) & (after != 0) & has_after & ((before < 0x80) | (after < 0x80))
        keep[run_start[spaced]] = True
        codes[run_start[spaced]] = 0x20
    codes, raw = codes[keep], raw[keep]
    ends = np.flatnonzero(codes == 0)
    firsts = np.concatenate(([0], ends[:-1] + 1))
    text = codes.astype("<u4").tobytes().decode("utf-32-le")
    return Stream(text, raw, list(zip(firsts.tolist(), ends.tolist(), strict=True)))


def split_at(record: Input, pieces: Iterable[Piece], breaks: list[tuple[int, int]]) -> list[Segment]:
    """An input's pieces as it reads (see ``spans.read_pieces``) as segments of the stream, a new
    segment after every break: a segment's pieces are ``(thread offset, text)``.

    >>> split_at(Input(None, "ab|cd", 10), [Piece(0, 2, "ab"), Piece(3, 5, "cd")], [(2, 3)])
    [[(10, 'ab')], [(13, 'cd')]]
    """
    out: list[Segment] = [[]]
    bi, last = 0, 0
    for a, b, text, _ in pieces:
        crossed = False
        while bi < len(breaks) and breaks[bi][0] < a:
            crossed = crossed or breaks[bi][0] >= last
            bi += 1
        if crossed and out[-1]:
            out.append([])
        out[-1].append((record.base + a, text))
        last = b
    return out


def first_quote_end(raw: str, start: int, end: int, patterns: Sequence[regex.Pattern[str]]) -> int | None:
    """Where the first quote of a format closes in ``raw[start:end]`` (a search, not a scan of
    the rest: a dump holds many headers, each asking from its own place)."""
    found = [m.start() for pattern in patterns if (m := pattern.search(raw, start, end)) is not None]
    return min(found) if found else None


def quote_ends(raw: str, start: int, end: int, patterns: Sequence[regex.Pattern[str]]) -> list[tuple[int, int]]:
    """Where the quotes of a format close in ``raw[start:end]`` (its quote boxes, the end of a
    block of ``>`` lines): no copy runs on past one."""
    if not patterns:
        return []
    found = [m.span() for pattern in patterns for m in pattern.finditer(raw, start, end)]
    return sorted(found) if len(patterns) > 1 else found
