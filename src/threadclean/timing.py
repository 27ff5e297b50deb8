"""Time spent per phase, collected only when someone asks (the benchmarks do).

>>> from threadclean.timing import collect, phase
>>> with collect() as seconds:
...     with phase("noise"):
...         pass
>>> sorted(seconds)
['noise']
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SINK: ContextVar[dict[str, float] | None] = ContextVar("threadclean_timing", default=None)


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
    start = time.perf_counter()
    try:
        yield
    finally:
        sink[name] += time.perf_counter() - start
