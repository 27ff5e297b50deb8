"""Pausing the cyclic garbage collector while a thread's many small objects are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
