"""Saved HTML pages: posts, authors and quote links as the page itself shows them."""

from __future__ import annotations

import re

import pytest

from conftest import shared_path
from threadclean import clean_text, rebuild
from threadclean.encoding import decode

selectolax = pytest.importorskip("selectolax.lexbor", reason="pages need the html extra (selectolax)")

FINDPOST = re.compile(r"findpost&amp;pid=(\d+)")


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
    got = {(p.id, q.post) for p in result.posts for q in p.quotes if q.explicit}
    assert shown <= got
    # a quote that quoted a quote also points at the first appearance of what it repeats
    for post, quoted in got - shown:
        assert any(a == post and (b, quoted) in got | shown for a, b in shown)
    rebuilt = rebuild(result.to_dict())
    assert all(rebuilt.get(p.id) is not None for p in result.posts)
