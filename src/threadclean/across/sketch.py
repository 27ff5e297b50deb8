"""The sketches of a thread's posts for the search across threads: the windows and MinHash
sketches of the search within a thread (``find.candidates``), over each post's own words, as
*postings*: one row per window and band, keyed by the band's key.

A posting is ``(key, rank, gpn, start, end)``: the band key, the post's place in the archive's
order (see ``entries``) and the window's ``[start, end)`` in the post's text. Postings are
what the search shuffles: every posting of one key goes to one place, whatever the number of
machines, and the pairs a key gives depend on its postings alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import regex

from ..config import Config
from ..find.candidates import band_keys_of
from ..find.stream import build_stream
from .entries import PostEntry

# What a post's own words may keep that is no one's words: an HTML tag (``<img src="…"
# referrerpolicy="no-referrer">`` left in a JSON body), a BBCode tag, a URL. Every post with an
# image on a board shares those, so the search across threads reads around them.
_NOT_WORDS = regex.compile(r"<[^<>\n]{1,2000}+>|\[/?[A-Za-z][^\[\]\n]{0,200}+\]|(?:https?|ftp)://[^\s<>\"'\]\[]++")


def words(text: str, base: int = 0) -> list[tuple[int, str]]:
    """A post's text as the pieces the search across threads reads: all but its markup and
    URLs, each ``(offset + base, piece)``.

    >>> words('see <img src="x.jpg"> and https://a.b/c ok')
    [(0, 'see '), (21, ' and '), (39, ' ok')]
    """
    out, at = [], 0
    for m in _NOT_WORDS.finditer(text):
        if m.start() > at:
            out.append((base + at, text[at : m.start()]))
        at = m.end()
    if at < len(text):
        out.append((base + at, text[at:]))
    return out


POSTING = np.dtype([("key", "<u8"), ("rank", "<i8"), ("gpn", "<i8"), ("start", "<i4"), ("end", "<i4")])


def solid(text: str) -> int:
    """The characters of ``text`` that are not white space (what ``min_copy_chars`` counts)."""
    return len(text) - sum(text.count(c) for c in " \t\r\n\u3000")


def postings(entries: Sequence[PostEntry], config: Config) -> np.ndarray:
    """Every window of the posts' texts in every band, as ``POSTING`` rows (keys first, then
    the archive's order: a stable layout, the same in every process).

    A post with fewer than ``min_copy_chars`` solid characters holds no copy and is no source
    of one: it has no postings. The caps of the search within a thread apply: a post longer than
    ``max_post_chars`` has none, nor do the posts after ``max_thread_chars`` of the thread's.
    """
    kept, held = [], 0
    for e in entries:
        if solid(e.text) < config.min_copy_chars or len(e.text) > config.max_post_chars:
            continue
        held += len(e.text)
        if held > config.max_thread_chars:
            break
        kept.append(e)
    if not kept:
        return np.zeros(0, POSTING)
    bases, at = [], 0
    for e in kept:
        bases.append(at)
        at += len(e.text) + 1
    stream = build_stream([words(e.text, base) for base, e in zip(bases, kept, strict=True)])
    keys, starts, ends = band_keys_of(stream, config)
    if starts.size == 0:
        return np.zeros(0, POSTING)
    base_arr = np.asarray(bases, dtype=np.int64)
    which = np.searchsorted(base_arr, starts, side="right") - 1
    bands = keys.shape[0]
    out = np.empty(bands * starts.size, POSTING)
    out["key"] = keys.reshape(-1)
    out["rank"] = np.tile(np.asarray([e.rank for e in kept], np.int64)[which], bands)
    out["gpn"] = np.tile(np.asarray([e.gpn for e in kept], np.int64)[which], bands)
    out["start"] = np.tile(starts - base_arr[which], bands)
    out["end"] = np.tile(ends - base_arr[which], bands)
    # each band's keys apart: the same windows in two bands must not share a bucket
    out["key"] ^= np.repeat(np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15), starts.size)
    return np.sort(out, order=("key", "rank", "gpn", "start"))
