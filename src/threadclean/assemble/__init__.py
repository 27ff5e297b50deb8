"""Stage 6, assemble: a thread's regions to the result: each post's own words, its quotes, and
the account of every removal.

The repeat finder and the detectors work on spans; this stage turns a thread's regions (posts
with their noise and copies) into ``Post``, ``Quote`` and ``Removal`` objects, numbering flat
posts and counting the statistics.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import replace
from typing import Any

from .. import patterns as p
from ..result import CleanResult, Origin, Post, Quote, Removal, Replacement, Stats
from ..spans import Input, Piece, Span, gaps
from ..split import Region, own_pieces
from ..split.limits import not_searched as not_searched_sentence


def outside_posts(record: Input, regions: list[Region], noise: list[Span]) -> list[Removal]:
    """Text outside every post: structure and noise there, and the white space between."""
    starts = [s.start for s in noise]
    outside: list[Removal] = []
    for a, b in gaps(0, len(record.raw), [Span(r.start, r.end, "post") for r in regions]):
        i, j = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        between = [s for s in noise[i:j] if s.end <= b]
        outside += [removal_of(record, s) for s in between]
        outside += [Removal("separator", Origin(record.input, x, y), record.raw[x:y]) for x, y in gaps(a, b, between)]
    return sorted(outside, key=lambda r: r.origin.start)


def _read_as(span: Span) -> bool:
    """Whether a span is read, not removed: an entity, which the text holds as its character."""
    return span.kind == "entity" and span.replacement is not None


def removal_of(record: Input, span: Span) -> Removal:
    origin = Origin(record.input, span.start, span.end)
    return Removal(span.kind, origin, record.raw[span.start : span.end], span.header, span.replacement)


def build_result(
    records: list[Input], regions: list[Region], outside: list[Removal], *, title: str | None, id: str | None,
    flat: bool, not_searched: dict[str, Any] | None = None,
) -> CleanResult:
    built = []
    for region in regions:
        built.append((region, *_own_text(region)))
    # where each global offset's post starts, to name a quote's canonical post
    starts = [r.record.base + r.start for r, _, _, _ in built]
    bases = [r.base for r in records]
    posts: list[Post] = []
    removed = list(outside)
    for region, text, ats, _ in built:
        rec = region.record
        quotes = []
        for copy, at in zip(sorted(region.copies, key=lambda c: c.start), ats, strict=True):
            a, b = copy.start, copy.end
            header = copy.header
            if copy.source_start is None or copy.source_end is None:  # quoted words not in the input
                quotes.append(Quote(None, Origin(rec.input, a, b), None, rec.raw[a:b], at, copy.similarity, True,
                                    header.author if header else None, header.time if header else None, 1,
                                    header.post if header else None))
                continue
            src = _locate(records, bases, copy.source_start, copy.source_end)
            k = max(0, bisect.bisect_right(starts, copy.source_start) - 1)
            source_region, source_text, _, source_pieces = built[k]
            named = None if copy.quoted is None else built[max(0, bisect.bisect_right(starts, copy.quoted) - 1)][0].id
            quotes.append(
                Quote(
                    post=source_region.id,
                    origin=Origin(rec.input, a, b),
                    source=src,
                    text=rec.raw[a:b],
                    at=at,
                    similarity=copy.similarity,
                    explicit=copy.explicit,
                    author=(header.author if header else None) or source_region.record.author,
                    time=header.time if header else None,
                    paragraph=_paragraph(source_pieces, source_text, copy.source_start - source_region.record.base),
                    quoted=named,
                )
            )
        kept = not (flat and not text.strip(p.BLANK) and not quotes)
        own_removed = tuple(removal_of(rec, s) for s in region.noise if not _read_as(s))
        if kept:
            replaced = tuple(Replacement(Origin(rec.input, s.start, s.end), rec.raw[s.start : s.end],
                                         s.replacement or "") for s in region.noise if _read_as(s))
            posts.append(Post(region.id, text, Origin(rec.input, region.start, region.end), rec.author, rec.time,
                              tuple(quotes), own_removed, replaced))
        else:  # a line that held only noise is no post: its text goes to the thread's removals
            removed += tuple(removal_of(rec, s) for s in region.noise)
            removed += [Removal("separator", Origin(rec.input, x, y), rec.raw[x:y])
                        for x, y in gaps(region.start, region.end, region.noise)]
    removed.sort(key=lambda r: (r.origin.input or "", r.origin.start))
    posts = _renumber(posts) if flat else posts
    stats = _stats(records, posts, removed, not_searched)
    warnings = (not_searched_sentence(not_searched),) if not_searched else ()
    return CleanResult(tuple(posts), tuple(removed), id=id, title=title, stats=stats, warnings=warnings)


def _own_text(region: Region) -> tuple[str, list[int], list[Piece]]:
    """The region's own words, where in them each of its quotes stood, and the pieces they read from."""
    pieces, quotes = own_pieces(region)
    ats, length, qi = [], 0, 0
    for piece in pieces:
        while qi < len(quotes) and quotes[qi][0] < piece.start:
            ats.append(length)
            qi += 1
        length += len(piece.text)
    ats += [length] * (len(quotes) - qi)
    return "".join(piece.text for piece in pieces), ats, pieces


def _paragraph(pieces: list[Piece], text: str, raw_at: int) -> int:
    """The 1-based paragraph of a post's own text where raw offset ``raw_at`` falls."""
    own = 0
    for a, b, piece_text, replaced in pieces:
        if raw_at < b:
            own += 0 if replaced else max(0, raw_at - a)
            break
        own += len(piece_text)
    return 1 + len(p.PARAGRAPH_BREAK.findall(text[:own].lstrip()))


def _locate(records: list[Input], bases: list[int], g0: int, g1: int) -> Origin:
    k = max(0, bisect.bisect_right(bases, g0) - 1)
    # an empty record shares its base with the next one: take the one that holds the offset
    while k + 1 < len(records) and records[k + 1].base <= g0 and len(records[k].raw) <= g0 - records[k].base:
        k += 1
    r = records[k]
    return Origin(r.input, g0 - r.base, min(g1 - r.base, len(r.raw)))


def _renumber(posts: list[Post]) -> list[Post]:
    """Flat posts numbered 1, 2, ... once empty lines are gone, quotes following suit."""
    new = {post.id: str(n) for n, post in enumerate(posts, 1)}
    out = []
    for post in posts:
        quotes = tuple(_requote(q, new) for q in post.quotes)
        out.append(Post(new[post.id], post.text, post.origin, post.author, post.time, quotes, post.removed,
                        post.replaced))
    return out


def _requote(q: Quote, new: dict[str, str]) -> Quote:
    if q.source is None:  # a quote of words not in the input names a post outside it, if any
        return q
    return replace(q, post=new.get(q.post or "", q.post), quoted=new.get(q.quoted, q.quoted) if q.quoted else None)


def _stats(records: list[Input], posts: list[Post], removed: list[Removal], not_searched: Any) -> Stats:
    kinds: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for r in removed + [x for post in posts for x in post.removed]:
        kinds[r.kind] += 1
        chars[r.kind] += len(r.text)
    return Stats(
        posts=len(posts),
        chars_in=sum(len(r.raw) for r in records),
        chars_out=sum(len(post.text) for post in posts),
        quotes=sum(len(post.quotes) for post in posts),
        chars_quoted=sum(len(q.text) for post in posts for q in post.quotes),
        removed={k: {"count": kinds[k], "chars": chars[k]} for k in sorted(kinds)},
        not_searched=not_searched or None,
    )
