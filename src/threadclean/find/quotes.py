"""Explicit quotes: the posts a quote header names, exact anchors, and the best source.

With authors known, a header names the post it quotes (by a link, or by author and time) and
only that post is read; without, a few exact anchors from the quote's first characters, and the
candidates inside the quote, find where it was first written.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..config import Config
from ..spans import QuoteHeader
from .align import Chain, align
from .collapse import Found
from .stream import SEPARATOR, Stream

_MAX_QUOTE = 3000  # how far after a header a quote's text is looked for
_ANCHOR = 8  # characters per exact anchor of a quote
_ANCHOR_STEPS = (0, 8, 16, 32)  # where in a quote its anchors start
_MAX_ANCHOR_HITS = 12  # earliest places an anchor is tried at
_MAX_AUTHOR_POSTS = 30  # most recent posts of a quoted author that a quote is aligned with
_MAX_QUOTE_REGIONS = 24  # places a quote is aligned with at most (anchored ones first)
_LOOKBACK = 200_000  # how far back (stream characters) a quote's exact anchors are looked for


@dataclass(frozen=True, slots=True)
class Header:
    """A quote header placed in the stream: where its quote starts, its segment, and what it says."""

    body_start: int
    segment: int
    says: QuoteHeader
    at: int  # thread offset where the header's span starts
    end: int | None = None  # where the quoted text ends, where the format says (a box's close)
    guess: int | None = None  # where it ends by a guess (its first line), for a quote with no source


class PostIndex:
    """Which segments each author wrote, and at what time: where a quote header points."""

    def __init__(self, authors: Sequence[str | None], times: Sequence[str | None], ids: Sequence[str | None]) -> None:
        self.known = any(authors)
        self.by_id: dict[str, list[int]] = defaultdict(list)
        for k, pid in enumerate(ids):
            if pid is not None:
                self.by_id[pid].append(k)
        self.by_author: dict[str, list[int]] = defaultdict(list)
        self.by_stamp: dict[tuple[str, str], list[int]] = defaultdict(list)
        for k, author in enumerate(authors):
            if author:
                self.by_author[author].append(k)
                if k < len(times) and times[k]:
                    self.by_stamp[(author, str(times[k]))].append(k)

    def quoted(self, header: QuoteHeader, before: int) -> list[int] | None:
        """The segments a header can point at (earliest first), or None to search the text."""
        if header.post:  # the page links the quoted post: that one, or none on this page
            return [k for k in self.by_id.get(header.post, []) if k < before]
        if not self.known:
            return None
        author = header.author or ""
        exact = [k for k in self.by_stamp.get((author, header.time or ""), []) if k < before]
        if exact:
            return exact
        mine = self.by_author.get(author, [])
        earlier = mine[: bisect.bisect_left(mine, before)][-_MAX_AUTHOR_POSTS:]
        return earlier or None  # a name the thread does not know (renamed, misparsed): search


def bounded(headers: Sequence[Header], stream: Stream) -> list[tuple[Header, int]]:
    """Each header with the end of the stretch its quote may occupy (stream offsets)."""
    ordered = sorted(headers, key=lambda h: h.body_start)
    out = []
    for i, h in enumerate(ordered):
        seg_end = stream.bounds[h.segment][1]
        end = min(seg_end, h.body_start + _MAX_QUOTE, h.end if h.end is not None and h.end > h.body_start else seg_end)
        if i + 1 < len(ordered) and ordered[i + 1].body_start < end:
            end = ordered[i + 1].body_start
        if end > h.body_start:
            out.append((h, end))
        going_on = _after_nested(h, ordered, i + 1, stream)
        if going_on is not None:
            out.append(going_on)
    return out


def _after_nested(h: Header, ordered: Sequence[Header], after: int, stream: Stream) -> tuple[Header, int] | None:
    """Where a quote goes on after the quotes nested in it close (Discourse's box holding a box,
    then the quoted poster's own words): the rest of its box, as a stretch of its own (in the
    segment after the inner box's close, which cut the stream)."""
    if h.end is None:
        return None
    inner = []
    for k in range(after, len(ordered)):  # sorted by where they start: only those before its end are inside
        o = ordered[k]
        if o.body_start >= h.end:
            break
        if o.end is not None and o.end < h.end:
            inner.append(o.end)
    if not inner:
        return None
    start = max(inner)
    segment = stream.segment_at(start)
    if not 0 <= segment < len(stream.bounds):
        return None
    lo, hi = stream.bounds[segment]
    start = max(start, lo)
    end = min(h.end, hi, start + _MAX_QUOTE)
    i = bisect.bisect_left(ordered, start, lo=after, key=lambda o: o.body_start)
    if i < len(ordered) and ordered[i].body_start < end:
        end = ordered[i].body_start
    return (replace(h, body_start=start, segment=segment), end) if end > start else None


def _segment_range(stream: Stream, at: int) -> tuple[int, int]:
    return stream.bounds[stream.segment_at(at)]


def _guesses(
    stream: Stream, start: int, end: int, candidates: list[tuple[int, int]], within: list[tuple[int, int]], *,
    slack: int
) -> list[int]:
    """Where in earlier text a quote at ``[start, end)`` may begin, best first: exact anchors
    from its first characters, looked for in the stretches ``within``, and then, where no
    anchor stands near, the sources of its LSH candidates (an edited quote)."""
    anchored: list[int] = []
    for lo, hi in within:
        anchored += _anchored(stream.text, start, end, lo, min(hi, start))
    fuzzy: set[int] = set()
    for target, source in candidates:
        for lo, hi in within:
            if start <= target < end and lo <= source < hi:
                fuzzy.add(max(lo, source - (target - start)))
    near = list(dict.fromkeys(anchored))  # in the order found: the surest first
    far = [g for g in sorted(fuzzy) if not near or min(abs(g - a) for a in near) > slack]
    return near + far


def _anchored(text: str, start: int, end: int, lo: int, hi: int) -> list[int]:
    """Where the quote at ``[start, end)`` may begin in ``text[lo:hi]``, by exact anchors from
    its first characters: the anchor at its very start first (the surest), then the later ones."""
    guesses: list[int] = []
    for step in _ANCHOR_STEPS:
        width = min(_ANCHOR, end - start - step)
        if width < 2 or (step and width < _ANCHOR):
            break
        anchor = text[start + step : start + step + width]
        if SEPARATOR in anchor:
            continue
        at, hits = lo, 0
        while hits < _MAX_ANCHOR_HITS:
            at = text.find(anchor, at, hi)
            if at < 0:
                break
            if at - step >= lo:
                guesses.append(at - step)
            at += 1
            hits += 1
    return guesses


def resolve_quote(
    stream: Stream, bounded: tuple[Header, int], candidates: list[tuple[int, int]], posts: PostIndex, config: Config,
    owners: Sequence[int] | None = None,
) -> list[Found]:
    """The best source of one explicit quote, or nothing when it is not in the input; where
    ``owners`` says which post each segment belongs to, never in the quote's own post."""
    header, end = bounded
    start = header.body_start
    while start < end and stream.text[start] == " ":  # the space that stood between reply and quote
        start += 1
    body = stream.text[start:end]
    quoted = posts.quoted(header.says, header.segment)
    # authors known: the header names the post, and only that post is read; else the recent past
    within = [stream.bounds[k] for k in quoted] if quoted is not None else [(max(0, start - _LOOKBACK), start)]
    slack = config.max_gap * 4
    regions: list[tuple[int, int]] = []
    own = owners[header.segment] if owners is not None else None
    for g in _guesses(stream, start, end, candidates, within, slack=slack):
        if own is not None and owners is not None and owners[stream.segment_at(g)] == own:
            continue  # a post does not quote itself
        seg_start, seg_end = _segment_range(stream, g)
        regions.append((max(seg_start, g - slack), min(seg_end, start, g + len(body) + slack)))
        if len(regions) >= _MAX_QUOTE_REGIONS:
            break
    if not regions and quoted:  # an edited quote no anchor finds: align with the posts whole
        regions = within
    best: Chain | None = None
    for a, b in regions:
        b = min(b, start)
        for chain in align(stream.text[a:b], body, max_gap=config.max_gap, min_matched=2):
            if chain.target_start > config.max_gap or chain.similarity < config.min_similarity:
                continue
            chain = chain.shifted(a, start)
            if best is None or (chain.matched, -chain.source_start) > (best.matched, -best.source_start):
                best = chain
    if best is None or best.matched < 2:
        return []
    return [Found(best, explicit=True, header=header.says, header_at=header.at)]
