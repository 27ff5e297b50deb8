"""Every output as the manifest pins it (see tests/hashnet.py): a change meant to keep the
outputs keeps them; one that changes them on purpose rewrites the manifest with it."""

from __future__ import annotations

import json

import pytest

from hashnet import MANIFEST, cases, outcome

KNOWN = json.loads(MANIFEST.read_text(encoding="utf-8"))
CASES = list(cases())


@pytest.mark.parametrize(("name", "run"), CASES, ids=[name for name, _ in CASES])
def test_output_is_as_pinned(name, run):
    assert name in KNOWN, f"{name} is not in the manifest: run tests/hashnet.py"
    assert outcome(run) == KNOWN[name], f"{name}: output changed (tests/hashnet.py --check lists all)"
