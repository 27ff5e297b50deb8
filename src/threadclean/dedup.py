"""The repeat finder: candidates (MinHash), alignment (RapidFuzz), collapse.

``find_copies`` runs the three phases over a stream; each phase is its own module and can be
tested alone. Explicit quotes (a header names who is quoted) skip the search where they can:
with authors known, the quoted author's posts are aligned directly; without, a few exact
anchors from the quote's first characters find where it was first written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .align import Chain, align
from .candidates import Candidate, find_candidates
from .collapse import Copy, Found, collapse
from .config import Config
from .normalize import SEPARATOR, Stream

_MAX_REGION = 1500  # longest target stretch aligned at once; longer copies align in pieces
_MAX_QUOTE = 3000  # how far after a header a quote's text is looked for
_ANCHOR = 8  # characters per exact anchor of a quote
_ANCHOR_STEPS = (0, 8, 16, 32)  # where in a quote its anchors start
_MAX_ANCHOR_HITS = 12  # earliest places an anchor is tried at
_MAX_AUTHOR_POSTS = 30  # most recent posts of a quoted author that a quote is aligned with


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
    config: Config,
) -> list[Copy]:
    """Every repeated passage of the stream, as copies of their first appearance."""
    if not config.collapse or not stream.text:
        return []
    candidates = find_candidates(stream, config)
    found = [f for h in _bounded(headers, stream) for f in _resolve_quote(stream, h, candidates, authors, config)]
    found += _unmarked(stream, candidates, config)
    return collapse(found, min_chars=config.min_copy_chars, text=stream.text)


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


def _guesses(stream: Stream, start: int, end: int, candidates: list[Candidate]) -> list[int]:
    """Where in earlier text a quote at ``[start, end)`` may begin."""
    text = stream.text
    guesses: set[int] = set()
    for step in _ANCHOR_STEPS:
        width = min(_ANCHOR, end - start - step)
        if width < 2 or (step and width < _ANCHOR):
            break
        anchor = text[start + step : start + step + width]
        if SEPARATOR in anchor:
            continue
        at, hits = 0, 0
        while hits < _MAX_ANCHOR_HITS:
            at = text.find(anchor, at, start)
            if at < 0:
                break
            guesses.add(max(0, at - step))
            at += 1
            hits += 1
    for c in candidates:
        if start <= c.target.start < end:
            guesses.add(max(0, c.source.start - (c.target.start - start)))
    return sorted(guesses)


def _resolve_quote(
    stream: Stream, bounded: tuple[Header, int], candidates: list[Candidate], authors: Sequence[str | None],
    config: Config,
) -> list[Found]:
    """The best source of one explicit quote, or nothing when it is not in the input."""
    header, end = bounded
    start = header.body_start
    body = stream.text[start:end]
    regions: list[tuple[int, int]] = []
    author = header.meta.get("author")
    posts = [k for k in range(header.segment) if author and k < len(authors) and authors[k] == author]
    for k in posts[-_MAX_AUTHOR_POSTS:]:
        regions.append(stream.bounds[k])
    slack = config.max_gap * 4
    for g in _guesses(stream, start, end, candidates):
        seg_start, seg_end = _segment_range(stream, g)
        if posts and stream.segment_at(g) not in posts:
            continue
        regions.append((max(seg_start, g - slack), min(seg_end, start, g + len(body) + slack)))
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


def _groups(candidates: list[Candidate], *, drift: int) -> list[list[Candidate]]:
    """Candidates that lie on one diagonal (about the same source shift) and near each other.

    A cluster spans at most ``drift`` diagonals (edits shift a copy's diagonal a little, and a
    periodic text must not chain all its shifts into one); along a diagonal, windows more than
    two window lengths apart start a new group.
    """
    by_pair: dict[tuple[int, int], list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_pair[(c.target.segment, c.source.segment)].append(c)
    groups: list[list[Candidate]] = []
    for items in by_pair.values():
        items.sort(key=lambda c: c.source.start - c.target.start)
        clusters: list[list[Candidate]] = []
        first_diagonal = None
        for c in items:
            diagonal = c.source.start - c.target.start
            if first_diagonal is None or diagonal - first_diagonal > drift:
                clusters.append([])
                first_diagonal = diagonal
            clusters[-1].append(c)
        for cluster in clusters:
            cluster.sort(key=lambda c: c.target.start)
            run = [cluster[0]]
            for c in cluster[1:]:
                reach = max(r.target.end for r in run)
                if c.target.start - reach > 2 * (c.target.end - c.target.start):
                    groups.append(run)
                    run = []
                run.append(c)
            groups.append(run)
    return groups


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


def _unmarked(stream: Stream, candidates: list[Candidate], config: Config) -> list[Found]:
    """Chains of every candidate group, aligned in regions around the group."""
    found: list[Found] = []
    least = max(1, config.min_copy_chars * 3 // 4)  # a chain this short cannot hold a copy worth collapsing
    for group in _groups(candidates, drift=2 * config.max_gap):
        margin = 4 * max(c.target.end - c.target.start for c in group)
        t0 = min(c.target.start for c in group)
        t1 = max(c.target.end for c in group)
        shift = group[0].source.start - group[0].target.start
        tseg = _segment_range(stream, t0)
        sseg = _segment_range(stream, group[0].source.start)
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
