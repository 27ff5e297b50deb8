"""clean_text and clean_thread: noise, repeats, and the posts they leave (assembled in assemble.py)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from . import engines
from . import patterns as p
from .assemble import Record, Region, build_result, outside_posts, own_pieces
from .collapse import Copy
from .config import Config
from .dedup import Header, find_copies
from .engines import Document
from .errors import InputError
from .noise import detect_noise, iso_time
from .normalize import Stream, build_stream
from .result import CleanResult, Removal
from .segment import split_posts
from .spans import Span, gaps, keep_disjoint, overlaps_any
from .timing import phase

_DEFAULT = Config()


def clean_text(
    text: str,
    *,
    config: Config | None = None,
    title: str | None = None,
    id: str | None = None,
    engine: str | None = "auto",
) -> CleanResult:
    """Clean one thread given as one text: a flat dump, or a dump format an engine reads.

    ``engine`` names the format (see ``threadclean.engines``); ``"auto"`` tells it from the
    text, and None reads a flat dump whatever the text looks like. Offsets in the result index
    ``text`` itself (``input`` is None), except for a saved page, whose inputs are its posts'
    bodies as the HTML parser writes them (``input`` is the post's id on the page).

    >>> quote = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。参谋部永远是第一位的。"
    >>> result = clean_text("楼主说得好," + quote + "\\n" + quote + "{:soso_e121:}赞同")
    >>> result.posts[0].text == "楼主说得好," + quote
    True
    >>> [(q.post, q.text == quote) for q in result.posts[1].quotes], result.posts[1].text
    ([('1', True)], '赞同')
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_text takes a str, not {type(text).__name__}")
    reader = engines.find(text) if engine == "auto" else engines.by_name(engine) if engine else None
    document = reader.parse(text) if reader else None
    if document is not None and document.records is not None:  # a page: its posts' bodies are the inputs
        return _clean(_records(document.records), config or _DEFAULT, title=title or document.title, id=id,
                      flat=False, document=document)
    return _clean([Record(None, text, 0)], config or _DEFAULT, title=title, id=id, flat=True, document=document)


def clean_thread(
    posts: Iterable[Mapping[str, Any] | str],
    *,
    config: Config | None = None,
    title: str | None = None,
    id: str | None = None,
) -> CleanResult:
    """Clean a thread given as posts: mappings with ``text`` (and optionally ``id``, ``author``,
    ``time``) or plain strings. A post without an id gets its 1-based position.

    Offsets in the result index each post's ``text`` (``input`` is the post's id).
    """
    return _clean(_records(posts), config or _DEFAULT, title=title, id=id, flat=False)


def _records(posts: Iterable[Mapping[str, Any] | str]) -> list[Record]:
    records: list[Record] = []
    base = 0
    seen: set[str] = set()
    for n, post in enumerate(posts, 1):
        if isinstance(post, str):
            post = {"text": post}
        if not isinstance(post, Mapping):
            raise InputError(f"a post must be an object with a text, not {type(post).__name__}", where=f"post {n}")
        text = post.get("text")
        if not isinstance(text, str):
            raise InputError("a post needs a \"text\" string", where=f"post {n}")
        pid = str(post["id"]) if post.get("id") is not None else str(n)
        if pid in seen:
            raise InputError(f"two posts have the id {pid!r}", where=f"post {n}")
        seen.add(pid)
        records.append(Record(pid, text, base, _opt_str(post.get("author")), _opt_str(post.get("time"))))
        base += len(text)
    return records


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _clean(
    records: list[Record], config: Config, *, title: str | None, id: str | None, flat: bool,
    document: Document | None = None,
) -> CleanResult:
    noise, protected = [], []
    # a byte-order mark is noise at the start of a file, not at the start of every post
    kinds = config.detectors if flat else config.detectors - {"bom"}
    extra = document.detectors if document else None
    with phase("noise"):
        for r in records:
            markers = [Span(m.start(), m.end(), "marker") for m in p.QUOTE_MARKER.finditer(r.raw)]
            protected.append(markers)
            found = detect_noise(r.raw, kinds, protected=markers, extra=extra)
            if document and document.structure:  # post headers and separators first: structure wins
                structure = sorted(document.structure)
                found = keep_disjoint(structure + [s for s in found if not overlaps_any(s, structure)])
            noise.append(found)
    if document is not None and document.records is None:
        return _clean_document(records[0], document, noise[0], protected[0], config, title=title, id=id)
    # a quote marker of threadclean's own layout stands where a quote was: no copy spans it
    segments, owner = [], []
    for k, (r, spans, marks) in enumerate(zip(records, noise, protected, strict=True)):
        breaks = sorted([(m.start, m.end) for m in marks] + _quote_ends(r.raw, 0, len(r.raw), document))
        for piece in _split_at(r, gaps(0, len(r.raw), spans + marks), breaks):
            segments.append(piece)
            owner.append(k)
    stream = build_stream(segments)
    headers = []
    for k, (r, spans) in enumerate(zip(records, noise, strict=True)):
        for s in spans:
            if s.kind == "quote-header" and s.meta:
                at = stream.at_or_after(r.base + s.end)
                seg = stream.segment_at(at)
                if 0 <= seg < len(owner) and owner[seg] == k and at < stream.bounds[seg][1]:
                    headers.append(Header(at, seg, s.meta))
    authors = [records[k].author for k in owner]
    times = [iso_time(t) if (t := records[k].time) else None for k in owner]
    ids = [records[k].input for k in owner]
    copies = find_copies(stream, headers=headers, authors=authors, times=times, ids=ids, config=config)
    if flat:
        regions, outside = _flat_regions(records[0], noise[0], [_to_raw(stream, c) for c in copies])
    else:
        regions = [Region(r.input or "", r, 0, len(r.raw), spans, []) for r, spans in zip(records, noise, strict=True)]
        outside = []
    _assign_copies(regions, copies, stream)
    _settle(regions, config, document)
    return build_result(records, regions, outside, title=title, id=id, flat=flat)


def _clean_document(
    record: Record, document: Document, noise: list[Span], markers: list[Span], config: Config, *,
    title: str | None, id: str | None,
) -> CleanResult:
    """A text whose posts an engine found: each post is a segment with its author and time."""
    starts = [s.start for s in noise]
    regions, segments, owner = [], [], []
    for k, post in enumerate(document.posts):
        i, j = bisect.bisect_left(starts, post.start), bisect.bisect_left(starts, post.end)
        inside = [s for s in noise[i:j] if s.end <= post.end]
        region = Region(post.id, replace(record, author=post.author, time=post.time), post.start,
                         post.end, inside, [])
        regions.append(region)
        marks = [m for m in markers if post.start <= m.start < post.end]
        breaks = sorted([(m.start, m.end) for m in marks] + _quote_ends(record.raw, post.start, post.end, document))
        for piece in _split_at(record, gaps(post.start, post.end, inside + marks), breaks):
            segments.append(piece)
            owner.append(k)
    stream = build_stream(segments)
    headers = []
    for k, region in enumerate(regions):
        for s in region.noise:
            if s.kind == "quote-header" and s.meta:
                at = stream.at_or_after(s.end)
                seg = stream.segment_at(at)
                if 0 <= seg < len(owner) and owner[seg] == k and at < stream.bounds[seg][1]:
                    headers.append(Header(at, seg, s.meta))
    authors = [document.posts[k].author for k in owner]
    times = [iso_time(t) if (t := document.posts[k].time) else None for k in owner]
    ids = [document.posts[k].id for k in owner]
    copies = find_copies(stream, headers=headers, authors=authors, times=times, ids=ids, config=config)
    _assign_copies(regions, copies, stream)
    _settle(regions, config, document)
    outside = outside_posts(record, regions, noise)
    return build_result([record], regions, outside, title=title, id=id, flat=False)


def _split_at(
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


_MAX_ROUNDS = 3  # what one round takes out can only reveal a little more; a second round nearly always finds none
_PLACEHOLDER = "[quote #0 ¶1]"  # stands where a quote was, as the text layout's marker will


def _quote_ends(raw: str, start: int, end: int, document: Document | None) -> list[tuple[int, int]]:
    """Where the quote boxes of an engine's format close: no copy runs on past one."""
    if document is None or document.quote_end is None:
        return []
    return [m.span() for m in document.quote_end.finditer(raw, start, end)]


def _settle(regions: list[Region], config: Config, document: Document | None = None) -> None:
    """Clean what the posts keep again, as cleaning the output would read it, until nothing changes.

    Taking quotes and noise out joins text that stood apart, and that can make more noise or
    another repeat. Each round reads every post's own words with a marker where each quote
    stood, exactly what the text layout writes, so once a round finds nothing, cleaning the
    cleaned thread changes nothing.
    """
    kinds = config.detectors - {"bom"}
    for _ in range(_MAX_ROUNDS):
        changed = False
        with phase("noise"):
            for region in regions:
                fresh = _noise_in_what_is_left(region, kinds)
                if fresh:
                    region.noise = sorted(region.noise + fresh)
                    changed = True
        if config.collapse:
            segments = []
            for region in regions:
                pieces, quotes = own_pieces(region)
                markers = [m.span() for m in p.QUOTE_MARKER.finditer(region.record.raw, region.start, region.end)]
                if markers:  # as in the first round: a marker is no text and no copy spans it
                    pieces = [x for a, b in pieces for x in gaps(a, b, [Span(m0, m1, "marker") for m0, m1 in markers])]
                ends = _quote_ends(region.record.raw, region.start, region.end, document)
                segments += _split_at(region.record, pieces, sorted(quotes + markers + ends))
            again = build_stream(segments)
            more = find_copies(again, config=config)
            if more:
                _assign_copies(regions, more, again)
                changed = True
        if not changed:
            return


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


def _to_raw(stream: Stream, copy: Copy) -> tuple[int, int, int, int, Copy]:
    g0, g1 = stream.raw_range(copy.target_start, copy.target_end)
    h0, h1 = stream.raw_range(copy.source_start, copy.source_end)
    return g0, g1, h0, h1, copy


def _flat_regions(
    record: Record, noise: list[Span], copies: list[tuple[int, int, int, int, Copy]]
) -> tuple[list[Region], list[Removal]]:
    header_at = {id(s.meta): s.start for s in noise if s.kind == "quote-header"}
    quote_ends = {header_at[id(c.header)]: g1 for _, g1, _, _, c in copies if c.explicit and id(c.header) in header_at}
    spans = split_posts(record.raw, noise, quote_ends)
    starts = [s.start for s in noise]
    regions = []
    for n, (a, b) in enumerate(spans, 1):
        i, j = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        regions.append(Region(str(n), record, a, b, noise[i:j], []))
    return regions, outside_posts(record, regions, noise)


def _assign_copies(regions: list[Region], copies: list[Copy], stream: Stream) -> None:
    """Give each region the pieces of the copies that fall inside it (cut in stream offsets,
    where noise no longer stands between the characters)."""
    bounds = [(stream.at_or_after(r.record.base + r.start), stream.at_or_after(r.record.base + r.end)) for r in regions]
    firsts = [b[0] for b in bounds]
    for copy in copies:
        k = max(0, bisect.bisect_right(firsts, copy.target_start) - 1)
        while k < len(regions) and bounds[k][0] < copy.target_end:
            a, b = max(copy.target_start, bounds[k][0]), min(copy.target_end, bounds[k][1])
            if b - a >= 2:
                s0 = min(copy.source_end - 1, copy.source_start + (a - copy.target_start))
                s1 = copy.source_end if b == copy.target_end else max(s0 + 1, min(copy.source_end, s0 + b - a))
                piece = replace(copy, target_start=a, target_end=b, source_start=s0, source_end=s1)
                g0, g1, h0, h1, _ = _to_raw(stream, piece)
                base = regions[k].record.base
                quoted = int(stream.to_raw[copy.quoted]) if copy.quoted is not None else None
                regions[k].copies.append(
                    (g0 - base, g1 - base, replace(copy, source_start=h0, source_end=h1, quoted=quoted))
                )
            k += 1
