"""Settling: clean what the posts keep again, as cleaning the output would read it, until
nothing changes; and the plumbing between posts (regions) and the repeat finder's stream that
the first search and the settling rounds share."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from . import patterns as p
from .assemble import Record, Region, own_pieces
from .bands import Memory
from .collapse import Copy
from .config import Config
from .dedup import find_copies
from .engines import Document
from .noise import detect_noise
from .normalize import Stream, build_stream
from .spans import Span, gaps
from .timing import phase


def split_at(
    record: Record, pieces: Iterable[tuple[int, int]], breaks: list[tuple[int, int]]
) -> list[list[tuple[int, str]]]:
    """Kept pieces of a record as dedup segments, a new segment after every break."""
    out: list[list[tuple[int, str]]] = [[]]
    bi, last = 0, 0
    for a, b in pieces:
        crossed = False
        while bi < len(breaks) and breaks[bi][0] < a:
            crossed = crossed or breaks[bi][0] >= last
            bi += 1
        if crossed and out[-1]:
            out.append([])
        out[-1].append((record.base + a, record.raw[a:b]))
        last = b
    return out


_MAX_ROUNDS = 5  # rounds after the first search only the posts the one before changed: cheap, and rarely needed
_PLACEHOLDER = "[quote #0 ¶1]"  # stands where a quote was, as the text layout's marker will


def quote_ends(raw: str, start: int, end: int, document: Document | None) -> list[tuple[int, int]]:
    """Where the quote boxes of an engine's format close: no copy runs on past one."""
    if document is None or document.quote_end is None:
        return []
    return [m.span() for m in document.quote_end.finditer(raw, start, end)]


def settle(regions: list[Region], config: Config, document: Document | None = None) -> None:
    """Clean what the posts keep again, as cleaning the output would read it, until nothing changes.

    Taking quotes and noise out joins text that stood apart, and that can make more noise or
    another repeat. Each round reads every post's own words with a marker where each quote
    stood, exactly what the text layout writes, so once a round finds nothing, cleaning the
    cleaned thread changes nothing.

    The first round searches everything: it reads the posts as the layout writes them, which
    is not how the first search read them (a dump before it was cut into posts; every post
    whole, where the layout cuts it at its quotes; restricting this round as the later ones are
    lost idempotence on a 100,000-post thread). A later round searches only for repeats with a
    side in a post the round before changed (it got a copy or more noise), or found through a
    candidate pair that round did not have: between two unchanged posts, it aligned the same
    words.
    """
    kinds = config.detectors - {"bom"}
    changed = [True] * len(regions)
    memory = Memory()
    read: dict[int, list[list[tuple[int, str]]]] = {}  # each region's segments, as the last round read them
    for n in range(_MAX_ROUNDS):
        fresh_noise = [False] * len(regions)
        with phase("noise"):
            for k, region in enumerate(regions):
                if (n and not changed[k]) or not (region.noise or region.copies):
                    continue  # its words are those the round before read (or the raw post, read first)
                fresh = _noise_in_what_is_left(region, kinds)
                if fresh:
                    region.noise = sorted(region.noise + fresh)
                    fresh_noise[k] = True
        changed = [a or b for a, b in zip(changed, fresh_noise, strict=True)]
        before = [len(region.copies) for region in regions]
        if config.collapse and any(changed):
            segments, focus = [], []
            for k, region in enumerate(regions):
                if not region.searched:
                    continue
                if changed[k] or k not in read:  # an unchanged region reads as the round before
                    read[k] = _segments_of(region, document)
                segments += read[k]
                focus += [changed[k]] * len(read[k])
            again = build_stream(segments)
            more = find_copies(again, focus=focus, memory=memory, config=config)
            if more:
                assign_copies(regions, more, again)
        changed = [a or len(region.copies) != b for a, region, b in zip(fresh_noise, regions, before, strict=True)]
        if not any(changed):
            return


def _segments_of(region: Region, document: Document | None) -> list[list[tuple[int, str]]]:
    """A region's own words as the repeat finder reads them: cut where a quote stood, at quote
    markers (no text, and no copy spans one, as in the first search) and where a quote box closes."""
    pieces, quotes = own_pieces(region)
    markers = [m.span() for m in p.QUOTE_MARKER.finditer(region.record.raw, region.start, region.end)]
    if markers:
        pieces = [x for a, b in pieces for x in gaps(a, b, [Span(m0, m1, "marker") for m0, m1 in markers])]
    ends = quote_ends(region.record.raw, region.start, region.end, document)
    return split_at(region.record, pieces, sorted(quotes + markers + ends))


def _noise_in_what_is_left(region: Region, kinds: frozenset[str]) -> list[Span]:
    """Noise in a region's own words that only shows once its quotes and noise are out."""
    pieces, quotes = own_pieces(region)
    raw = region.record.raw
    parts: list[str] = []
    placed: list[tuple[int, int, int]] = []  # (offset in the text read, raw offset, length)
    held: list[Span] = []
    at, qi = 0, 0

    def hold() -> None:
        nonlocal at
        parts.append(_PLACEHOLDER)
        held.append(Span(at, at + len(_PLACEHOLDER), "marker"))
        at += len(_PLACEHOLDER)

    for a, b in pieces:
        while qi < len(quotes) and quotes[qi][0] < a:
            hold()
            qi += 1
        placed.append((at, a, b - a))
        parts.append(raw[a:b])
        at += b - a
    for _ in range(qi, len(quotes)):
        hold()
    text = "".join(parts)
    held += [Span(m.start(), m.end(), "marker") for m in p.QUOTE_MARKER.finditer(text)]
    out = []
    for span in detect_noise(text, kinds, protected=held):
        for t, r, n in placed:
            lo, hi = max(span.start, t), min(span.end, t + n)
            if lo < hi:
                out.append(Span(r + lo - t, r + hi - t, span.kind, span.meta))
    return out


def to_raw(stream: Stream, copy: Copy) -> tuple[int, int, int, int, Copy]:
    g0, g1 = stream.raw_range(copy.target_start, copy.target_end)
    h0, h1 = stream.raw_range(copy.source_start, copy.source_end)
    return g0, g1, h0, h1, copy


def assign_copies(regions: list[Region], copies: list[Copy], stream: Stream) -> None:
    """Give each region the pieces of the copies that fall inside it (cut in stream offsets,
    where noise no longer stands between the characters)."""
    raw = np.asarray([(r.record.base + r.start, r.record.base + r.end) for r in regions], dtype=np.int64)
    bounds = stream.at_or_after_all(raw.reshape(-1)).reshape(-1, 2).tolist() if regions else []
    firsts = [b[0] for b in bounds]
    for copy in copies:
        k = max(0, bisect.bisect_right(firsts, copy.target_start) - 1)
        while k < len(regions) and bounds[k][0] < copy.target_end:
            a, b = max(copy.target_start, bounds[k][0]), min(copy.target_end, bounds[k][1])
            if b - a >= 2:
                s0 = min(copy.source_end - 1, copy.source_start + (a - copy.target_start))
                s1 = copy.source_end if b == copy.target_end else max(s0 + 1, min(copy.source_end, s0 + b - a))
                piece = replace(copy, target_start=a, target_end=b, source_start=s0, source_end=s1)
                g0, g1, h0, h1, _ = to_raw(stream, piece)
                base = regions[k].record.base
                quoted = int(stream.to_raw[copy.quoted]) if copy.quoted is not None else None
                regions[k].copies.append(
                    (g0 - base, g1 - base, replace(copy, source_start=h0, source_end=h1, quoted=quoted))
                )
            k += 1
