"""The generic page reader: the posts of a saved page that no engine knows, from the element
that repeats once per post.

A board writes every post from one template: the same element (``<article class="message">``,
``<li class="comment">``, ``<div class="post">``) again and again, each holding a name, a time and
the words. Elements are grouped by their tag and first class; the group whose members hold the
most words, and look like posts (a name or a time in most of them), is the posts. In each, the
body is the descendant whose class says it holds the words (``content``, ``message``, ``body``,
``text``) with the most of them, or the post element itself; the id comes from its attributes,
the author and time from the elements whose class names them. A page with no such group is one
post: its main text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import regex

from .engines import Page, PagePost
from .engines import html as h

# A saved page: "<!DOCTYPE html>", "<html lang=…>", a "<body>" near the top.
_PAGE = regex.compile(r"(?i)\A\ufeff?\s*+(?:<!DOCTYPE html|<html\b|<\?xml[^>]{0,200}>\s*+<html\b)|<body\b")
_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "form", "select", "option", "svg",
         "head", "title", "meta", "link", "button", "input", "textarea", "iframe"}
_BODY_CLASS = regex.compile(r"(?i)content|message|body|text|bbwrapper|post-?text|entry|comment-?body")
_AUTHOR_CLASS = regex.compile(r"(?i)author|user-?name|username|poster|nick|member")
_TIME_CLASS = regex.compile(r"(?i)date|time|posted|timestamp")
_DIGITS = regex.compile(r"\d{2,}")
_MIN_POSTS = 2
_MIN_WORDS = 20  # characters of text a group's members hold on average
_LOOKS = 0.6  # share of members with a name or a time, for a group to look like posts


def looks_like_page(text: str) -> bool:
    """Whether a text is a saved HTML page (not a dump with some HTML inside).

    >>> looks_like_page("<!DOCTYPE html><html><body><p>hi</p></body></html>"), looks_like_page("# t\\n<p>x</p>")
    (True, False)
    """
    return bool(_PAGE.search(text, 0, 4096))


def read_page(text: str) -> Page:
    """The posts of a page no engine knows: its repeated post element, else its main text as one post.

    >>> page = "<html><body><nav>menu</nav>" + "".join(
    ...     f'<div class="comment" id="c{n}"><span class="author">u{n}</span><time>2020-1-{n} 10:00</time>'
    ...     f'<div class="comment-body">This is the comment number {n}, long enough.</div></div>' for n in (1, 2, 3)
    ... ) + "</body></html>"
    >>> [(p.id, p.author, p.time, p.text) for p in read_page(page).posts][:2]  # doctest: +NORMALIZE_WHITESPACE
    [('1', 'u1', '2020-1-1 10:00', 'This is the comment number 1, long enough.'),
     ('2', 'u2', '2020-1-2 10:00', 'This is the comment number 2, long enough.')]
    """
    tree = h.parser(text)
    title = h.text_of(tree.css_first("title"))
    root = tree.body or tree.root
    if root is None:
        return Page([], title)
    group = _posts_group(root)
    if group is None:
        main = tree.css_first("main") or tree.css_first("article") or root
        return Page([PagePost("1", main.inner_html or "")], title)
    posts, seen = [], set()
    for n, node in enumerate(group, 1):
        pid = _post_id(node) or str(n)
        if pid in seen:
            pid = f"{pid}-{n}"
        seen.add(pid)
        body = _body(node)
        posts.append(PagePost(pid, body.inner_html or "", _named(node, _AUTHOR_CLASS), _time(node)))
    return Page(posts, title)


def _signature(node: Any) -> tuple[str, str]:
    classes = (node.attributes.get("class") or "").split()
    return node.tag, classes[0] if classes else ""


def _posts_group(root: Any) -> list[Any] | None:
    """The members of the repeated group that holds the posts, in page order, or None."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    stack = list(reversed(_children(root)))
    while stack:  # in page order, never entering what is no post's (menus, scripts, forms)
        node = stack.pop()
        if not isinstance(node.tag, str) or node.tag in _SKIP or node.tag.startswith(("-", "#")):
            continue
        signature = _signature(node)
        if signature[1] or node.tag in ("article", "li", "section"):
            groups[signature].append(node)
        stack.extend(reversed(_children(node)))
    best: tuple[float, list[Any]] | None = None
    for members in groups.values():
        outer = _outermost(members)
        if len(outer) < _MIN_POSTS:
            continue
        sizes = [len(m.text(strip=True)) for m in outer]
        if sum(sizes) / len(sizes) < _MIN_WORDS:
            continue
        looks = sum(1 for m in outer if _named(m, _AUTHOR_CLASS) or _time(m)) / len(outer)
        if looks < _LOOKS:
            continue
        score = sum(sizes) * (1 + looks)
        if best is None or score > best[0]:
            best = (score, outer)
    return _climb(best[1], root) if best else None


