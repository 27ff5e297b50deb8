"""Unmarked copies: candidate pairs grouped by diagonal into region pairs, each aligned.

A copy nobody marked shows as many candidate pairs on about one diagonal (source offset minus
target offset). Grouping them gives the stretch of the later text to align and where its source
lies, so each copy is aligned once, not once per window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..config import Config
from .align import Chain, align
from .candidates import Candidates
from .collapse import Found
from .stream import Stream

_MAX_REGION = 1500  # longest target stretch aligned at once; longer copies align in pieces
_MIN_CONTAINMENT = 0.5  # a candidate group must have a window at least this much inside its source


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
    """Sound chains of ``target`` against ``source`` (stream offsets), each source before its copy,
    and none that only repeats its source back to back (a unit typed twice in a row, nothing
    between: "哈哈哈哈", a refrain), which is a poster's own words, not a copy of them."""
    (sa, sb), (a, b) = source, target
    out = []
    for chain in align(stream.text[sa:sb], stream.text[a:b], max_gap=config.max_gap, min_matched=least):
        chain = chain.shifted(sa, a)
        if chain.source_end <= chain.target_start and chain.similarity >= config.min_similarity \
                and not _back_to_back(stream, chain):
            out.append(chain)
    return out


def _back_to_back(stream: Stream, chain: Chain) -> bool:
    """Whether a copy begins in the raw text right where its source ends, in one segment (one
    stretch of one input, with nothing between the two)."""
    return stream.segment_at(chain.source_end - 1) == stream.segment_at(chain.target_start) and \
        int(stream.to_raw[chain.source_end - 1]) + 1 == int(stream.to_raw[chain.target_start])


def unmarked(stream: Stream, candidates: Candidates, config: Config, posts: Sequence[int] | None = None) -> list[Found]:
    """Chains of every candidate group, aligned in regions around the group; where ``posts``
    says which post each segment belongs to, never a copy of words of its own post."""
    found: list[Found] = []
    least = max(1, config.min_copy_chars * 3 // 4)  # a chain this short cannot hold a copy worth collapsing
    for group in _groups(candidates, segment_starts=stream.starts, drift=2 * config.max_gap, least=least):
        if posts is not None and posts[group.segments[0]] == posts[group.segments[1]]:
            continue  # a post does not quote itself: words it repeats stay where it put them
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
