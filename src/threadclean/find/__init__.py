"""Stage 4, find: a stream of the posts' words to copies of their first appearances.

``find_copies`` runs the phases in order: quotes placed by their headers (``quotes``), candidate
pairs of windows (``candidates``, MinHash LSH over ``bands``), the quotes no header placed and
the unmarked copies (``groups``), each aligned (``align``), exact repeats that hold too few words
for the sketches (``exact``), then ``collapse`` into disjoint
copies of first appearances. A repeat is a ``Chain`` once aligned, a ``Found`` once it knows
whether a header marked it, and a ``Copy`` once collapsed; all three in stream offsets.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from ..config import Config
from ..perf import count, phase
from .bands import Memory
from .candidates import Sketches, find_candidates
from .collapse import Copy, Found, collapse
from .exact import exact_repeats
from .groups import unmarked
from .quotes import Header, PostIndex, bounded, resolve_quote
from .stream import Stream

__all__ = ["Copy", "Header", "Search", "Sketches", "find_copies", "new_search"]

#: What the last search of a thread saw, for a search after a few posts changed (``new_search``).
Search = Memory


def new_search() -> Search:
    """A handle for searching one thread again and again: each ``find_copies`` given it sees
    what the one before saw, and searches only what changed (see ``find_candidates``)."""
    return Memory()


def find_copies(
    stream: Stream,
    *,
    headers: Sequence[Header] = (),
    authors: Sequence[str | None] = (),
    times: Sequence[str | None] = (),
    ids: Sequence[str | None] = (),
    focus: Sequence[bool] | None = None,
    search: Search | None = None,
    sketches: Sketches | None = None,
    posts: Sequence[int] | None = None,
    config: Config,
) -> list[Copy]:
    """Every repeated passage of the stream, as copies of their first appearance.

    ``authors``, ``times`` (ISO ``YYYY-MM-DDTHH:MM``) and post ``ids``, per segment, let an
    explicit quote go straight to the post its header names or links. ``focus`` (per segment)
    and ``search`` (from ``new_search``: what the search before saw) limit the search to repeats
    with a side in a flagged segment or found through a new candidate pair. ``posts`` (per
    segment, which post it belongs to, where the input says) keeps a post from quoting itself.
    ``sketches`` (a ``Sketches`` the searches of one thread share) keeps the windows and
    sketches of the segments each search read, so the next sketches only what changed.
    """
    if not config.collapse or not stream.text:
        return []
    index = PostIndex(authors, times, ids)
    found: list[Found] = []
    unplaced = []
    with phase("alignment"):  # quotes whose header names the posts they quote are placed there
        for h in bounded(headers, stream):
            placed = resolve_quote(stream, h, [], index, config, posts) if index.quoted(h[0].says, h[0].segment) \
                else []
            found += placed
            if not placed:
                unplaced.append(h)
    with phase("candidates"):  # the text of a placed quote is no target of the search
        candidates = find_candidates(
            stream, config, focus=None if focus is None else np.asarray(focus, dtype=bool), memory=search,
            placed=[(f.chain.target_start, f.chain.target_end) for f in found], sketches=sketches)
        sketched = sketches.sketched if sketches is not None else range(len(stream.bounds))
        count("posts sketched", len({posts[k] for k in sketched}) if posts is not None else len(sketched))
    with phase("alignment"):  # edited quotes, by the candidates inside them; then unmarked copies
        for h in unplaced:
            found += resolve_quote(stream, h, candidates.targeting(h[0].body_start, h[1]), index, config, posts)
        found += unmarked(stream, candidates, config, posts)
        found += exact_repeats(stream, config, posts)  # exact repeats with too few words for the sketches
    with phase("collapse"):
        copies = collapse(found, min_chars=config.min_copy_chars, text=stream.text,
                          min_similarity=config.min_similarity)
        return _with_unplaced(copies, bounded(headers, stream), stream)


def _with_unplaced(copies: list[Copy], headers: list[tuple[Header, int]], stream: Stream) -> list[Copy]:
    """The copies, and a quote with no source for every header whose quoted text has words and no
    source in the input (a post not in the file, or deleted): its words are still the quoted
    poster's, not the replier's: to where the format says the quoted text ends, or else to the
    end of its first line."""
    placed = {c.header_at for c in copies if c.explicit}
    taken = sorted((c.target_start, c.target_end) for c in copies)
    orphans = []
    for h, end in headers:
        stop = h.end if h.end is not None else h.guess
        if stop is None or h.at in placed:
            continue
        start = h.body_start
        for a, b in _free(start, min(end, stop), taken):
            if len(stream.text[a:b].strip()) >= 2:
                orphans.append(Copy(a, b, -1, -1, 0.0, True, h.says, None, h.at))
                bisect.insort(taken, (a, b))  # two headers' guesses may reach the same words: one quote
    return sorted(copies + orphans, key=lambda c: c.target_start) if orphans else copies


def _free(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` no interval of ``taken`` (sorted, disjoint) covers."""
    out, at = [], start
    first = max(0, bisect.bisect_right(taken, (start, start)) - 1)
    for a, b in taken[first:]:
        if a >= end:
            break
        if b <= at or a >= end:
            continue
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < end:
        out.append((at, end))
    return out
