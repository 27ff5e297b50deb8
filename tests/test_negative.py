"""Look-alikes that must survive untouched: prose, code, tables, ASCII art, lists, dates."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from threadclean import clean_text

CASES = sorted((FIXTURES / "negative").glob("*.txt"))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_nothing_removed_nothing_collapsed(path):
    text = path.read_text(encoding="utf-8")
    result = clean_text(text)
    kinds = {r.kind for r in result.removed} | {r.kind for p in result.posts for r in p.removed}
    assert kinds <= {"separator"}
    assert all(r.text.strip() == "" for r in result.removed)
    assert [q for p in result.posts for q in p.quotes] == []
    assert sum(len("".join(p.text.split())) for p in result.posts) == len("".join(text.split()))
