"""The repeat finder: candidates (MinHash), alignment (RapidFuzz), collapse.

``find_copies`` runs the three phases over a stream; each phase is its own module and can be
tested alone. Explicit quotes (a header names who is quoted) skip the search where they can:
with authors known, the quoted author's posts are aligned directly, before the search, and
the text so placed is no target of it; without, a few exact anchors from the quote's first
characters, and the candidates inside the quote, find where it was first written.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .align import Chain, align
from .bands import Memory
from .candidates import Candidates, find_candidates
from .collapse import Copy, Found, collapse
from .config import Config
from .normalize import SEPARATOR, Stream
from .timing import phase

_MAX_REGION = 1500  # longest target stretch aligned at once; longer copies align in pieces
_MAX_QUOTE = 3000  # how far after a header a quote's text is looked for
_ANCHOR = 8  # characters per exact anchor of a quote
_ANCHOR_STEPS = (0, 8, 16, 32)  # where in a quote its anchors start
_MAX_ANCHOR_HITS = 12  # earliest places an anchor is tried at
_MAX_AUTHOR_POSTS = 30  # most recent posts of a quoted author that a quote is aligned with
_MIN_CONTAINMENT = 0.5  # a candidate group must have a window at least this much inside its source
_MAX_QUOTE_REGIONS = 24  # places a quote is aligned with at most (anchored ones first)
_LOOKBACK = 200_000  # how far back (stream characters) a quote's exact anchors are looked for


@dataclass(frozen=True, slots=True)
class Header:
    """A quote header: the stream offset where its quote starts, and what it says."""

    body_start: int
    segment: int
    meta: dict[str, Any]


def find_copies(
    stream: Stream,
    *,
    headers: Sequence[Header] = (),
    authors: Sequence[str | None] = (),
    times: Sequence[str | None] = (),
    ids: Sequence[str | None] = (),
    focus: Sequence[bool] | None = None,
    memory: Memory | None = None,
    config: Config,
) -> list[Copy]:
    """Every repeated passage of the stream, as copies of their first appearance.

    ``authors``, ``times`` (ISO ``YYYY-MM-DDTHH:MM``) and post ``ids``, per segment, let an
    explicit quote go straight to the post its header names or links. ``focus`` (per segment)
    and ``memory`` (what the search before saw) limit the search to repeats with a side in a
    flagged segment or found through a new candidate pair (see ``find_candidates``).
    """
    if not config.collapse or not stream.text:
        return []
    posts = _Posts(authors, times, ids)
    found: list[Found] = []
    unplaced = []
    with phase("alignment"):  # quotes whose header names the posts they quote are placed there
        for h in _bounded(headers, stream):
            placed = _resolve_quote(stream, h, [], posts, config) if posts.quoted(h[0].meta, h[0].segment) else []
            found += placed
            if not placed:
                unplaced.append(h)
    with phase("candidates"):  # the text of a placed quote is no target of the search
        candidates = find_candidates(
            stream, config, focus=None if focus is None else np.asarray(focus, dtype=bool), memory=memory,
            placed=[(f.chain.target_start, f.chain.target_end) for f in found])
    with phase("alignment"):  # edited quotes, by the candidates inside them; then unmarked copies
        for h in unplaced:
            found += _resolve_quote(stream, h, candidates.targeting(h[0].body_start, h[1]), posts, config)
        found += _unmarked(stream, candidates, config)
    with phase("collapse"):
        return collapse(found, min_chars=config.min_copy_chars, text=stream.text)


class _Posts:
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

    def quoted(self, meta: dict[str, Any], before: int) -> list[int] | None:
        """The segments a header can point at (earliest first), or None to search the text."""
        if meta.get("post"):  # the page links the quoted post: that one, or none on this page
            return [k for k in self.by_id.get(meta["post"], []) if k < before]
        if not self.known:
            return None
        author = meta.get("author") or ""
        exact = [k for k in self.by_stamp.get((author, meta.get("time") or ""), []) if k < before]
        if exact:
            return exact
        mine = self.by_author.get(author, [])
        earlier = mine[: bisect.bisect_left(mine, before)][-_MAX_AUTHOR_POSTS:]
        return earlier or None  # a name the thread does not know (renamed, misparsed): search


def _bounded(headers: Sequence[Header], stream: Stream) -> list[tuple[Header, int]]:
    """Each header with the end of the stretch its quote may occupy."""
    ordered = sorted(headers, key=lambda h: h.body_start)
    out = []
    for i, h in enumerate(ordered):
        seg_end = stream.bounds[h.segment][1]
        end = min(seg_end, h.body_start + _MAX_QUOTE)
        if i + 1 < len(ordered) and ordered[i + 1].body_start < end:
            end = ordered[i + 1].body_start
        if end > h.body_start:
            out.append((h, end))
    return out


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


def _resolve_quote(
    stream: Stream, bounded: tuple[Header, int], candidates: list[tuple[int, int]], posts: _Posts, config: Config
) -> list[Found]:
    """The best source of one explicit quote, or nothing when it is not in the input."""
    header, end = bounded
    start = header.body_start
    while start < end and stream.text[start] == " ":  # the space that stood between reply and quote
        start += 1
    body = stream.text[start:end]
    quoted = posts.quoted(header.meta, header.segment)
    # authors known: the header names the post, and only that post is read; else the recent past
    within = [stream.bounds[k] for k in quoted] if quoted is not None else [(max(0, start - _LOOKBACK), start)]
    slack = config.max_gap * 4
    regions: list[tuple[int, int]] = []
    for g in _guesses(stream, start, end, candidates, within, slack=slack)[:_MAX_QUOTE_REGIONS]:
        seg_start, seg_end = _segment_range(stream, g)
        regions.append((max(seg_start, g - slack), min(seg_end, start, g + len(body) + slack)))
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
    return [Found(best, explicit=True, header=header.meta)]


@dataclass(frozen=True, slots=True)
class _Group:
    """Candidates on about one diagonal, near each other: one region pair to align."""

    target_start: int
    target_end: int
    shift: int  # source offset minus target offset
    window: int  # the longest window's length, in stream characters
    segments: tuple[int, int]  # of the target and of the source
    count: int  # candidates in the group: the main diagonal of merged groups is the most supported


def _groups(
    c: Candidates, *, segment_starts: np.ndarray, drift: int, least: int, gap_windows: int = 2
) -> list[_Group]:
    """Candidates bucketed by diagonal (``drift`` wide: edits shift a copy's diagonal a little)
    and cut where two windows lie more than ``gap_windows`` window lengths apart.

    The diagonal is bucketed in offsets within each window's segment: the same two segments
    then give the same groups whatever text stands between them (cleaning the cleaned text
    again must find what the last round found).

    A group counts only where its windows span ``least`` characters and one of them is mostly
    inside its source (estimated containment ``_MIN_CONTAINMENT``): a copy long enough to
    collapse is covered by such windows, and windows that only share a phrase are not.
    """
    if not len(c):
        return []
    diagonal = c.source_start - c.target_start
    local = (c.source_start - segment_starts[c.source_segment]) - (c.target_start - segment_starts[c.target_segment])
    bucket = np.floor_divide(local, max(1, drift))
    order = np.lexsort((c.target_start, bucket, c.source_segment, c.target_segment))
    ts, te = c.target_start[order], c.target_end[order]
    key = np.stack((c.target_segment[order], c.source_segment[order], bucket[order]), axis=1)
    size = te - ts
    new = np.ones(order.size, dtype=bool)
    new[1:] = np.any(key[1:] != key[:-1], axis=1) | (ts[1:] - te[:-1] > gap_windows * size[1:])
    starts = np.flatnonzero(new)
    count = np.diff(np.append(starts, order.size))
    strong = np.maximum.reduceat(c.containment[order], starts) >= _MIN_CONTAINMENT
    t0 = np.minimum.reduceat(ts, starts)
    t1 = np.maximum.reduceat(te, starts)
    width = np.maximum.reduceat(size, starts)
    shift = diagonal[order][starts]
    keep = strong & (t1 - t0 >= least)
    groups = [
        _Group(int(a), int(b), int(s), int(w), (int(ks[0]), int(ks[1])), int(n))
        for a, b, s, w, ks, n in zip(
            t0[keep], t1[keep], shift[keep], width[keep], key[starts][keep], count[keep], strict=True
        )
    ]
    return _merge(groups, drift=drift, gap_windows=gap_windows)


def _merge(groups: list[_Group], *, drift: int, gap_windows: int) -> list[_Group]:
    """Groups of neighbouring diagonal buckets that overlap on the target joined into one, so
    no stretch is aligned twice."""
    groups.sort(key=lambda g: (g.segments, g.shift, g.target_start))
    out: list[_Group] = []
    for g in groups:
        last = out[-1] if out else None
        if (
            last is not None
            and last.segments == g.segments
            and g.shift - last.shift <= 2 * drift
            and g.target_start <= last.target_end + gap_windows * g.window
            and g.target_end >= last.target_start - gap_windows * g.window
        ):
            out[-1] = _Group(
                min(last.target_start, g.target_start), max(last.target_end, g.target_end),
                last.shift if last.count >= g.count else g.shift, max(last.window, g.window), g.segments,
                last.count + g.count,
            )
        else:
            out.append(g)
    return out


def _chains(
    stream: Stream, source: tuple[int, int], target: tuple[int, int], config: Config, least: int
) -> list[Chain]:
    """Sound chains of ``target`` against ``source`` (stream offsets), each source before its copy."""
    (sa, sb), (a, b) = source, target
    out = []
    for chain in align(stream.text[sa:sb], stream.text[a:b], max_gap=config.max_gap, min_matched=least):
        chain = chain.shifted(sa, a)
        if chain.source_end <= chain.target_start and chain.similarity >= config.min_similarity:
            out.append(chain)
    return out


def _unmarked(stream: Stream, candidates: Candidates, config: Config) -> list[Found]:
    """Chains of every candidate group, aligned in regions around the group."""
    found: list[Found] = []
    least = max(1, config.min_copy_chars * 3 // 4)  # a chain this short cannot hold a copy worth collapsing
    for group in _groups(candidates, segment_starts=stream.starts, drift=2 * config.max_gap, least=least):
        margin = 4 * group.window
        t0, t1, shift = group.target_start, group.target_end, group.shift
        tseg = stream.bounds[group.segments[0]]
        sseg = stream.bounds[group.segments[1]]
        if tseg[1] - tseg[0] < least or sseg[1] - sseg[0] < least:
            continue  # a post this short cannot hold an unmarked copy worth collapsing
        a = max(tseg[0], t0 - margin)
        end = min(tseg[1], t1 + margin)
        while a < end:
            b = min(end, a + _MAX_REGION)
            sa = max(sseg[0], a + shift - margin)
            sb = min(sseg[1], b + shift + margin)
            if sseg == tseg and sb > a:
                found += [Found(c) for c in _near_chains(stream, (sa, sb), (a, b), (t0, t1 + shift), config, least)]
            else:
                found += [Found(c) for c in _chains(stream, (sa, sb), (a, b), config, least)]
            a = b
    return found


def _near_chains(
    stream: Stream, source: tuple[int, int], target: tuple[int, int], zone: tuple[int, int], config: Config,
    least: int,
) -> list[Chain]:
    """Chains where source and copy lie so close in one text that their regions would overlap.

    The source must end where the copy's region starts, and where that is is not known: the
    windows that matched may straddle the seam, which lies in ``zone``. Cut at the zone's far
    end, the copy's tail still aligns with the source's tail, which shows where the source
    really ends; cut there, both are whole.
    """
    (sa, sb), (a, b) = source, target
    lo, hi = max(a, sa + 1, min(zone)), min(sb, b - 1, max(zone))
    if lo > hi:
        lo = hi = max(a, min(sb, zone[0]))

    def cut_at(cut: int) -> list[Chain]:
        return _chains(stream, (sa, min(sb, cut)), (max(a, cut), b), config, least)

    late = cut_at(hi)
    seam = max((c.source_end for c in late), default=lo)
    best = cut_at(lo)
    if lo < seam < hi:
        at_seam = cut_at(seam)
        if sum(c.matched for c in at_seam) >= sum(c.matched for c in best):
            best = at_seam
    return best if sum(c.matched for c in best) >= sum(c.matched for c in late) else late
