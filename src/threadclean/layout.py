"""threadclean's text layout: the cleaned thread as plain text that reads back to the same posts.

::

    #threadclean/1 <title>
    === #1 | 村夫 | 2013-07-11T11:01 ===
    The post's own words.

    === #2 | | ===
    [quote #1 ¶3]
    The reply's own words.

A post starts at its ``=== #id | author | time ===`` line; ``[quote #id ¶n]`` stands where the
post quoted paragraph ``n`` of post ``id`` (an id is percent-encoded where it holds white space,
``|``, ``[``, ``]``, ``%``, ``\\`` or a control character, so every id reads back). A line of post
text that would read as a post line is written with a leading backslash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import regex

from . import patterns as p

if TYPE_CHECKING:
    from .result import CleanResult

MAGIC = "#threadclean/1"
_POST_LINE = regex.compile(r"^=== #(?P<id>[^\s|\[\]]*+) \| (?P<author>[^|\n]{0,200}) \| (?P<time>[^|\n]{0,100}) ===$")
# what an id may not hold as itself in a post line or a marker: white space, the fields' bar, the
# marker's brackets, the escape's own sign, and control or unassigned characters
_ID_UNSAFE = regex.compile(r"[\s|\[\]%\\\p{C}]")
_NEEDS_ESCAPE = regex.compile(r"^(?=\\*(?:=== #|#threadclean/))", flags=regex.MULTILINE)
_UNESCAPE = regex.compile(r"^\\(?=\\*(?:=== #|#threadclean/))", flags=regex.MULTILINE)
_CONTROL = regex.compile(r"[\p{Cc}\u2028\u2029]")  # line ends, NUL and the other C0/C1 controls
_BLANK_RUNS = regex.compile(r"\n(?:[ \t]*+\n)++")
_TRAILING = regex.compile(r"[ \t]++$", flags=regex.MULTILINE)


def tidy(text: str) -> str:
    """Post text as the layout writes it: no trailing blanks, at most one empty line in a row."""
    return _BLANK_RUNS.sub("\n\n", _TRAILING.sub("", text)).strip(p.BLANK)


def escape_id(post_id: str) -> str:
    """A post id as the layout writes it: every character that would end or break its field
    percent-encoded (as UTF-8), so any id, even an empty one, reads back as itself.

    >>> escape_id("post 1"), escape_id("a|b]"), escape_id("12"), unescape_id(escape_id("5%20 x"))
    ('post%201', 'a%7Cb%5D', '12', '5%20 x')
    """
    return _ID_UNSAFE.sub(lambda m: quote(m.group(), safe=""), post_id)


def unescape_id(written: str) -> str:
    """The id a post line or marker holds, as it was before ``escape_id``."""
    return unquote(written, errors="surrogateescape") if "%" in written else written


def marker(post: str | None, paragraph: int, author: str | None) -> str:
    """The layout's marker where a quote stood: of paragraph ``paragraph`` of post ``post``, or,
    for words not in the input, of whom the header named.

    >>> marker("3", 2, None), marker(None, 1, "村夫 [x]")
    ('[quote #3 ¶2]', '[quote @村夫 (x)]')
    """
    if post is not None:
        return f"[quote #{escape_id(post)} ¶{paragraph}]"
    name = _CONTROL.sub(" ", (author or "").replace("]", ")").replace("[", "("))
    return f"[quote @{name[:64].strip()}]"


def _field(value: str | None) -> str:
    """A title, author or time as one field of one line: no bar, no line break, no control
    character (a NUL would make the file read as binary)."""
    return _CONTROL.sub(" ", (value or "").replace("|", "¦")).strip()


def render(result: CleanResult) -> str:
    """The layout of a cleaned thread."""
    lines = [f"{MAGIC} {_field(result.title)}".rstrip()]
    for post in result.posts:
        body, at = [], 0
        for q in sorted(post.quotes, key=lambda q: q.at):
            body.append(post.text[at : q.at])
            body.append(marker(q.post, q.paragraph, q.author))
            at = q.at
        body.append(post.text[at:])
        text = _NEEDS_ESCAPE.sub("\\\\", tidy("".join(body)))
        lines.append(f"=== #{escape_id(post.id)} | {_field(post.author)} | {_field(post.time)} ===")
        lines.append(text)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def is_layout(text: str) -> bool:
    """Whether ``text`` is threadclean's own layout."""
    return text.lstrip("\ufeff").startswith(MAGIC)


def parse(text: str) -> dict[str, Any]:
    """A layout back into a thread ``{"title", "posts": [{"id", "author", "time", "text"}]}``."""
    lines = text.lstrip("\ufeff").split("\n")
    title = lines[0][len(MAGIC) :].strip() or None
    posts: list[dict[str, Any]] = []
    body: list[str] = []
    for line in lines[1:]:
        m = _POST_LINE.match(line)
        if m:
            if posts:
                posts[-1]["text"] = _UNESCAPE.sub("", tidy("\n".join(body)))
            posts.append({"id": unescape_id(m["id"]), "author": m["author"].strip() or None,
                          "time": m["time"].strip() or None})
            body = []
        else:
            body.append(line)
    if posts:
        posts[-1]["text"] = _UNESCAPE.sub("", tidy("\n".join(body)))
    return {"title": title, "posts": posts}
