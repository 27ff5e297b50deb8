"""Whole lines repeated exactly: what the sketches see too few words in.

The candidates come from word and character tokens, so a line of code or a command's output
(``@set ^"\\n=^^^%LF%%LF%^%LF%%LF%^<nul ^^"``, ``total  used  free  shared``) holds too few of
them to be found, however long it is. Each line of the stream that keeps ``min_copy_chars``
non-space characters and is word-bearing is looked up by its text: a line that already stood
in an earlier post is a copy of its first appearance. One pass, one dictionary: linear.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import regex

from ..config import Config
from .align import Chain
from .collapse import Found
from .stream import Stream

# Something a reader reads: two letters or digits in a row (a rule of dashes is no copy).
_WORDY = regex.compile(r"[^\W_]{2}")
_MAX_LINE = 2000  # a longer line is prose, which the sketches find


def exact_lines(stream: Stream, config: Config, posts: Sequence[int] | None = None) -> list[Found]:
    """A chain for every line that repeats, exactly, a line of an earlier post.

    >>> from threadclean.find.stream import build_stream
    >>> code = '@set ^"n=^^^%lf%%lf%^%lf%%lf%^<nul ^^" & echo'
    >>> stream = build_stream([[(0, "a\\n" + code + "\\nb")], [(100, "c\\n" + code)]])
    >>> [stream.text[f.chain.target_start:f.chain.target_end] == code for f in exact_lines(stream, Config())]
    [True]
    """
    first: dict[str, tuple[int, int]] = {}  # line -> (its segment, where it starts)
    found: list[Found] = []
    text = stream.text
    breaks = stream.line_starts
    for seg, (lo, hi) in enumerate(stream.bounds):
        inside = breaks[np.searchsorted(breaks, lo, "right") : np.searchsorted(breaks, hi, "left")].tolist()
        for start, end in zip([lo, *inside], [*inside, hi], strict=True):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            size = end - start
            if size > _MAX_LINE or size < config.min_copy_chars:
                continue
            line = text[start:end]
            if len(line) - line.count(" ") < config.min_copy_chars or not _WORDY.search(line):
                continue
            seen = first.get(line)
            if seen is None:
                first[line] = (seg, start)
                continue
            source_seg, source = seen
            if source_seg == seg or (posts is not None and posts[source_seg] == posts[seg]):
                continue  # a post repeating its own line keeps it
            found.append(Found(Chain(source, source + size, start, end, size, 1.0, ((source, start, size),))))
    return found
