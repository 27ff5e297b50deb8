"""Where an archive's threads are: the files under the sources, opened through their
compression, grouped into multi-page threads and cut into jobs of one thread each.

Listing is deterministic (sorted paths), so a job's ``index`` names the same thread in every
run: that is what lets an interrupted batch resume and any number of workers write the same
output.
"""

from __future__ import annotations

import bz2
import fnmatch
import gzip
import hashlib
import io
import json
import lzma
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import regex

from ..config import DEFAULT_PAGES, MAX_THREAD_BYTES
from ..errors import InputError, MissingDependency, ThreadcleanError
from ..read.decode import BINARY, binary_at

# Compressed files are told by their first bytes, whatever their name says.
_MAGIC = ((b"\x1f\x8b", "gz"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zst"))
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
_LINES_SUFFIXES = (".jsonl", ".ndjson")  # files that may hold one thread per line, never pages

_LINE_PEEK = 5  # lines read to tell a file of threads (one per line) from a file of posts
_PEEK_BYTES = 1 << 20  # at most this much is read to tell it


@dataclass(frozen=True, slots=True)
class Job:
    """One thread of the archive: a JSON line, one file, or the pages of one thread.

    ``done_bytes`` is how much of the sources (bytes on disk) lies before the job's end, for a
    progress bar; ``error`` is a problem met while listing, reported in the thread's place.
    """

    index: int
    path: str
    id: str
    pages: tuple[str, ...] = ()
    line: bytes | None = None
    line_no: int = 0
    data: bytes | None = None  # stdin, read whole
    error: str | None = None
    done_bytes: int = 0


def compression(head: bytes) -> str | None:
    """The compression a file's first bytes show, or None.

    >>> compression(gzip.compress(b"{}")), compression(b"{}")
    ('gz', None)
    """
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def open_decompressed(raw: IO[bytes], *, name: str) -> IO[bytes]:
    """``raw`` read through the compression its first bytes show (``raw`` must be seekable or
    buffered: its first bytes are peeked)."""
    buffered: Any = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
    kind = compression(buffered.peek(6)[:6])
    if kind == "gz":
        return cast(IO[bytes], gzip.GzipFile(fileobj=buffered))
    if kind == "bz2":
        return cast(IO[bytes], bz2.BZ2File(buffered))
    if kind == "xz":
        return cast(IO[bytes], lzma.LZMAFile(buffered))
    if kind == "zst":
        try:
            import zstandard
        except ImportError:
            raise MissingDependency("zstandard", "zstd", f"{name}: reading zstd-compressed files") from None
        reader = zstandard.ZstdDecompressor().stream_reader(buffered, read_across_frames=True)
        return cast(IO[bytes], io.BufferedReader(reader))
    return buffered


class TooLarge(InputError):
    """A thread larger than the batch's ``max_thread_bytes`` once decompressed."""

    def __init__(self, limit: int, where: str | None = None) -> None:
        super().__init__(f"more than {limit:,} bytes decompressed (max_thread_bytes; a compression bomb?): "
                         "not read", where=where)


def read_all(path: str, *, limit: int) -> bytes:
    """A file's bytes, decompressed; ``TooLarge`` once they pass ``limit`` (read in chunks, so a
    bomb costs ``limit`` bytes of memory, never what it would inflate to)."""
    with open(path, "rb") as raw, open_decompressed(raw, name=path) as f:
        parts, got = [], 0
        while chunk := f.read(min(1 << 20, limit + 1 - got)):
            parts.append(chunk)
            got += len(chunk)
            if got > limit:
                raise TooLarge(limit)
        return b"".join(parts)


def shown(path: str) -> str:
    """A path as output names it: a file name that is not UTF-8 (read as lone surrogates) with
    its bad bytes as ``\\xNN``, so the record can be written and still says which file.

    >>> print(shown("src/bad" + chr(0xDCFF) + ".txt"))
    src/bad\\xff.txt
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def stem(path: str) -> str:
    """A file's name without its compression suffix and extension.

    >>> stem("dumps/2007064-01[标题].md.gz")
    '2007064-01[标题]'
    """
    name = os.path.basename(path)
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    base, dot, ext = name.rpartition(".")
    return base if dot and base and "]" not in ext and len(ext) <= 5 else name


def page_of(path: str, patterns: Sequence[regex.Pattern[str]]) -> tuple[str, int] | None:
    """(thread key, page number) when a file's name is that of a page of a thread.

    >>> page_of("s1/2007064-02[标题].md", [regex.compile(p) for p in DEFAULT_PAGES])
    ('s1/2007064', 2)
    """
    if path.endswith(_LINES_SUFFIXES) or stem(path).endswith(_LINES_SUFFIXES):
        return None
    name = stem(path)
    for pattern in patterns:
        m = pattern.fullmatch(name)
        if m and m.group("page").isascii() and m.group("page").isdigit():  # a pattern's \d takes other digits too
            return os.path.join(os.path.dirname(path), m.group("thread")), int(m.group("page"))
    return None


def list_files(
    sources: Sequence[str], *, glob: str | None = None, exclude: Sequence[str] = (), skip: Sequence[str] = ()
) -> Iterator[tuple[str, str | None]]:
    """(path, problem) for every file under the sources, in a stable order: folders walked
    recursively and sorted, hidden files skipped, ``glob`` and ``exclude`` matched against file
    names (a file named as a source is always taken), the folders in ``skip`` (the batch's own
    output) never entered. Only regular files are read: a pipe would block the walk and a link
    to a device read forever, so they are listed with their problem."""
    skipped = {os.path.realpath(folder) for folder in skip}
    for source in sources:
        if source == "-":
            yield "-", None
        elif os.path.isdir(source):
            found = []
            for folder, dirs, files in os.walk(source):
                dirs[:] = [d for d in dirs if not d.startswith(".")
                           and os.path.realpath(os.path.join(folder, d)) not in skipped]
                found += [os.path.join(folder, f) for f in files if _wanted(f, glob, exclude)]
            yield from ((f, _not_regular(f)) for f in sorted(found, key=lambda f: Path(f).parts))
        elif os.path.exists(source):
            yield source, _not_regular(source)
        else:
            yield source, "no such file or folder"


def _not_regular(path: str) -> str | None:
    """Why a path is not read as a file (a pipe, a device, a socket), or None for a regular file."""
    try:
        mode = os.stat(path).st_mode  # through a symbolic link: what it points at is what is read
    except OSError as e:
        return e.strerror or "cannot be read"
    return None if stat.S_ISREG(mode) else "not a regular file (a pipe, device or socket): not read"


def _wanted(name: str, glob: str | None, exclude: Sequence[str]) -> bool:
    return (
        not name.startswith(".")
        and (glob is None or fnmatch.fnmatch(name, glob))
        and not any(fnmatch.fnmatch(name, x) for x in exclude)
    )


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def total_bytes(files: Sequence[tuple[str, str | None]]) -> int | None:
    """The bytes on disk of the files ``list_files`` gave (None with stdin: not known ahead)."""
    return None if any(f == "-" for f, _ in files) else sum(_size(f) for f, problem in files if problem is None)


def listing_key(files: Sequence[tuple[str, str | None]]) -> str:
    """A digest of the files listed and their sizes: a batch resumes only over the same listing,
    since a job's index names a thread only within one listing."""
    digest = hashlib.sha256()
    for path, problem in files:
        digest.update(os.fsencode(path) + b"\0" + str(_size(path) if problem is None and path != "-" else -1).encode()
                      + b"\n")
    return digest.hexdigest()[:32]


def list_jobs(
    files: Sequence[tuple[str, str | None]], *, pages: Sequence[str] | None = DEFAULT_PAGES,
    stdin: IO[bytes] | None = None, limit: int = MAX_THREAD_BYTES,
) -> Iterator[Job]:
    """Every thread of the files ``list_files`` gave, as a job, in order. ``pages`` are the
    patterns (named groups ``thread`` and ``page``) that tell a page of a multi-page thread;
    None or () turns it off. A JSON line longer than ``limit`` is a job with its error."""
    patterns = [regex.compile(p) for p in pages or ()]
    groups: dict[str, list[tuple[int, str]]] = {}
    for path, problem in files:
        key = page_of(path, patterns) if problem is None and path != "-" else None
        if key:
            groups.setdefault(key[0], []).append((key[1], path))
    index, done = 0, 0
    emitted: set[str] = set()
    for path, problem in files:
        key = page_of(path, patterns) if problem is None and path != "-" else None
        if key and len(groups[key[0]]) > 1:
            if key[0] in emitted:
                continue
            emitted.add(key[0])
            members = [p for _, p in sorted(groups[key[0]])]
            done += sum(_size(p) for p in members)
            yield Job(index, members[0], shown(os.path.basename(key[0])), pages=tuple(members), done_bytes=done)
            index += 1
            continue
        if problem is not None:
            yield Job(index, path, shown(stem(path)), error=problem, done_bytes=done)
            index += 1
            continue
        start = done
        done += 0 if path == "-" else _size(path)
        for job in _file_jobs(path, index, start, done, stdin, limit):
            yield job
            index += 1


def _file_jobs(path: str, index: int, start: int, done: int, stdin: IO[bytes] | None, limit: int) -> Iterator[Job]:
    """The jobs of one file: a thread per line for JSON Lines of threads, else the file."""
    name = shown(stem(path))
    try:
        if path == "-":
            data = open_decompressed(stdin or sys.stdin.buffer, name="<stdin>").read(limit + 1)
            lines = _thread_lines(data[:_PEEK_BYTES])
            if not lines:
                error = TooLarge(limit).reason if len(data) > limit else None
                yield Job(index, "-", "stdin", data=None if error else data, error=error, done_bytes=len(data))
                return
            yield from _line_jobs("-", io.BytesIO(data), None, index, 0, limit)
            return
        head = _head(path)
        nul = binary_at(head)
        if nul is not None:  # told from the first bytes: a bomb of zeros is never inflated further
            yield Job(index, path, name, error=f"byte {nul}: {BINARY}", done_bytes=done)
            return
        if not _thread_lines(head):
            yield Job(index, path, name, pages=(path,), done_bytes=done)
            return
        with open(path, "rb") as raw:
            yield from _line_jobs(path, open_decompressed(raw, name=path), raw, index, start, limit)
    except (OSError, EOFError, ThreadcleanError, ValueError, lzma.LZMAError) as e:
        yield Job(index, path, name, error=_reason(e), done_bytes=done)


def _head(path: str) -> bytes:
    """The first bytes of a file, decompressed, as far as they can be read (a truncated or
    corrupt file reports its problem later, at the line where it stops)."""
    parts: list[bytes] = []
    with open(path, "rb") as raw:
        f = open_decompressed(raw, name=path)
        got = 0
        try:
            while got < _PEEK_BYTES and (chunk := f.read(1 << 16)):
                parts.append(chunk)
                got += len(chunk)
        except (OSError, EOFError, ValueError, lzma.LZMAError):
            pass
    return b"".join(parts)


def _thread_lines(head: bytes) -> bool:
    """Whether a file's first lines are threads (objects with a ``posts`` array), one a line."""
    seen = 0
    for line in head.split(b"\n")[:-1] or [head]:
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except (ValueError, RecursionError):  # not JSON, or nested past reading: no thread line
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("posts"), list):
            return True
        seen += 1
        if seen >= _LINE_PEEK:
            break
    return False


def _line_jobs(path: str, f: IO[bytes], raw: IO[bytes] | None, index: int, start: int, limit: int) -> Iterator[Job]:
    n = 0
    name = shown(stem(path)) if path != "-" else "stdin"
    try:
        while True:
            line = f.readline(limit + 1)
            if not line:
                return
            n += 1
            if len(line) > limit and not line.endswith(b"\n"):  # a line past the limit: skipped unread
                while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield Job(index, path, f"line {n}", line_no=n, error=f"line {n}: {TooLarge(limit).reason}")
                index += 1
            elif line.strip():
                at = start + (raw.tell() if raw is not None else 0)
                yield Job(index, path, f"line {n}", line=line, line_no=n, done_bytes=at)
                index += 1
    except (OSError, EOFError, ValueError, lzma.LZMAError) as e:
        yield Job(index, path, f"{name} line {n + 1}", line_no=n + 1, error=f"line {n + 1}: {_reason(e)}")


def _reason(e: BaseException) -> str:
    if isinstance(e, InputError):
        return e.reason if e.where is None else f"{e.where}: {e.reason}"
    if isinstance(e, EOFError):
        return f"truncated compressed data ({e})"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__
