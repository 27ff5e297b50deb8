"""Bytes to text: UTF-8 (with or without BOM), GB18030/GBK, Big5, cp1252/Latin-1.

The order is what a page says, then what the bytes show: valid UTF-8 is UTF-8; else the
charset a page declares (``<meta charset>``, ``<?xml encoding>``) when the bytes decode in it;
else charset-normalizer's best guess among the supported encodings. Bytes that decode in none
of them are an error, never a guess: offsets index the decoded text, so it must be right.
"""

from __future__ import annotations

import codecs

import regex

from ..errors import DecodeError

SUPPORTED = ("utf_8", "gb18030", "big5", "cp1252")

# A charset declared in the first bytes of a page: <meta charset="gbk">,
# <meta http-equiv="Content-Type" content="text/html; charset=big5">, <?xml ... encoding="...">.
_DECLARED = regex.compile(rb"""(?i)(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""")

# Declared names, folded onto the codec that decodes them (each a superset of the names).
_FAMILY = {
    "utf_8": "utf_8", "utf8": "utf_8",
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
    "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
    "latin_1": "cp1252", "iso8859_1": "cp1252", "cp1252": "cp1252", "ascii": "cp1252",
}


def _family(name: str) -> str | None:
    try:
        canonical = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None
    return _FAMILY.get(canonical)


BINARY = "binary data, not text (a NUL byte)"


def binary_at(data: bytes) -> int | None:
    """Where ``data`` shows it is no text (its first NUL byte, outside UTF-16), or None; the
    first bytes of a file tell it as well as the whole, so a batch asks its head first.

    >>> binary_at(b"PK" + bytes([3, 4, 0])), binary_at("好".encode("utf-16"))
    (4, None)
    """
    nul = data.find(b"\x00")
    return nul if nul >= 0 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None


def decode(data: bytes, *, source: str | None = None) -> str:
    """The text in ``data``, or a ``DecodeError`` naming the byte where it stops being text.

    >>> decode("好".encode("gb18030") * 8)
    '好好好好好好好好'
    """
    nul = binary_at(data)
    if nul is not None:
        raise DecodeError(BINARY, source=source, where=f"byte {nul}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        first_bad = e.start
    declared = _DECLARED.search(data, 0, 4096)
    family = _family(declared.group(1).decode("ascii")) if declared else None
    if family and family != "utf_8":
        try:
            return data.decode(family)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(SUPPORTED)).best()
    if best is not None and _family(best.encoding) in SUPPORTED:
        try:
            return data.decode(_family(best.encoding) or best.encoding)
        except UnicodeDecodeError:
            pass
    raise DecodeError(
        f"not text in a supported encoding (UTF-8, GB18030, Big5, cp1252): byte 0x{data[first_bad]:02x}",
        source=source,
        where=f"byte {first_bad}",
    )
