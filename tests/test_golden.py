"""Golden fixtures: fixtures/<case>/input.* cleans to fixtures/<case>/expected.json.

Regenerate after a deliberate change with ``THREADCLEAN_REGOLD=1 pytest tests/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import FIXTURES, raw_inputs, summary
from threadclean import clean_file, clean_thread, rebuild
from threadclean.layout import parse as parse_layout

CASES = sorted(p for p in FIXTURES.iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case):
    source = next(case.glob("input.*"))
    result = clean_file(source)
    got = summary(result)
    expected_path = case / "expected.json"
    if os.environ.get("THREADCLEAN_REGOLD"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))
    rebuilt = rebuild(result.to_dict())
    inputs = raw_inputs(source)
    assert {k: rebuilt.get(k, "") for k in inputs} == inputs


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cleaning_the_text_output_again_changes_nothing(case):
    once = clean_file(next(case.glob("input.*"))).render()
    again = parse_layout(once)
    assert clean_thread(again["posts"], title=again["title"], engine=None, dialect=None).render() == once
