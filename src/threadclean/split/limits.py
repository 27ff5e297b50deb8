"""Which posts the repeat search covers: the caps that bound a thread's memory.

A post over ``max_post_chars``, or past ``max_thread_posts`` or ``max_thread_chars``, is left
out of the search. It is not dropped: its noise is still removed and its words kept as they
are, and the result counts it in ``stats["not_searched"]``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..config import Config


def searchable(lengths: list[int], config: Config) -> tuple[list[bool], dict[str, Any] | None]:
    """Per post (by length in characters, in order), whether it is searched; and what was not.

    >>> searchable([5, 50, 5, 5], Config(max_post_chars=10, max_thread_posts=3))
    ([True, False, True, False], {'posts': 2, 'chars': 55, 'why': {'max_post_chars': 1, 'max_thread_posts': 1}})
    """
    ok: list[bool] = []
    why: Counter[str] = Counter()
    total = chars = 0
    for k, n in enumerate(lengths):
        reason = (
            "max_thread_posts" if k >= config.max_thread_posts
            else "max_post_chars" if n > config.max_post_chars
            else "max_thread_chars" if total + n > config.max_thread_chars or why["max_thread_chars"]
            else None
        )
        ok.append(reason is None)
        if reason is None:
            total += n
        else:
            why[reason] += 1
            chars += n
    return ok, ({"posts": sum(why.values()), "chars": chars, "why": dict(sorted(why.items()))} if why else None)


def unsearched_lines(texts: list[str], config: Config) -> tuple[list[list[tuple[int, int]]], dict[str, Any] | None]:
    """For flat dumps, where a line counts as a post: per text, the ranges not searched.

    >>> unsearched_lines(["ab\\n" + "x" * 20 + "\\ncd"], Config(max_post_chars=10))[0]
    [[(3, 24)]]
    """
    lines: list[tuple[int, int, int]] = []  # (text, start, end)
    for t, text in enumerate(texts):
        at = 0
        while at < len(text):
            end = text.find("\n", at)
            end = len(text) if end < 0 else end + 1
            lines.append((t, at, end))
            at = end
    ok, limits = searchable([b - a for _, a, b in lines], config)
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    for (t, a, b), keep in zip(lines, ok, strict=True):
        if keep:
            continue
        if out[t] and out[t][-1][1] == a:
            out[t][-1] = (out[t][-1][0], b)
        else:
            out[t].append((a, b))
    return out, limits


def not_searched(figures: dict[str, Any]) -> str:
    """What a thread's ``stats["not_searched"]`` says, in a sentence.

    >>> not_searched({"posts": 2, "chars": 1500, "why": {"max_post_chars": 2}})
    '2 posts (1,500 characters) over max_post_chars were not searched for repeats (noise was still removed)'
    """
    why = ", ".join(f"{n:,} over {cap}" if len(figures["why"]) > 1 else f"over {cap}"
                    for cap, n in figures["why"].items())
    many = figures["posts"] != 1
    return (f"{figures['posts']:,} post{'s' if many else ''} ({figures['chars']:,} characters) {why} "
            f"{'were' if many else 'was'} not searched for repeats (noise was still removed)")
