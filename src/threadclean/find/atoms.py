"""What a copy never cuts, and what does not count towards its length: a reader's atoms.

A copy begins and ends where a reader sees a boundary: never inside a markup tag, an address,
a link's or image's syntax, or a run of Latin letters and digits. Markup that stays in the text
(a content image's tag, a link) is the forum's template as much as anyone's words, so it does not
count towards ``min_copy_chars``; where an aligned copy holds such an atom, the atom must be the
source's exactly, or the copy is cut there: two images that share a template and differ in their
file are two images, where the same image posted again is a repeat (and an image or link that
names one thing counts on its own). All of this reads the stream's folded text.
"""

from __future__ import annotations

import regex

# Markup that stays in the text as a whole: a tag ('<img src="…/142404i7pvx.jpg" referrerpolicy=…>'; on
# one line, so that a "<" the text holds, "&lt;nul" read, opens none),
# Markdown image or link syntax ('![](…/01.jpg)', '](https://…)'), a BBCode tag ('[img]', '[/url]'),
# and a bare address ('https://img.example.com/a/b.jpg', 'www.example.com/x').
ATOM = regex.compile(
    r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>\x00\n]{0,8000})?>|!\[[^\[\]\x00]{0,400}\]\([^()\s\x00]{0,2000}\)|\]\([^()\s\x00]{1,2000}\)"
    r"|\[/?[a-z*]{1,12}(?:=[^\[\]\x00]{0,400})?\]|(?:https?|ftp)://[^\s<>\"'()\[\]\x00]{1,2000}"
    r"|www\.[^\s<>\"'()\[\]\x00]{1,2000}"
)
_TAG = regex.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>\x00\n]{0,8000})?>")
# A name in an address that names one thing: a file or path segment of eight letters and digits
# or more ('142404i7pvxhw6eg17tvr1.jpg', a hash), not a template's ('none.gif', 'smiley').
_NAMES_ONE = regex.compile(r"[/=][0-9a-z_-]*(?:[0-9][a-z]|[a-z][0-9])[0-9a-z_-]{6,}")
_SCHEME = regex.compile(r"(?:https?|ftp)://|www\.")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_DELIMITS = frozenset(" \t\n\x00<>\"'()[]")
_REACH = 8000  # how far around a boundary the tag or address it may fall in is looked for


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` shrunk until neither end falls inside a tag, an address or a word.

    >>> text = 'abc <img src="x/1.png"> def https://ex.com/a.png ok'
    >>> text[slice(*snap(text, 7, 50))]
    ' def https://ex.com/a.png '
    >>> text[slice(*snap(text, 1, 45))]
    ' <img src="x/1.png"> def '
    """
    for _ in range(4):  # an address can stand in a tag, a word in an address
        a, b = _snap_start(text, start), _snap_end(text, end)
        if (a, b) == (start, end) or a >= b:
            return a, b
        start, end = a, b
    return start, end


def _snap_start(text: str, at: int) -> int:
    if at <= 0 or at >= len(text):
        return at
    tag = _inside_tag(text, at)
    if tag is not None:
        return tag[1]
    url = _inside_address(text, at)
    if url is not None:
        return url[1]
    if text[at - 1] in _WORD and text[at] in _WORD:
        while at < len(text) and text[at] in _WORD:
            at += 1
    return at


def _snap_end(text: str, at: int) -> int:
    if at <= 0 or at >= len(text):
        return at
    tag = _inside_tag(text, at)
    if tag is not None:
        return tag[0]
    url = _inside_address(text, at)
    if url is not None:
        return url[0]
    if text[at - 1] in _WORD and text[at] in _WORD:
        while at > 0 and text[at - 1] in _WORD:
            at -= 1
    return at


def _inside_tag(text: str, at: int) -> tuple[int, int] | None:
    """The tag ``[start, end)`` that ``at`` falls strictly inside, if any."""
    lo = max(0, at - _REACH)
    opened = text.rfind("<", lo, at)
    if opened < 0 or text.rfind(">", opened, at) >= 0:
        return None
    closed = text.find(">", at, at + _REACH)
    if closed < 0 or 0 <= text.find("<", at, closed) < closed or not _TAG.fullmatch(text, opened, closed + 1):
        return None
    return opened, closed + 1


def _inside_address(text: str, at: int) -> tuple[int, int] | None:
    """The address ``[start, end)`` that ``at`` falls strictly inside, if any."""
    reach = max(0, at - _REACH)
    if text.rfind("://", reach, at + 3) < 0 and text.rfind("www.", reach, at + 4) < 0:
        return None  # no scheme near: no address (most edges, and a long line with none is no walk)
    lo = at
    while lo > 0 and at - lo < _REACH and text[lo - 1] not in _DELIMITS:
        lo -= 1
    scheme = _SCHEME.search(text, lo, at + 7)  # "https|://…": the scheme may end past ``at``
    if scheme is None or scheme.start() >= at:
        return None
    hi = at
    while hi < len(text) and hi - at < _REACH and text[hi] not in _DELIMITS:
        hi += 1
    return (scheme.start(), hi) if hi > at else None


def atoms(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The whole atoms inside ``text[start:end]``, in order.

    >>> atoms('好<img src="a/1.png">再见 https://x.org/p 了', 0, 40)
    [(1, 20), (23, 38)]
    """
    if "<" not in text[start:end] and "://" not in text[start:end] and "](" not in text[start:end] and \
            "[" not in text[start:end] and "www." not in text[start:end]:
        return []
    return [m.span() for m in ATOM.finditer(text, start, end)]


def solid(text: str, start: int, end: int) -> int:
    """Non-space characters of ``text[start:end]`` outside atoms: what counts towards a copy's length.

    >>> solid('看图<img src="a.png" referrerpolicy="no-referrer">好看', 0, 50)
    4
    """
    count = len(text[start:end].replace(" ", ""))
    for a, b in atoms(text, start, end):
        count -= len(text[a:b].replace(" ", ""))
    return count


def names_one_thing(atom: str) -> bool:
    """Whether an atom (an image, a link) names one thing: an address with a hash-like name.

    >>> names_one_thing('<img src="https://img.example.com/forum/202407/17/142404i7pvxhw6eg17tvr1.jpg">')
    True
    >>> names_one_thing('<img src="static/image/common/none.gif">'), names_one_thing("<p>")
    (False, False)
    """
    return bool(_NAMES_ONE.search(atom))
