"""clean_text and clean_thread: noise, repeats, and the posts they leave (assembled in assemble.py)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from . import engines
from . import patterns as p
from .assemble import Record, Region, build_result, outside_posts, own_pieces
from .candidates import SeenPairs
from .collapse import Copy
from .config import Config
from .dedup import Header, find_copies
from .engines import Document
from .errors import InputError
from .limits import searchable, unsearched_lines
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


def clean_pages(
    pages: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    config: Config | None = None,
    title: str | None = None,
    id: str | None = None,
    engine: str | None = "auto",
) -> CleanResult:
    """Clean one thread saved as several pages, in order, as one thread: a quote on a later page
    collapses into the earlier page it came from.

    Offsets index each page, whose ``input`` is its name in ``names`` (default ``page 1``,
    ``page 2``, ...), or for saved HTML pages each post's body, as with ``clean_text``. The
    format is told from the first page.

    >>> quote = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。参谋部永远是第一位的。"
    >>> result = clean_pages(["楼主说得好," + quote, quote + "\\n赞同"])
    >>> [(p.id, p.origin.input, p.text) for p in result.posts][1:]
    [('2', 'page 2', ''), ('3', 'page 2', '赞同')]
    >>> result.posts[1].quotes[0].post
    '1'
    """
    names = list(names) if names is not None else [f"page {n}" for n in range(1, len(pages) + 1)]
    if len(names) != len(pages) or len(set(names)) != len(names):
        raise ValueError("clean_pages needs one distinct name per page")
    if len(pages) == 1:
        return clean_text(pages[0], config=config, title=title, id=id, engine=engine)
    if not pages:
        return _clean([], config or _DEFAULT, title=title, id=id, flat=False)
    reader = engines.find(pages[0]) if engine == "auto" else engines.by_name(engine) if engine else None
    documents = [reader.parse(text) for text in pages] if reader else []
    if documents and documents[0].records is not None:  # saved pages: all their posts, in order
        posts = [r for d in documents for r in (d.records or [])]
        return _clean(_records(posts), config or _DEFAULT, title=title or documents[0].title, id=id, flat=False,
                      document=documents[0])
    records, base = [], 0
    for name, text in zip(names, pages, strict=True):
        records.append(Record(name, text, base))
        base += len(text)
    return _clean(records, config or _DEFAULT, title=title, id=id, flat=True,
                  document=documents[0] if documents else None, pages=documents or None)


def _clean(
    records: list[Record], config: Config, *, title: str | None, id: str | None, flat: bool,
    document: Document | None = None, pages: list[Document] | None = None,
) -> CleanResult:
    """``document`` is the engine's reading (its detectors, where its quotes end); ``pages`` are
    a dump engine's readings of each record, where its posts lie."""
    if document is not None and document.records is None and pages is None:
        pages = [document]
    noise, protected = [], []
    # a byte-order mark is noise at the start of a file, not at the start of every post
    kinds = config.detectors if flat else config.detectors - {"bom"}
    extra = document.detectors if document else None
    with phase("noise"):
        for k, r in enumerate(records):
            markers = [Span(m.start(), m.end(), "marker") for m in p.QUOTE_MARKER.finditer(r.raw)]
            protected.append(markers)
            found = detect_noise(r.raw, kinds, protected=markers, extra=extra)
            if pages and pages[k].structure:  # post headers and separators first: structure wins
                structure = sorted(pages[k].structure)
                found = keep_disjoint(structure + [s for s in found if not overlaps_any(s, structure)])
            noise.append(found)
    if pages is not None:
        return _clean_document(records, pages, noise, protected, config, title=title, id=id)
    if flat:  # a line counts as a post for the caps
        cut, limits = unsearched_lines([r.raw for r in records], config)
    else:
        ok, limits = searchable([len(r.raw) for r in records], config)
        cut = [[] if keep else [(0, len(r.raw))] for r, keep in zip(records, ok, strict=True)]
    # a quote marker of threadclean's own layout stands where a quote was: no copy spans it
    segments, owner = [], []
    for k, (r, spans, marks) in enumerate(zip(records, noise, protected, strict=True)):
        breaks = sorted([(m.start, m.end) for m in marks] + cut[k] + _quote_ends(r.raw, 0, len(r.raw), document))
        left_out = [Span(a, b, "not-searched") for a, b in cut[k]]
        for piece in _split_at(r, gaps(0, len(r.raw), spans + marks + left_out), breaks):
            segments.append(piece)
            owner.append(k)
    stream = build_stream(segments)
    headers = _headers(stream, owner, [(r.base, spans) for r, spans in zip(records, noise, strict=True)])
    authors = [records[k].author for k in owner]
    times = [iso_time(t) if (t := records[k].time) else None for k in owner]
    ids = [records[k].input for k in owner]
    copies = find_copies(stream, headers=headers, authors=authors, times=times, ids=ids, config=config)
    if flat:
        raw = [_to_raw(stream, c) for c in copies]
        regions: list[Region] = []
        outside: list[Removal] = []
        for k, r in enumerate(records):
            mine = [(g0 - r.base, g1 - r.base, h0, h1, c) for g0, g1, h0, h1, c in raw
                    if r.base <= g0 < r.base + len(r.raw)]
            got, out = _flat_regions(r, noise[k], mine, first=len(regions) + 1)
            for region in got:
                region.searched = not any(a < region.end and region.start < b for a, b in cut[k])
            regions += got
            outside += out
    else:
        regions = [Region(r.input or "", r, 0, len(r.raw), spans, [], searched=not c)
                   for r, spans, c in zip(records, noise, cut, strict=True)]
        outside = []
    _assign_copies(regions, copies, stream)
    _settle(regions, config, document)
    return build_result(records, regions, outside, title=title, id=id, flat=flat, not_searched=limits)


