"""What the search across threads knows of a post: its own words (after its thread's copies
were collapsed), where they stand in the raw input, and where in the archive's order it comes.

A post's place in that order is its *rank* (minutes since 1970 of its time, or, for a post with
no readable time, of the nearest dated post before it in its thread; ``UNDATED`` for a thread
with no time at all) and then its *number* ``gpn``: the run that indexed it, the job (the
thread's place in the archive's listing) and the post's place in its thread, packed so that
sorting numbers sorts by run, then job, then post. The first appearance of a passage is the
post first in (rank, gpn): by time where both posts have one, else by the archive's order; an
undated thread counts as after every dated one.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

UNDATED = (1 << 62)  # the rank of a post of a thread with no readable time
_RUN_SHIFT, _JOB_SHIFT = 56, 24
MAX_JOBS = 1 << (_RUN_SHIFT - _JOB_SHIFT)  # jobs a run may hold
MAX_POSTS = 1 << _JOB_SHIFT  # posts a thread may hold
MAX_RUNS = 1 << 6


def post_number(run: int, job: int, post: int) -> int:
    """The archive-order number of a post: run, job and place in the thread, packed.

    >>> post_number(0, 3, 2) < post_number(0, 4, 0) < post_number(1, 0, 0)
    True
    """
    return (run << _RUN_SHIFT) | (job << _JOB_SHIFT) | post


def thread_of(gpn: int) -> int:
    """The thread (run and job) of a post number: equal for the posts of one thread."""
    return gpn >> _JOB_SHIFT


def minutes(stamp: str | None) -> int | None:
    """Minutes since 1970 (UTC) of an ISO 8601 time, None if it does not read as one.

    >>> minutes("1970-01-01T01:00"), minutes("1970-01-02"), minutes("soon")
    (60, 1440, None)
    """
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() // 60)


def ranks(times: Sequence[str | None]) -> list[int]:
    """Each post's rank from its ISO time: a post with none takes the nearest dated one before it
    (or after it, for those before the first), a thread with none is ``UNDATED``.

    >>> ranks([None, "1970-01-01T00:05", None, "1970-01-01T00:01"])
    [5, 5, 5, 1]
    """
    read = [minutes(t) for t in times]
    known = [m for m in read if m is not None]
    if not known:
        return [UNDATED] * len(read)
    out, last = [], known[0]
    for m in read:
        last = m if m is not None else last
        out.append(last)
    return out


@dataclass(frozen=True, slots=True)
class PostEntry:
    """A post as the search across threads sees it.

    ``pieces`` map its ``text`` to the raw input ``input``: ``(text start, text length, raw
    start, raw length)`` in text order, a piece whose two lengths differ being an entity read as
    its character. ``barriers`` are the text offsets where a quote of its own thread stands: a
    copy found across threads does not run over one.
    """

    gpn: int
    rank: int
    path: str
    thread: str
    post: str
    author: str | None
    input: str | None
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]
    barriers: tuple[int, ...]

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """The raw ``[start, end)`` that ``text[start:end]`` (not empty) was read from.

        >>> e = PostEntry(0, 0, "p", "t", "1", None, None, "a&b", ((0, 1, 10, 1), (1, 1, 11, 5), (2, 1, 16, 1)), ())
        >>> e.raw_range(1, 3), e.raw_range(0, 1)
        ((11, 17), (10, 11))
        """
        return self._raw_at(start, first=True), self._raw_at(end - 1, first=False)

    def _raw_at(self, at: int, *, first: bool) -> int:
        k = bisect.bisect_right(self.pieces, (at, 1 << 62)) - 1
        t0, tn, r0, rn = self.pieces[k]
        if tn != rn:  # an entity: all of it or none
            return r0 if first else r0 + rn
        return r0 + (at - t0) + (0 if first else 1)

    def to_row(self) -> dict[str, Any]:
        return {"gpn": self.gpn, "rank": self.rank, "path": self.path, "thread": self.thread, "post": self.post,
                "author": self.author, "input": self.input, "text": self.text,
                "pieces": [list(p) for p in self.pieces], "barriers": list(self.barriers)}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PostEntry:
        return cls(row["gpn"], row["rank"], row["path"], row["thread"], row["post"], row["author"], row["input"],
                   row["text"], tuple((a, b, c, d) for a, b, c, d in row["pieces"]),
                   tuple(row["barriers"]))


def own_pieces(post: Mapping[str, Any]) -> tuple[tuple[int, int, int, int], ...]:
    """The pieces of a ``threadclean/1`` post's text: the raw stretches of its origin outside
    its quotes and removals, and its replaced entities, in order (the inverse of the rebuild).

    >>> own_pieces({"origin": {"start": 0, "end": 9}, "text": "ab&cd",
    ...             "quotes": [], "removed": [{"origin": {"start": 2, "end": 4}}],
    ...             "replaced": [{"origin": {"start": 5, "end": 8}, "replacement": "&"}]})
    ((0, 2, 0, 2), (2, 1, 4, 1), (3, 1, 5, 3), (4, 1, 8, 1))
    """
    quotes = [(q["origin"]["start"], q["origin"]["end"], None) for q in post.get("quotes", [])]
    spans = list(quotes)
    for r in [*post.get("removed", []), *post.get("replaced", [])]:
        a, b = r["origin"]["start"], r["origin"]["end"]
        if not any(x <= a and b <= y for x, y, _ in quotes):
            spans.append((a, b, r.get("replacement")))
    spans.sort(key=lambda s: (s[0], s[1]))
    out: list[tuple[int, int, int, int]] = []
    used, at, end = 0, post["origin"]["start"], post["origin"]["end"]
    for a, b, stands in [*spans, (end, end, None)]:
        if a > at:
            out.append((used, a - at, at, a - at))
            used += a - at
        if stands:
            out.append((used, len(stands), a, b - a))
            used += len(stands)
        at = max(at, b)
    return tuple(out)


def entries_of(doc: Mapping[str, Any], *, path: str, thread: str, run: int, job: int) -> list[PostEntry]:
    """The posts of a thread's ``threadclean/1`` document as the search across threads sees them."""
    posts = doc.get("posts", [])
    if len(posts) >= MAX_POSTS:
        posts = posts[: MAX_POSTS - 1]
    out = []
    for k, (post, rank) in enumerate(zip(posts, ranks([p.get("time_iso") for p in posts]), strict=True)):
        out.append(PostEntry(post_number(run, job, k), rank, path, thread, str(post["id"]), post.get("author"),
                             post["origin"]["input"], post["text"], own_pieces(post),
                             tuple(sorted({q["at"] for q in post.get("quotes", [])}))))
    return out
