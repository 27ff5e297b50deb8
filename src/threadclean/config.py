"""The options of a cleaning run (``Config``) and of a batch over an archive (``BatchConfig``),
each one frozen, validated object: a bad value is a ``ConfigError`` naming the option."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import InitVar, dataclass, field, fields, replace
from typing import Any

import regex

from .errors import ConfigError

#: Every kind of noise threadclean knows (the built-in detectors' and every engine's);
#: ``Config.noise_kinds`` selects among them.
#: The markup a post's body can be written in (threadclean.strip.dialects reads each).
DIALECTS: tuple[str, ...] = ("html", "bbcode", "markdown", "text")

NOISE_KINDS: tuple[str, ...] = (
    "bom",
    "invisible",
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
    # found by the body dialects (see threadclean.strip.dialects)
    "entity",
    # found across the posts of a thread read by the generic reader (threadclean.strip.boilerplate)
    "boilerplate",
)


@dataclass(frozen=True, kw_only=True)
class Config:
    """How threadclean cleans a thread. Every option has a sensible default.

    Attributes:
        ngram: tokens per shingle in the MinHash sketches (a token is one CJK character or one
            word of other scripts). 2 to 8.
        num_perm: MinHash permutations. 16 to 128; more is slower and more exact (on the
            annotated real threads 32 gives the same means to 0.001, and five threads score up
            to 0.027 better in one column, at 20-30% more time). Memory grows with it, in
            proportion to the text searched: on a 127,000-character thread the search took
            87 MB at 16, 140 MB at 64 and 226 MB at 128 (512, allowed before, took 495 MB for a
            quarter of that text, which is why it is no longer allowed).
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
            ones). Caps the work on boilerplate-heavy threads. 1 to 1000 (time grows with it on
            such threads; memory hardly: 103 MB at 1000 against 102 MB at 3 on 32,000
            characters of one line repeated).
        noise_kinds: which noise kinds to detect (names from ``NOISE_KINDS``). ``detectors=`` is
            the old name of this option, still taken.
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
    noise_kinds: frozenset[str] = field(default_factory=lambda: frozenset(NOISE_KINDS))
    collapse: bool = True
    max_post_chars: int = 1_000_000
    max_thread_posts: int = 200_000
    max_thread_chars: int = 20_000_000
    detectors: InitVar[Iterable[str] | None] = None  # the old name of noise_kinds

    def __post_init__(self, detectors: Iterable[str] | None) -> None:
        if detectors is not None:
            object.__setattr__(self, "noise_kinds", detectors)
        _check_int("ngram", self.ngram, 2, 8)
        _check_int("num_perm", self.num_perm, 16, 128)
        _check_int("window", self.window, 8, 256)
        _check_int("min_copy_chars", self.min_copy_chars, 1, 1_000_000)
        _check_int("max_gap", self.max_gap, 0, 64)
        _check_int("max_candidates", self.max_candidates, 1, 1000)
        _check_int("max_post_chars", self.max_post_chars, 1, 1 << 40)
        _check_int("max_thread_posts", self.max_thread_posts, 1, 1 << 40)
        _check_int("max_thread_chars", self.max_thread_chars, 1, 1 << 40)
        _check_float("lsh_threshold", self.lsh_threshold, 0.05, 0.95)
        _check_float("min_similarity", self.min_similarity, 0.0, 1.0)
        kinds = self.noise_kinds
        if isinstance(kinds, str) or not isinstance(kinds, Iterable):
            raise ConfigError(f"noise_kinds: give a set of kinds, not {kinds!r}")
        try:
            kinds = frozenset(kinds)
        except TypeError:  # a list inside the list
            raise ConfigError(f"noise_kinds: give a set of kinds' names, not {kinds!r}") from None
        unknown = sorted(repr(k) if not isinstance(k, str) else k for k in kinds if k not in NOISE_KINDS)
        if unknown:
            raise ConfigError(f"noise_kinds: unknown kind(s) {', '.join(unknown)}; known: {', '.join(NOISE_KINDS)}")
        object.__setattr__(self, "noise_kinds", kinds)
        if not isinstance(self.collapse, bool):
            raise ConfigError("collapse: must be True or False")

    def replace(self, **changes: Any) -> Config:
        """A copy with some options changed (validated like a new one)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["noise_kinds"] = sorted(self.noise_kinds)
        return out


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name}: must be a whole number from {low} to {high}, not {value!r}")


def _check_float(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{name}: must be a number from {low} to {high}, not {value!r}")


#: Batch output: JSON Lines of threadclean/1 results, or Parquet for corpus builders.
# jsonl: a threadclean/1 result a line; parquet: a row a thread; posts, posts-parquet: a line or row a post
OUTPUT_FORMATS = ("jsonl", "parquet", "posts", "posts-parquet")
#: Compression of JSON Lines shards.
COMPRESSIONS = ("none", "gz", "zst")
#: How dumps name the pages of one thread (matched against the name without extension and
#: compression suffix); each has the groups ``thread`` and ``page``.
DEFAULT_PAGES = (
    # Stage1st dumps: 2007064-01[title], 2007064-02[title]
    r"(?P<thread>[0-9]+)-(?P<page>[0-9]{1,4})(?:\[.*\])?",
    # Discuz static pages: thread-1234-2-1 (tid, page, page of the forum list)
    r"thread-(?P<thread>[0-9]+)-(?P<page>[0-9]{1,4})-[0-9]+",
    # saved pages named by hand or by scrapers: topic_page2, topic-p3, topic.page-4, topic page 5; a
    # separator must stand before the page word, or "top10" and "top20" would be pages of "to"
    r"(?P<thread>.+?)[-_. ](?:page|p)[-_= ]?(?P<page>[0-9]{1,4})",
)
#: The most worker processes a batch starts (more than the machine's cores only waits on them).
MAX_WORKERS = 256
# The most a thread may hold once decompressed: a file (or JSON line) past it is reported and
# skipped unread, so a compression bomb (a few hundred bytes that inflate to gigabytes) costs
# this much memory at most. The largest real thread seen (100,000 posts) is some 60 MB.
MAX_THREAD_BYTES = 128 << 20


@dataclass(frozen=True, kw_only=True)
class BatchConfig:
    """How a batch reads an archive and writes it out. Every option has a sensible default.

    Attributes:
        input_format: how to read each file (``auto``: told from its bytes).
        engine: the engine whose rules read JSON posts' bodies (``auto``: told from them; None:
            no engine's rules), or that reads every text.
        dialect: the markup of the bodies (``auto``: told from them; None: no markup).
        glob: only files in folders whose name matches this pattern (``*.md``).
        exclude: skip files whose name matches one of these patterns.
        pages: the file-name patterns (regular expressions with groups ``thread`` and ``page``)
            that tell the pages of one thread; ``()`` cleans every file alone.
        shard_size: threads per output shard. 1 or more.
        output_format: ``jsonl`` (a threadclean/1 result a line) or ``parquet`` (a row a thread,
            the ``parquet`` extra); ``posts`` and ``posts-parquet`` the same with one line or row
            per post (``CleanResult.post_records`` and the thread's ``path``).
        compress: ``none``, ``gz`` or ``zst`` (the ``zstd`` extra) for JSON Lines shards.
        workers: processes to clean with (None: the machine's cores). 1 to ``MAX_WORKERS``.
        report_dir: also write an HTML report page per thread there, and an index page.
        max_thread_bytes: the most one thread (a file, its pages, or a JSON line) may hold,
            decompressed; a larger one is reported and skipped without reading it whole.
        across: also find the passages of each post's own words that already stand in another
            thread of the archive (or of the index), and make each a quote naming that thread.
        index: where the index of the search across threads is kept (None: in the output
            folder's ``.threadclean/index``); one index shared by several batches checks each
            against every thread indexed before.
        max_shared: a band key of the search across threads held by more windows than this is
            boilerplate (a signature, a rule, a template): it is left out and counted.
        scheduler: run on the Dask cluster whose scheduler is at this address (the ``cluster``
            extra); sources and output on a file system its workers see.
        cluster: run on a Dask ``LocalCluster`` of this many worker processes on this machine.
    """

    input_format: str = "auto"
    engine: str | None = "auto"
    dialect: str | None = "auto"
    glob: str | None = None
    exclude: tuple[str, ...] = ()
    pages: tuple[str, ...] = DEFAULT_PAGES
    shard_size: int = 1000
    output_format: str = "jsonl"
    compress: str = "none"
    workers: int | None = None
    report_dir: str | None = None
    max_thread_bytes: int = MAX_THREAD_BYTES
    across: bool = False
    index: str | None = None
    max_shared: int = 1000
    scheduler: str | None = None
    cluster: int | None = None

    def __post_init__(self) -> None:
        for name in ("exclude", "pages"):
            value = getattr(self, name)
            if value is None:
                value = ()
            if isinstance(value, str) or not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{name}: give a list of patterns, not {value!r}")
            object.__setattr__(self, name, tuple(value))
        for pattern in self.pages:
            try:
                groups = regex.compile(pattern).groupindex
            except regex.error as e:
                raise ConfigError(f"pages: {pattern!r} is not a regular expression ({e})") from None
            if "thread" not in groups or "page" not in groups:
                raise ConfigError(f"pages: {pattern!r} needs the groups (?P<thread>...) and (?P<page>...)")
        if not isinstance(self.input_format, str):
            raise ConfigError(f"input_format: must be a format's name, not {self.input_format!r}")
        if self.engine is not None and not isinstance(self.engine, str):
            raise ConfigError(f"engine: must be an engine's name, auto or None, not {self.engine!r}")
        if self.dialect is not None and self.dialect != "auto":
            _check_choice("dialect", self.dialect, DIALECTS)
        if self.glob is not None and not isinstance(self.glob, str):
            raise ConfigError(f"glob: must be a pattern, not {self.glob!r}")
        _check_int("shard_size", self.shard_size, 1, 1 << 40)
        _check_choice("output_format", self.output_format, OUTPUT_FORMATS)
        _check_choice("compress", self.compress, COMPRESSIONS)
        if self.output_format.endswith("parquet") and self.compress != "none":
            raise ConfigError("compress: Parquet shards are compressed inside; compress must be none")
        if self.workers is not None:
            _check_int("workers", self.workers, 1, MAX_WORKERS)
        _check_int("max_thread_bytes", self.max_thread_bytes, 1, 1 << 40)
        if not isinstance(self.across, bool):
            raise ConfigError(f"across: must be True or False, not {self.across!r}")
        if self.index is not None and not isinstance(self.index, (str, os.PathLike)):
            raise ConfigError(f"index: must be a folder's path, not {self.index!r}")
        _check_int("max_shared", self.max_shared, 2, 1 << 40)
        if self.scheduler is not None and (not isinstance(self.scheduler, str) or not self.scheduler.strip()):
            raise ConfigError(f"scheduler: must be a scheduler's address (tcp://HOST:PORT), not {self.scheduler!r}")
        if self.cluster is not None:
            _check_int("cluster", self.cluster, 1, MAX_WORKERS)
        if self.scheduler is not None and self.cluster is not None:
            raise ConfigError("scheduler, cluster: give one, a scheduler to connect to or a local cluster to start")
        if self.report_dir is not None and not isinstance(self.report_dir, (str, os.PathLike)):
            raise ConfigError(f"report_dir: must be a folder's path, not {self.report_dir!r}")

    def replace(self, **changes: Any) -> BatchConfig:
        """A copy with some options changed (validated like a new one)."""
        return replace(self, **changes)

    def settings(self) -> dict[str, Any]:
        """The options that decide what the shards hold (a resumed batch must have the same)."""
        return {"glob": self.glob, "exclude": list(self.exclude), "pages": list(self.pages),
                "input_format": self.input_format, "engine": self.engine, "dialect": self.dialect,
                "shard_size": self.shard_size, "max_thread_bytes": self.max_thread_bytes,
                "output_format": self.output_format, "compress": self.compress,
                **({"across": True, "max_shared": self.max_shared} if self.across else {})}


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{name}: must be one of {', '.join(choices)}, not {value!r}")