def _climb(members: list[Any], root: Any) -> list[Any]:
    """The posts themselves: from the group found, up through parents that each hold one member
    (a comment's content up to the comment, whose attributes carry its id)."""
    while True:
        parents = [m.parent for m in members]
        if any(p is None or p.mem_id == root.mem_id for p in parents):
            return members
        if len({p.mem_id for p in parents}) < len(members) or len({p.tag for p in parents}) > 1:
            return members
        members = parents


def _children(node: Any) -> list[Any]:
    out = []
    child = node.child
    while child is not None:
        out.append(child)
        child = child.next
    return out


def _outermost(members: list[Any]) -> list[Any]:
    """The members not inside another member (a quote box of the same class inside a post)."""
    ids = {m.mem_id for m in members}
    out = []
    for m in members:
        parent, inside = m.parent, False
        while parent is not None:
            if parent.mem_id in ids:
                inside = True
                break
            parent = parent.parent
        if not inside:
            out.append(m)
    return out


def _marks(node: Any) -> list[Any]:
    """The elements of a post that hold its author's name or its time."""
    out = []
    for child in node.traverse():
        if child is not node and isinstance(child.tag, str):
            cls = child.attributes.get("class") or ""
            if child.tag == "time" or _AUTHOR_CLASS.search(cls) or _TIME_CLASS.search(cls):
                out.append(child)
    return out


def _body(node: Any) -> Any:
    """The element of a post that holds its words and not its name or time: the one with the most
    words, or one whose class says it holds them with nearly as many; else the post itself."""
    marks = _marks(node)
    best: tuple[int, Any] | None = None
    classy: tuple[int, Any] | None = None
    for child in node.traverse():
        if child is node or not isinstance(child.tag, str) or any(_inside(m, child) for m in marks):
            continue
        length = len(child.text(strip=True))
        if best is None or length > best[0]:
            best = (length, child)
        if _BODY_CLASS.search(child.attributes.get("class") or "") and (classy is None or length > classy[0]):
            classy = (length, child)
    if best is None or best[0] == 0:
        return node
    return classy[1] if classy and classy[0] >= 0.8 * best[0] else best[1]


def _inside(node: Any, outer: Any) -> bool:
    parent = node
    while parent is not None:
        if parent.mem_id == outer.mem_id:
            return True
        parent = parent.parent
    return False


def _named(node: Any, pattern: regex.Pattern[str]) -> str | None:
    """The text of the first descendant whose class matches ``pattern``, when short."""
    for child in node.traverse():
        if child is node or not isinstance(child.tag, str):
            continue
        if pattern.search(child.attributes.get("class") or ""):
            text = child.text(strip=True)
            if text and len(text) <= 80:
                return text
    return None


def _time(node: Any) -> str | None:
    """A post's time: a ``<time>`` element's datetime or text, or an element whose class says so."""
    found = node.css_first("time")
    if found is not None:
        return found.attributes.get("datetime") or found.text(strip=True) or None
    return _named(node, _TIME_CLASS)


def _post_id(node: Any) -> str | None:
    """A post's id from its attributes: the digits of ``id="post-123"``, ``data-id``, ``data-post-id``."""
    for name in ("id", "data-id", "data-post-id", "data-content", "data-pid"):
        m = _DIGITS.search(node.attributes.get(name) or "")
        if m:
            return m.group()
    return None
