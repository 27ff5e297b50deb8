"""The batch's output: shards of JSON Lines (optionally compressed) or Parquet, each written to
a temporary name and renamed when whole, with its figures beside it in the state folder.

A shard holds the threads of a fixed range of jobs, so the same archive always gives the same
shards; a shard that exists is finished, and an interrupted batch redoes only the one it was
writing.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
from collections.abc import Iterator
from typing import IO, Any

from ..errors import BatchStateError, MissingDependency

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; two batches on one folder are not refused there
    fcntl = None  # type: ignore[assignment]

STATE = ".threadclean"  # the batch's own files inside the output folder


@contextlib.contextmanager
def lock_output(output: str) -> Iterator[None]:
    """Hold ``OUT/.threadclean/lock`` for the batch's run: a second batch (or a resume started
    while the first still runs) gets a ``BatchStateError`` naming the process that holds it.
    The lock is the kernel's (``flock``): it goes with the process that held it, however it died."""
    state = os.path.join(output, STATE)
    os.makedirs(state, exist_ok=True)
    path = os.path.join(state, "lock")
    with open(path, "a+", encoding="utf-8") as f:
        if fcntl is not None:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                f.seek(0)
                holder = f.read().strip() or "?"
                raise BatchStateError(f"{output} is in use by another batch (pid {holder}); "
                                      "wait for it, or write to another folder") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def shard_name(k: int, *, fmt: str, compress: str) -> str:
    """The file name of shard ``k``.

    >>> shard_name(3, fmt="jsonl", compress="gz")
    'part-00003.jsonl.gz'
    """
    suffix = ".parquet" if fmt.endswith("parquet") else ".jsonl" + ("" if compress == "none" else f".{compress}")
    return f"part-{k:05d}{suffix}"


def write_atomic(path: str, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all: a temporary file, flushed, then renamed."""
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


_THREAD_COLUMNS = ("path", "id", "title", "reader", "posts", "chars_in", "chars_out", "text", "result")
_POST_COLUMNS = ("path", "thread", "post", "author", "time", "time_raw", "text", "quotes")


class ShardWriter:
    """Writes one shard: lines go to a temporary file, ``finish`` renames it into place."""

    def __init__(self, folder: str, k: int, *, fmt: str, compress: str) -> None:
        self.path = os.path.join(folder, shard_name(k, fmt=fmt, compress=compress))
        self.tmp = f"{self.path}.tmp"
        self.fmt = fmt
        self.rows: list[dict[str, Any]] = []
        self.bytes = 0
        self._raw = open(self.tmp, "wb")  # noqa: SIM115 (open until finish or abandon)
        self._out: IO[bytes] = self._raw
        if not fmt.endswith("parquet") and compress == "gz":  # mtime 0: the same threads give the same bytes
            self._out = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0, filename="")  # type: ignore[assignment]
        elif not fmt.endswith("parquet") and compress == "zst":
            zstandard = _optional("zstandard", "zstd", "writing zstd shards")
            self._out = zstandard.ZstdCompressor(level=3).stream_writer(self._raw, closefd=False)

    def add(self, line: str, row: dict[str, Any]) -> None:
        """One thread: its line (for ``posts``, its posts' lines; none for a thread of no post) and
        its Parquet row (for ``posts-parquet``, ``{"posts": [row, ...]}``)."""
        data = line.encode("utf-8") + b"\n" if line else b""
        self.bytes += len(data)
        if self.fmt == "parquet":
            self.rows.append(row)
        elif self.fmt == "posts-parquet":
            self.rows += row["posts"]
        else:
            self._out.write(data)

    def finish(self) -> None:
        if self.fmt.endswith("parquet"):
            self._write_parquet()
        if self._out is not self._raw:
            self._out.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        self._raw.close()
        if os.path.exists(self.tmp):
            os.remove(self.tmp)

    def _write_parquet(self) -> None:
        pa = _optional("pyarrow", "parquet", "writing Parquet shards")
        pq = _optional("pyarrow.parquet", "parquet", "writing Parquet shards")
        columns = _POST_COLUMNS if self.fmt == "posts-parquet" else _THREAD_COLUMNS
        table = pa.table({c: [r[c] for r in self.rows] for c in columns})
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        self._raw.write(buffer.getvalue())


def _optional(module: str, extra: str, needed_for: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(module, extra, needed_for) from None


def read_json(path: str) -> Any:
    with open(path, "rb") as f:
        return json.loads(f.read())
