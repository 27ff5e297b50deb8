"""The options of a cleaning run, in one frozen, validated object."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import ConfigError

#: Every noise detector by the kind it reports; ``Config.detectors`` selects among them.
NOISE_KINDS: tuple[str, ...] = (
    "bom",
    "jammer",
    "hidden-marker",
    "smiley",
    "quote-image",
    "quote-truncation",
    "edit-note",
    "quote-header",
    # found by the engines of the formats that carry them (see threadclean.engines)
    "markup",
    "signature",
    "attachment",
    "moderation",
    "rating",
    "quote-mark",
    "chrome",
)


@dataclass(frozen=True, kw_only=True)
class Config:
    """How threadclean cleans a thread. Every option has a sensible default.

    Attributes:
        ngram: tokens per shingle in the MinHash sketches (a token is one CJK character or one
            word of other scripts). 2 to 8.
        num_perm: MinHash permutations. 16 to 512; more is slower and more exact (on the
            annotated real threads 32 gives the same means to 0.001, and five threads score up
            to 0.027 better in one column, at 20-30% more time).
        lsh_threshold: the Jaccard similarity at which two windows become candidates. Windows
            are short and fixed-length, so this works as a containment threshold. 0.05 to 0.95.
        window: tokens per MinHash window. 8 to 256.
        min_copy_chars: an unmarked repeat shorter than this many non-space characters is left
            in the text (a phrase someone repeats); characters inside markup tags do not count
            (the forum's template repeats those). A copy after a quote header is collapsed
            whatever its length. 1 or more.
        min_similarity: an aligned copy must be at least this similar to its source (Indel
            similarity, 0 to 1) to be collapsed.
        max_gap: the largest edit (in characters) inside a copy before it counts as two copies.
        max_candidates: per window, how many earlier windows are aligned at most (the earliest
            ones). Caps the work on boilerplate-heavy threads. 1 or more.
        detectors: which noise kinds to detect (names from ``NOISE_KINDS``).
        collapse: find and collapse repeated passages at all.
        max_post_chars: a post longer than this (for a flat dump: a line) is not searched for
            repeats: its noise is still removed, its words are kept as they are, and the result
            says so (``stats["not_searched"]``). Bounds the memory one huge post takes.
        max_thread_posts: posts after this many are not searched for repeats (as above).
        max_thread_chars: once the posts searched hold this many characters, later posts are
            not searched (as above). With the two caps above, this bounds a thread's memory.
    """

    ngram: int = 3
    num_perm: int = 16
    lsh_threshold: float = 0.2
    window: int = 16
    min_copy_chars: int = 30
    min_similarity: float = 0.8
    max_gap: int = 4
    max_candidates: int = 3
    detectors: frozenset[str] = field(default_factory=lambda: frozenset(NOISE_KINDS))
    collapse: bool = True
    max_post_chars: int = 1_000_000
    max_thread_posts: int = 200_000
    max_thread_chars: int = 20_000_000

    def __post_init__(self) -> None:
        _check_int("ngram", self.ngram, 2, 8)
        _check_int("num_perm", self.num_perm, 16, 512)
        _check_int("window", self.window, 8, 256)
        _check_int("min_copy_chars", self.min_copy_chars, 1, 1_000_000)
        _check_int("max_gap", self.max_gap, 0, 64)
        _check_int("max_candidates", self.max_candidates, 1, 1000)
        _check_int("max_post_chars", self.max_post_chars, 1, 1 << 40)
        _check_int("max_thread_posts", self.max_thread_posts, 1, 1 << 40)
        _check_int("max_thread_chars", self.max_thread_chars, 1, 1 << 40)
        _check_float("lsh_threshold", self.lsh_threshold, 0.05, 0.95)
        _check_float("min_similarity", self.min_similarity, 0.0, 1.0)
        if isinstance(self.detectors, str):
            raise ConfigError("detectors: give a set of kinds, not one string")
        detectors = frozenset(self.detectors)
        unknown = sorted(detectors - set(NOISE_KINDS))
        if unknown:
            raise ConfigError(f"detectors: unknown kind(s) {', '.join(unknown)}; known: {', '.join(NOISE_KINDS)}")
        object.__setattr__(self, "detectors", detectors)
        if not isinstance(self.collapse, bool):
            raise ConfigError("collapse: must be True or False")

    def replace(self, **changes: Any) -> Config:
        """A copy with some options changed (validated like a new one)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["detectors"] = sorted(self.detectors)
        return out


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name}: must be a whole number from {low} to {high}, not {value!r}")


def _check_float(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{name}: must be a number from {low} to {high}, not {value!r}")
