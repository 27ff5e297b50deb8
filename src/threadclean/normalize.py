"""The normalised stream the repeat finder reads: every post's cleaned text, folded.

Copies differ from their source in ways a reader does not see: full-width or half-width
punctuation, letter case, white space. The stream folds those away (one code point in, at
most one out) and keeps, for each of its characters, the offset of the raw character it
came from, so every match maps back to raw offsets exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SEPARATOR = "\x00"  # stands between segments; no token, never part of a match

# Code points that count as white space here: Python's own plus the zero-width space, which
# scraped CJK text is full of and no reader sees.
_SPACES = np.array(
    [c for c in range(0x3001) if chr(c).isspace()] + [0x200B, 0xFEFF], dtype=np.uint32
)


class Stream:
    """The folded text of all segments, separated by ``SEPARATOR``.

    ``to_raw[i]`` is the global raw offset of ``text[i]`` (-1 for a separator); ``bounds[k]`` is
    the ``[start, end)`` of segment ``k`` in ``text``.
    """

    def __init__(self, text: str, to_raw: np.ndarray, bounds: list[tuple[int, int]]) -> None:
        self.text = text
        self.to_raw = to_raw
        self.bounds = bounds
        self._starts = np.asarray([b[0] for b in bounds], dtype=np.int64)
        # separators carry -1; for search they take the offset of what comes before them
        self._raw_sorted = np.maximum.accumulate(to_raw) if to_raw.size else to_raw

    def segment_at(self, at: int) -> int:
        """The segment holding stream offset ``at``."""
        return int(np.searchsorted(self._starts, at, side="right")) - 1

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """The raw ``[start, end)`` that the stream's ``[start, end)`` came from."""
        return int(self.to_raw[start]), int(self.to_raw[end - 1]) + 1

    def at_or_after(self, raw: int) -> int:
        """The first stream offset whose raw offset is ``raw`` or later."""
        return int(np.searchsorted(self._raw_sorted, raw, side="left"))


def _fold(codes: np.ndarray) -> np.ndarray:
    """Full-width ASCII to ASCII, ideographic space to space, A-Z to a-z."""
    out = codes.copy()
    wide = (out >= 0xFF01) & (out <= 0xFF5E)
    out[wide] -= 0xFEE0
    out[out == 0x3000] = 0x20
    upper = (out >= 0x41) & (out <= 0x5A)
    out[upper] += 0x20
    return out


def _fold_segment(pieces: Sequence[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray]:
    """One segment's kept pieces ``(raw start, text)`` as folded code points and raw offsets."""
    text = "".join(t for _, t in pieces)
    if not text:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    codes = _fold(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    raw = np.concatenate([np.arange(start, start + len(t), dtype=np.int64) for start, t in pieces if t])
    space = np.isin(codes, _SPACES)
    # a run of white space becomes one space between letters of spaced scripts, and nothing
    # between two characters of CJK text (or at either end of the segment)
    keep = ~space
    run_start = space & ~np.concatenate(([False], space[:-1]))
    idx = np.flatnonzero(run_start)
    if idx.size:
        before = np.where(idx > 0, codes[np.maximum(idx - 1, 0)], 0)
        nxt = np.flatnonzero(~space)
        after_pos = np.searchsorted(nxt, idx)
        has_after = after_pos < nxt.size
        after = np.where(has_after, codes[nxt[np.minimum(after_pos, max(nxt.size - 1, 0))]] if nxt.size else 0, 0)
        spaced = (idx > 0) & has_after & ((before < 0x80) | (after < 0x80))
        keep[idx[spaced]] = True
        codes = codes.copy()
        codes[idx[spaced]] = 0x20
    return codes[keep], raw[keep]


def build_stream(segments: Sequence[Sequence[tuple[int, str]]]) -> Stream:
    """The stream of segments, each given as its kept pieces ``(global raw start, text)``."""
    codes, raws, bounds = [], [], []
    at = 0
    for pieces in segments:
        c, r = _fold_segment(pieces)
        bounds.append((at, at + c.size))
        codes += [c, np.array([0], np.uint32)]
        raws += [r, np.array([-1], np.int64)]
        at += c.size + 1
    if not codes:
        return Stream("", np.zeros(0, np.int64), [])
    all_codes = np.concatenate(codes)
    text = all_codes.astype("<u4").tobytes().decode("utf-32-le")
    return Stream(text, np.concatenate(raws), bounds)