def _headers(stream: Stream, owner: list[int], spans_of: list[tuple[int, list[Span]]]) -> list[Header]:
    """The quote headers of each owner (its record's base and noise), placed in the stream."""
    headers = []
    for k, (base, spans) in enumerate(spans_of):
        for s in spans:
            if s.kind == "quote-header" and s.meta:
                at = stream.at_or_after(base + s.end)
                seg = stream.segment_at(at)
                if 0 <= seg < len(owner) and owner[seg] == k and at < stream.bounds[seg][1]:
                    headers.append(Header(at, seg, s.meta))
    return headers


def _clean_document(
    records: list[Record], pages: list[Document], noise: list[list[Span]], markers: list[list[Span]],
    config: Config, *, title: str | None, id: str | None,
) -> CleanResult:
    """Texts whose posts an engine found: each post is a segment with its author and time."""
    regions: list[Region] = []
    segments: list[list[tuple[int, str]]] = []
    owner: list[int] = []
    posts: list[engines.PostSpan] = []
    ok, limits = searchable([p.end - p.start for d in pages for p in d.posts], config)
    for record, document, spans, marks_in in zip(records, pages, noise, markers, strict=True):
        starts = [s.start for s in spans]
        for post in document.posts:
            i, j = bisect.bisect_left(starts, post.start), bisect.bisect_left(starts, post.end)
            inside = [s for s in spans[i:j] if s.end <= post.end]
            region = Region(post.id, replace(record, author=post.author, time=post.time), post.start,
                            post.end, inside, [], searched=ok[len(regions)])
            if not region.searched:
                regions.append(region)
                posts.append(post)
                continue
            marks = [m for m in marks_in if post.start <= m.start < post.end]
            breaks = sorted([(m.start, m.end) for m in marks] + _quote_ends(record.raw, post.start, post.end, document))
            for piece in _split_at(record, gaps(post.start, post.end, inside + marks), breaks):
                segments.append(piece)
                owner.append(len(regions))
            regions.append(region)
            posts.append(post)
    stream = build_stream(segments)
    headers = _headers(stream, owner, [(r.record.base, r.noise) for r in regions])
    authors = [posts[k].author for k in owner]
    times = [iso_time(t) if (t := posts[k].time) else None for k in owner]
    ids = [posts[k].id for k in owner]
    copies = find_copies(stream, headers=headers, authors=authors, times=times, ids=ids, config=config)
    _assign_copies(regions, copies, stream)
    _settle(regions, config, pages[0])
    outside = []
    for record, spans in zip(records, noise, strict=True):
        outside += outside_posts(record, [r for r in regions if r.record.input == record.input], spans)
    return build_result(records, regions, outside, title=title, id=id, flat=False, not_searched=limits)


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


_MAX_ROUNDS = 5  # rounds after the first search only the posts the one before changed: cheap, and rarely needed
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
    seen = SeenPairs()
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
                pieces, quotes = own_pieces(region)
                markers = [m.span() for m in p.QUOTE_MARKER.finditer(region.record.raw, region.start, region.end)]
                if markers:  # as in the first round: a marker is no text and no copy spans it
                    pieces = [x for a, b in pieces for x in gaps(a, b, [Span(m0, m1, "marker") for m0, m1 in markers])]
                ends = _quote_ends(region.record.raw, region.start, region.end, document)
                split = _split_at(region.record, pieces, sorted(quotes + markers + ends))
                segments += split
                focus += [changed[k]] * len(split)
            again = build_stream(segments)
            more = find_copies(again, focus=focus, seen=seen, config=config)
            if more:
                _assign_copies(regions, more, again)
        changed = [a or len(region.copies) != b for a, region, b in zip(fresh_noise, regions, before, strict=True)]
        if not any(changed):
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
    record: Record, noise: list[Span], copies: list[tuple[int, int, int, int, Copy]], *, first: int = 1
) -> tuple[list[Region], list[Removal]]:
    header_at = {id(s.meta): s.start for s in noise if s.kind == "quote-header"}
    quote_ends = {header_at[id(c.header)]: g1 for _, g1, _, _, c in copies if c.explicit and id(c.header) in header_at}
    spans = split_posts(record.raw, noise, quote_ends)
    starts = [s.start for s in noise]
    regions = []
    for n, (a, b) in enumerate(spans, first):
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
