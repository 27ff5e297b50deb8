"""Stage 5, settle: clean what the posts keep again, as cleaning the output would read it, until
nothing changes."""

from __future__ import annotations

from .. import patterns as p
from ..config import Config
from ..find import Search, Sketches, find_copies, new_search
from ..find.stream import Segment, build_stream, split_at
from ..perf import phase
from ..spans import Span, read_pieces
from ..split import Region, own_pieces, place_copies
from ..strip import detect_noise

_MAX_ROUNDS = 5  # rounds after the first search only the posts the one before changed: cheap, and rarely needed
_PLACEHOLDER = "[quote #0 ¶1]"  # stands where a quote was, as the text layout's marker will


def settle(
    regions: list[Region], config: Config, *, delimited: bool = False, sketches: Sketches | None = None,
    search: Search | None = None,
) -> None:
    """Clean what the posts keep again, as cleaning the output would read it, until nothing changes.

    Taking quotes and noise out joins text that stood apart, and that can make more noise or
    another repeat. Each round reads every post's own words with a marker where each quote
    stood, exactly what the text layout writes, so once a round finds nothing, cleaning the
    cleaned thread changes nothing.

    A round searches only for repeats with a side in a post the round before changed (it got a
    copy or more noise), or found through a candidate pair that round did not have: between two
    unchanged posts, it aligned the same words. ``search`` is the first search's memory (from
    ``find.new_search``), where the first search read posts as the layout writes them (each
    post whole, given as the input's posts): the first round then counts as changed only the
    posts that hold noise or copies. Without it (a dump cut into posts after its search), the
    first round searches everything. ``delimited``: the input itself said where the posts are,
    so no post quotes itself.
    ``sketches``: the windows and sketches the first search made (``find.Sketches``), so a
    round sketches only the posts whose words changed.
    """
    kinds = config.noise_kinds - {"bom"}
    if search is None:
        changed = [True] * len(regions)
        search = new_search()
    else:  # the first search's memory: a post it read as the layout writes it is no change
        changed = [bool(r.noise or r.copies or _cut_in_a_line(r)) for r in regions]
    read: dict[int, list[Segment]] = {}  # each region's segments, as the last round read them
    for n in range(_MAX_ROUNDS):
        fresh_noise = [False] * len(regions)
        with phase("noise"):
            for k, region in enumerate(regions):
                if (n and not changed[k]) or not (region.noise or region.copies or _cut_in_a_line(region)):
                    continue  # its words are those the round before read (or the raw post, read first)
                fresh = _noise_in_what_is_left(region, kinds)
                if fresh:
                    region.add_noise(fresh)
                    fresh_noise[k] = True
        changed = [a or b for a, b in zip(changed, fresh_noise, strict=True)]
        before = [len(region.copies) for region in regions]
        if config.collapse and any(changed):
            segments, focus, owners = [], [], []
            for k, region in enumerate(regions):
                if not region.searched:
                    continue
                if changed[k] or k not in read:  # an unchanged region reads as the round before
                    read[k] = _segments_of(region)
                segments += read[k]
                focus += [changed[k]] * len(read[k])
                owners += [k] * len(read[k])
            again = build_stream(segments)
            more = find_copies(again, focus=focus, search=search, sketches=sketches,
                               posts=owners if delimited else None, config=config)
            if more:
                place_copies(regions, more, again)
        changed = [a or len(region.copies) != b for a, region, b in zip(fresh_noise, regions, before, strict=True)]
        if not any(changed):
            return


def _cut_in_a_line(region: Region) -> bool:
    """Whether a flat dump's post was cut out of a line (at a quote header inside it): the
    detectors read that line whole, the layout writes the post alone, so its noise is read again."""
    raw, a, b = region.record.raw, region.start, region.end
    return (a > 0 and raw[a - 1] not in "\r\n") or (b < len(raw) and raw[b] not in "\r\n")


def _segments_of(region: Region) -> list[Segment]:
    """A region's own words as the repeat finder reads them: cut where a quote stood and at quote
    markers (no text, and no copy spans one, as in the first search), as the layout writes them."""
    pieces, quotes = own_pieces(region)
    raw = region.record.raw
    markers = [m.span() for m in p.QUOTE_MARKER.finditer(raw, region.start, region.end)]
    if markers:
        spans = [Span(m0, m1, "marker") for m0, m1 in markers]
        pieces = [x for piece in pieces
                  for x in ([piece] if piece.replaced else read_pieces(raw, piece.start, piece.end, spans))]
    # where a quote box closed, the quote's own cut stands; a close with no quote before it (a
    # stray "[/quote]") is markup the layout does not write, so it cuts nothing here either
    return split_at(region.record, pieces, sorted(quotes + markers))


def _noise_in_what_is_left(region: Region, kinds: frozenset[str]) -> list[Span]:
    """Noise in a region's own words that only shows once its quotes and noise are out."""
    pieces, quotes = own_pieces(region)
    parts: list[str] = []
    placed: list[tuple[int, int, int]] = []  # (offset in the text read, raw offset, length) of raw text
    held: list[Span] = []
    at, qi = 0, 0

    def hold() -> None:
        nonlocal at
        parts.append(_PLACEHOLDER)
        held.append(Span(at, at + len(_PLACEHOLDER), "marker"))
        at += len(_PLACEHOLDER)

    for a, _, text, replaced in pieces:
        while qi < len(quotes) and quotes[qi][0] < a:
            hold()
            qi += 1
        if not replaced:  # a replacement is noise already: nothing found in it maps back
            placed.append((at, a, len(text)))
        parts.append(text)
        at += len(text)
    for _ in range(qi, len(quotes)):
        hold()
    text = "".join(parts)
    held += [Span(m.start(), m.end(), "marker") for m in p.QUOTE_MARKER.finditer(text)]
    out = []
    for span in detect_noise(text, kinds, protected=held):
        for t, r, n in placed:
            lo, hi = max(span.start, t), min(span.end, t + n)
            if lo < hi:
                out.append(Span(r + lo - t, r + hi - t, span.kind, span.header))
    return out
