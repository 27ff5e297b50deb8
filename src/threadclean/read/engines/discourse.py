"""Discourse: a topic exported to Markdown with each post's HTML kept, a saved topic page (the
crawler view a scraper gets), and the JSON of ``/t/ID.json`` (read by ``threadclean.read``).

The export::

    # Terminologies questions

    ---

    ## Post #1 by @muratmaga (2023-01-20 19:59 UTC)

    <p>As part of our training, …</p>

A post's id is its number in the topic, which is what a quote box names: ``<aside class="quote"
data-username="ann" data-post="3" data-topic="27384">`` (the html dialect reads the box).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex

from . import Dump, Engine, Page, PagePost
from . import html as h
from ._common import QUOTE_END, any_body, posts_between

# The export's post header: "## Post #12 by @ann (2020-10-14 13:05 UTC)", after its "---" rule.
POST_HEAD = regex.compile(
    r"(?m)(?:^---[ \t]*+\r?\n(?:[ \t]*+\r?\n)*+)?^## Post #(?P<floor>\d{1,7}) by @(?P<author>[^\s()]{1,80})"
    r"[ \t]++\((?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2})(?::\d{2})?(?: UTC)?\)[ \t]*+\r?\n"
)

# A body of the topic given as a post: a quote box that names the post it quotes.
_BODY = regex.compile(r"<aside\s[^<>]{0,400}?class=\"quote[^\"<>]{0,80}\"[^<>]{0,400}?data-post=\"\d")


def sniff(text: str) -> bool:
    return bool(POST_HEAD.search(text, 0, 400_000)) and "## Post #1 by @" in text[:400_000]


def parse(text: str) -> Dump:
    """Posts between the export's post headers; the headers (and the rule above each) are structure.
    Times are UTC, as the export says: "2020-10-14 13:05 UTC" is ``2020-10-14T13:05Z``."""
    dump = posts_between(text, list(POST_HEAD.finditer(text)))
    posts = [replace(p, time=p.time.replace(" ", "T") + "Z") if p.time else p for p in dump.posts]
    return Dump(posts, dump.structure)


def sniff_page(text: str) -> bool:
    head = text[:600_000]
    return "crawler-post" in head and 'itemprop="text"' in head.replace("'", '"') and "discourse" in head.lower()


def parse_page(text: str) -> Page:
    """A saved topic page: each ``div.crawler-post`` a post, its number from its id (``post_3``),
    its author and time from its schema.org marks, its words the ``itemprop="text"`` element."""
    tree = h.parser(text)
    posts: list[PagePost] = []
    for node in tree.css("div.crawler-post"):
        number = (node.attributes.get("id") or "").removeprefix("post_")
        body = node.css_first('[itemprop="text"]')
        if body is None:
            continue
        name = node.css_first('[itemprop="author"] [itemprop="name"]')
        when = node.css_first("time[datetime]")
        posts.append(PagePost(number or str(len(posts) + 1), body.inner_html or "", h.text_of(name),
                              when.attributes.get("datetime") if when is not None else None))
    title = tree.css_first("#topic-title h1") or tree.css_first("title")
    return Page(posts, h.text_of(title))


def sniff_posts(bodies: Sequence[str]) -> bool:
    return any_body(_BODY)(bodies)


EXPORT = Engine("discourse-md", sniff, parse, {}, QUOTE_END, sniff_posts, "html")
PAGE = Engine("discourse-html", sniff_page, parse_page, {}, QUOTE_END, None, "html")
ENGINES = (EXPORT, PAGE)
