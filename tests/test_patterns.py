"""No pattern backtracks catastrophically: each runs over adversarial strings.

These are normal tests, not timed ones: a pattern that starts to backtrack makes the suite
hang on them (the strings are sized so a linear pass takes milliseconds and a quadratic one
would take hours).
"""

from __future__ import annotations

import pytest

from threadclean import NOISE_KINDS
from threadclean.noise import detect_noise

N = 200_000

ADVERSARIAL = {
    "jammer-like line": "5 u" * (N // 3),
    "jammer-like with a bad tail": "5 u" * (N // 3) + "x",
    "no spaces CJK": "办" * N,
    "header-like without time": ("村夫 发表于 " * (N // 8)),
    "spaces and dots": " ..." * (N // 4),
    "stars": "*" * N,
    "braces": "{:" * (N // 2),
    "edit-note-like": "本帖最后由 " * (N // 6),
    "old header-like": "原帖由 " * (N // 4),
    "back.gif paths": "images/common/" * (N // 14),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_detectors_stay_linear(name):
    text = ADVERSARIAL[name]
    spans = detect_noise(text, NOISE_KINDS)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
