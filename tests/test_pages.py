"""Saved HTML pages: posts, authors and quote links as the page itself shows them."""

from __future__ import annotations

import re

import pytest

from conftest import shared_path
from threadclean import clean_text, rebuild
from threadclean.read import decode

selectolax = pytest.importorskip("selectolax.lexbor", reason="pages need the html extra (selectolax)")

FINDPOST = re.compile(r"findpost&amp;pid=(\d+)")


def _links_match(result, shown):
    """Exactly the quote links the page shows, to posts on it (a quote of a post on another page
    is a quote with no source)."""
    got = {(p.id, q.quoted) for p in result.posts for q in p.quotes if q.explicit and q.source is not None}
    assert got == shown


def _discuz7_pages():
    try:
        return sorted(shared_path("realdata", "1984bbs-html").glob("*.php"))
    except pytest.skip.Exception:
        return []


def _page_truth(text):
    """Per post table: its id, author, and the posts its quote boxes link to (findpost)."""
    tree = selectolax.LexborHTMLParser(text)
    posts, links = [], set()
    for table in tree.css("table[id^=pid]"):
        body = table.css_first("[id^=postmessage_]")
        if body is None:
            continue
        pid = table.attributes["id"][3:]
        posts.append((pid, table.css_first("cite a").text(strip=True)))
        links |= {(pid, quoted) for quoted in FINDPOST.findall(body.html)}
    return posts, links


@pytest.mark.parametrize("path", _discuz7_pages(), ids=lambda p: p.name[:20])
def test_discuz7_page_posts_authors_and_quote_links(path):
    text = decode(path.read_bytes())
    posts, links = _page_truth(text)
    result = clean_text(text)
    assert [(p.id, p.author) for p in result.posts] == posts
    on_page = {pid for pid, _ in posts}
    shown = {(a, b) for a, b in links if b in on_page}
    _links_match(result, shown)
    rebuilt = rebuild(result.to_dict())
    assert all(rebuilt.get(p.id) is not None for p in result.posts)


# Each Western page: its file, its engine, how many posts it shows, a regex for its authors in
# page order, and a regex for the quote links of a post body (the quoted post's id).
WESTERN = [
    ("somethingawful-awfulapp/showthread.html", "somethingawful-html", 40,
     r'<dt class="author[^"]*"[^>]*>([^<]+)</dt>', r"postid=(\d+)"),
    ("somethingawful-awfulapp/showthread3.html", "somethingawful-html", 40,
     r'<dt class="author[^"]*"[^>]*>([^<]+)</dt>', r"postid=(\d+)"),
    ("trafilatura-eval/pocketpc.ch.auslieferung.html", "vbulletin-html", 20, None, r"#post(\d+)"),
    ("trafilatura-eval/foren.myoos.de.html", "phpbb-html", 1, r'class="username">([^<]+)</a>', None),
    ("trafilatura-eval/villagersandheroes.com.forums.patchnotes.html", "xenforo-html", 9,
     r'<article class="message[^"]*"[^>]*data-author="([^"]+)"', r'data-source="post: ?(\d+)"'),
]


@pytest.mark.parametrize(("name", "engine", "count", "author_re", "link_re"), WESTERN, ids=[w[0] for w in WESTERN])
def test_western_page_posts_authors_and_quote_links(name, engine, count, author_re, link_re):
    from threadclean.read import engines

    path = shared_path("realdata", *name.split("/"))
    text = decode(path.read_bytes())
    assert engines.find(text).name == engine
    result = clean_text(text)
    assert len(result.posts) == count
    if author_re:
        assert [p.author for p in result.posts] == [a.strip() for a in re.findall(author_re, text)][:count]
    if not link_re:
        return
    records = {post.id: post.text for post in engines.find(text).parse(text).posts}
    shown = set()
    for pid, body in records.items():
        for box in re.finditer(r"(?s)<blockquote.*?</blockquote>", body):
            before = body[max(0, box.start() - 600) : box.end()]
            quoted = set(re.findall(link_re, before)) & set(records)
            has_text = re.sub(r"<[^>]*>|\s", "", box.group())
            shown |= {(pid, q) for q in quoted if has_text}
    _links_match(result, shown)
