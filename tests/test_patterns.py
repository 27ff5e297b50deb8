"""No pattern backtracks catastrophically: each runs over adversarial strings.

These are normal tests, not timed ones: a pattern that starts to backtrack makes the suite
hang on them (the strings are sized so a linear pass takes milliseconds and a quadratic one
would take hours).
"""

from __future__ import annotations

import pytest

from threadclean import NOISE_KINDS
from threadclean.strip import detect_noise

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


def _every_pattern():
    """Every compiled pattern of the package: the shared ones and each engine's own."""
    import importlib
    import pkgutil

    import regex

    import threadclean

    found = {}
    for info in pkgutil.walk_packages(threadclean.__path__, "threadclean."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            if isinstance(value, regex.Pattern):
                found[f"{info.name}.{attr}"] = value
    return found


PATTERNS = _every_pattern()


def _adversarial_for(pattern) -> list[str]:
    """The fixed adversarial strings, and runs of the pattern's own literal characters: what
    makes a pattern backtrack is text that almost matches it, over and over."""
    source = pattern.pattern.decode("latin-1") if isinstance(pattern.pattern, bytes) else pattern.pattern
    literal = "".join(dict.fromkeys(c for c in source if c.isprintable() and c not in "()[]{}?*+|^$\\"))
    pieces = [literal[i : i + 4] for i in range(0, len(literal), 4)] or ["x"]
    own = ["".join(pieces) * (N // max(1, len("".join(pieces)))), (pieces[0] + " ") * (N // (len(pieces[0]) + 1))]
    return list(ADVERSARIAL.values()) + own


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_backtracks_catastrophically(name):
    pattern = PATTERNS[name]
    for text in _adversarial_for(pattern):
        subject = text.encode("utf-8") if isinstance(pattern.pattern, bytes) else text
        for m in pattern.finditer(subject):
            assert m.end() <= len(subject)


def test_every_module_pattern_is_tried():
    assert len(PATTERNS) >= 40 and any(".engines." in name for name in PATTERNS)
