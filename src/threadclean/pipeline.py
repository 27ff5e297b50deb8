"""clean_text and clean_thread: noise, repeats, and the posts they leave (assembled in assemble.py)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from . import engines
from . import patterns as p
from .assemble import Record, Region, build_result, outside_posts
from .collapse import Copy
from .config import Config
from .dedup import Header, find_copies
from .engines import Document
from .errors import InputError
from .heap import collector_paused
from .limits import searchable, unsearched_lines
from .noise import detect_noise, iso_time
from .normalize import Stream, build_stream
from .result import CleanResult, Removal
from .segment import split_posts
from .settle import assign_copies, quote_ends, settle, split_at, to_raw
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
    with collector_paused():
        return _clean_records(records, config, title=title, id=id, flat=flat, document=document, pages=pages)


def _clean_records(
    records: list[Record], config: Config, *, title: str | None, id: str | None, flat: bool,
    document: Document | None, pages: list[Document] | None,
) -> CleanResult:
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
        breaks = sorted([(m.start, m.end) for m in marks] + cut[k] + quote_ends(r.raw, 0, len(r.raw), document))
        left_out = [Span(a, b, "not-searched") for a, b in cut[k]]
        for piece in split_at(r, gaps(0, len(r.raw), spans + marks + left_out), breaks):
            segments.append(piece)
            owner.append(k)
    stream = build_stream(segments)
    headers = _headers(stream, owner, [(r.base, spans) for r, spans in zip(records, noise, strict=True)])
    authors = [records[k].author for k in owner]
    times = [iso_time(t) if (t := records[k].time) else None for k in owner]
    ids = [records[k].input for k in owner]
    copies = find_copies(stream, headers=headers, authors=authors, times=times, ids=ids, config=config)
    if flat:
        raw = [to_raw(stream, c) for c in copies]
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
    assign_copies(regions, copies, stream)
    settle(regions, config, document)
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
            breaks = sorted([(m.start, m.end) for m in marks] + quote_ends(record.raw, post.start, post.end, document))
            for piece in split_at(record, gaps(post.start, post.end, inside + marks), breaks):
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
    assign_copies(regions, copies, stream)
    settle(regions, config, pages[0])
    outside = []
    for record, spans in zip(records, noise, strict=True):
        outside += outside_posts(record, [r for r in regions if r.record.input == record.input], spans)
    return build_result(records, regions, outside, title=title, id=id, flat=False, not_searched=limits)


def _flat_regions(
    record: Record, noise: list[Span], copies: list[tuple[int, int, int, int, Copy]], *, first: int = 1
) -> tuple[list[Region], list[Removal]]:
    header_at = {id(s.meta): s.start for s in noise if s.kind == "quote-header"}
    stops = {header_at[id(c.header)]: g1 for _, g1, _, _, c in copies if c.explicit and id(c.header) in header_at}
    spans = split_posts(record.raw, noise, stops)
    starts = [s.start for s in noise]
    regions = []
    for n, (a, b) in enumerate(spans, first):
        i, j = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        regions.append(Region(str(n), record, a, b, noise[i:j], []))
    return regions, outside_posts(record, regions, noise)
