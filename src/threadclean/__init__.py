"""threadclean: clean scraped forum threads.

Strips forum noise (Discuz jammer strings, smiley codes, quote headers, ...) and collapses every
repeated passage into a reference to its first appearance.

>>> import threadclean
>>> result = threadclean.clean_text("好文{:soso_e121:}")
>>> result.posts[0].text
'好文'
"""

from importlib import metadata as _metadata

from .batch import clean_archive, iter_threads
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

try:
    __version__ = _metadata.version("threadclean")
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

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
