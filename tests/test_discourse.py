"""Discourse on fixtures written for the forms with no real sample here (the JSON of /t/ID.json,
a saved topic page), and on the real Markdown exports: posts, authors, times, which post
quotes which."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, raw_inputs, shared_path
from threadclean import clean_file, rebuild

TOPIC = FIXTURES / "discourse"


def _links(result):
    return {(p.id, q.post) for p in result.posts for q in p.quotes if q.explicit and q.post is not None}


def test_topic_json():
    result = clean_file(TOPIC / "topic-4417.json")
    assert result.reader == "posts:discourse-md" and result.dialect == "html"
    assert result.title == "Nodes drop off the mesh at night"
    assert [(p.id, p.author, p.time) for p in result.posts] == [
        ("1", "kestrel", "2024-05-02T08:14:09.512Z"),
        ("2", "oakleaf", "2024-05-02T09:40:51.000Z"),
        ("3", "kestrel", "2024-05-03T07:02:33.000Z"),
    ]
    assert _links(result) == {("2", "1"), ("3", "2")}
    third = result.posts[2]
    other = [q for q in third.quotes if q.source is None]  # a quote of another topic
    assert [(q.author, q.text.strip()) for q in other] == [
        ("marlow", "Charge controllers with MPPT waste less in the morning hours.")]
    assert "Solar charging notes" not in third.text and "Next step is the solar charger." in third.text
    assert "slight_smile" not in result.posts[1].text  # the emoji image


def test_saved_topic_page():
    result = clean_file(TOPIC / "topic-4417.html")
    assert result.reader == "discourse-html"
    assert result.title == "Nodes drop off the mesh at night"
    assert [(p.id, p.author, p.time) for p in result.posts] == [
        ("1", "kestrel", "2024-05-02T08:14:09Z"), ("2", "oakleaf", "2024-05-02T09:40:51Z")]
    assert _links(result) == {("2", "1")}
    assert "Likes" not in result.render()


@pytest.mark.parametrize("name", ["topic-4417.json", "topic-4417.html"])
def test_fixtures_rebuild(name):
    result = clean_file(TOPIC / name)
    rebuilt = rebuild(result.to_dict())
    inputs = raw_inputs(TOPIC / name)
    assert {k: rebuilt.get(k, "") for k in inputs} == inputs


def _exports():
    try:
        return sorted(shared_path("realdata", "discourse-md").glob("*.md"))
    except pytest.skip.Exception:
        return []


@pytest.mark.parametrize("path", _exports(), ids=lambda p: p.name[:30])
def test_export_posts_are_numbered_as_the_topic_numbers_them(path):
    import re

    text = path.read_text(encoding="utf-8")
    result = clean_file(path)
    assert result.reader == "discourse-md"
    heads = re.findall(r"^## Post #(\d+) by @(\S+) \((\d{4}-\d\d-\d\d) (\d\d:\d\d)", text, re.M)
    assert [(p.id, p.author, p.time) for p in result.posts] == [(n, a, f"{d}T{t}Z") for n, a, d, t in heads]
    # every quote box naming a post of the topic that stands before it links there
    ids = [p.id for p in result.posts]
    for post in result.posts:
        for quote in post.quotes:
            if quote.explicit and quote.quoted in ids[: ids.index(post.id)]:
                assert quote.source is not None, (post.id, quote.quoted)
