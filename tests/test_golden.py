"""Golden fixtures: fixtures/<case>/input.* cleans to fixtures/<case>/expected.json.

Regenerate after a deliberate change with ``THREADCLEAN_REGOLD=1 pytest tests/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import FIXTURES, summary
from threadclean import engines, rebuild
from threadclean.encoding import decode
from threadclean.pipeline import clean_text, clean_thread
from threadclean.readers import parse

CASES = sorted(p for p in FIXTURES.iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case):
    source = next(case.glob("input.*"))
    raw = decode(source.read_bytes())
    thread = parse(raw)
    result = clean_text(thread.text) if thread.text is not None else clean_thread(thread.posts, title=thread.title)
    got = summary(result)
    expected_path = case / "expected.json"
    if os.environ.get("THREADCLEAN_REGOLD"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))
    rebuilt = rebuild(result.to_dict())
    engine = engines.find(raw) if thread.text is not None else None
    document = engine.parse(raw) if engine else None
    if document is not None and document.records is not None:  # a page: its posts' bodies
        assert all(rebuilt[r["id"]] == r["text"] for r in document.records)
    elif thread.text is not None:
        assert rebuilt[None] == raw
    else:
        assert all(rebuilt.get(p.id, "") == post["text"] for p, post in zip(result.posts, thread.posts, strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cleaning_the_text_output_again_changes_nothing(case):
    from threadclean.layout import parse as parse_layout

    source = next(case.glob("input.*"))
    thread = parse(decode(source.read_bytes()))
    once = (clean_text(thread.text) if thread.text is not None else clean_thread(thread.posts)).render()
    again = parse_layout(once)
    assert clean_thread(again["posts"], title=again["title"]).render() == once
