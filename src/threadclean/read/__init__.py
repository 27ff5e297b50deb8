"""Stage 1, read: bytes to a thread of inputs (decoding, the format, an engine's reading).

``read_bytes`` is the one path from a file's bytes to a ``Thread``: the encoding is told from
the bytes (``decode``), the format from the text (``threads``: JSON, JSON Lines, threadclean's
layout, or a text that an engine or the flat reader takes).
"""

from __future__ import annotations

from dataclasses import replace

from ..config import DIALECTS
from ..errors import ConfigError
from . import engines
from .decode import decode
from .threads import INPUT_FORMATS, Thread, parse

__all__ = ["INPUT_FORMATS", "Thread", "decode", "parse", "read_bytes"]


def read_bytes(data: bytes, *, source: str | None = None, input_format: str = "auto", engine: str | None = "auto",
               dialect: str | None = "auto") -> Thread:
    """The thread in a file's bytes, read as ``input_format`` (``auto``: told from the bytes).
    ``engine`` and ``dialect``, where not ``auto``, say whose rules read the posts and in what
    markup (see ``threadclean.clean_file``).

    >>> read_bytes('{"posts": [{"text": "好"}]}'.encode()).posts
    [{'text': '好'}]
    """
    thread = parse(decode(data, source=source), source=source, input_format=input_format)
    if engine != "auto":
        if engine is not None:
            engines.by_name(engine)  # a ConfigError naming the engines, for a name none has
        thread = replace(thread, engine=engine)
    if dialect != "auto":
        if dialect is not None and dialect not in DIALECTS:
            raise ConfigError(f"dialect: unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
        thread = replace(thread, dialect=dialect)
    return thread
