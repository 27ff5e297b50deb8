"""threadclean: clean scraped forum threads.

Strips forum noise (Discuz jammer strings, smiley codes, quote headers, ...) and collapses every
repeated passage into a reference to its first appearance.

>>> import threadclean
>>> result = threadclean.clean_text("好文{:soso_e121:}")
>>> result.posts[0].text
'好文'
"""

from typing import TYPE_CHECKING, Any

from .config import NOISE_KINDS, Config
from .errors import (
    ArgumentError,
    BatchStateError,
    ConfigError,
    DecodeError,
    FormatError,
    InputError,
    MissingDependency,
    ThreadcleanError,
)
from .pipeline import clean_file, clean_pages, clean_text, clean_thread
from .rebuild import rebuild
from .result import CleanResult, Post, Quote, Removal

if TYPE_CHECKING:
    from .batch import clean_archive, iter_threads

    __version__: str


def __getattr__(name: str) -> Any:
    # the batch (with the search across threads and its index) and the package's version are
    # loaded when asked for: a run of ``threadclean clean`` needs neither, and they cost a
    # tenth of a second of every start
    if name in ("clean_archive", "iter_threads"):
        from . import batch

        return getattr(batch, name)
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("threadclean")
        except metadata.PackageNotFoundError:  # run from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'threadclean' has no attribute {name!r}")

__all__ = [
    "NOISE_KINDS",
    "ArgumentError",
    "BatchStateError",
    "CleanResult",
    "Config",
    "ConfigError",
    "DecodeError",
    "FormatError",
    "InputError",
    "MissingDependency",
    "Post",
    "Quote",
    "Removal",
    "ThreadcleanError",
    "clean_archive",
    "clean_file",
    "clean_pages",
    "clean_text",
    "clean_thread",
    "iter_threads",
    "rebuild",
]
