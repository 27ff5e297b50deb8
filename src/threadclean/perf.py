"""What keeps cleaning fast and lets it be measured: phase timing and counts, collected only when
someone asks (the benchmarks do), and the collector pause that cleaning and ``to_dict`` run under.

A phase inside another is counted under both names joined by ``/``: the repeat finder's
candidate search in a settling round is ``settle/candidates``, in the first search
``find/candidates``.

>>> from threadclean.perf import collect, phase
>>> with collect() as seconds:
...     with phase("settle"):
...         with phase("noise"):
...             pass
>>> sorted(seconds)
['settle', 'settle/noise']
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SINK: ContextVar[dict[str, float] | None] = ContextVar("threadclean_timing", default=None)
_WITHIN: ContextVar[str] = ContextVar("threadclean_phase", default="")


@contextmanager
def collect() -> Iterator[dict[str, float]]:
    """Collect the seconds of every phase run inside the block, summed by name."""
    seconds: dict[str, float] = defaultdict(float)
    token = _SINK.set(seconds)
    try:
        yield seconds
    finally:
        _SINK.reset(token)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the block's time under ``name`` if a collector is listening; else do nothing."""
    sink = _SINK.get()
    if sink is None:
        yield
        return
    outer = _WITHIN.get()
    path = f"{outer}/{name}" if outer else name
    token = _WITHIN.set(path)
    start = time.perf_counter()
    try:
        yield
    finally:
        sink[path] += time.perf_counter() - start
        _WITHIN.reset(token)


def count(name: str, n: int) -> None:
    """Add ``n`` to the count ``name`` if a collector is listening (kept beside the seconds, its
    key ``#name``: a count, not a time), e.g. how many posts the repeat finder sketched.

    >>> with collect() as seen:
    ...     count("posts sketched", 3)
    ...     count("posts sketched", 2)
    >>> dict(seen)
    {'#posts sketched': 5.0}
    """
    sink = _SINK.get()
    if sink is not None:
        sink["#" + name] += float(n)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, and switch it back on (if it was on).

    Cleaning a thread, and turning its result into the JSON document, make millions of small
    objects (spans, copies, removals, their dicts) and no reference cycles, so the collector
    has nothing to find in them; left on, it walks them again and again as they pile up. On a
    100,000-post thread that was 25-35% of cleaning and 85% of ``to_dict``.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
