"""The batch's second pass, with the search across threads: the stage shards the first pass
wrote (each thread's whole document, and its posts' postings) go into the archive's index, the
search runs over it, and the output shards are written from the stage shards with each thread's
copies across threads applied.

The pass is done whole each time (a resume after a crash in it does it again): it reads only
finished stage shards, and the index clears the rows of an unfinished run before it begins.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import numpy as np

from ..across import POSTING, ArchiveIndex, apply_copies, copies_in, entries_of, link
from ..config import BatchConfig, Config
from ..result import Stats
from .jobs import Tally, formatted, page_name, report_page
from .shards import STATE, ShardWriter, shard_name

STAGE = os.path.join(STATE, "stage")


def stage_folder(output: str) -> str:
    return os.path.join(output, STAGE)


def postings_path(output: str, k: int) -> str:
    return os.path.join(stage_folder(output), f"part-{k:05d}.postings")


def _lines(output: str, k: int) -> list[str]:
    with open(os.path.join(stage_folder(output), shard_name(k, fmt="jsonl", compress="none")), encoding="utf-8") as f:
        return [line for line in f.read().split("\n") if line]


def link_stage(output: str, shards: int, *, config: Config, batch: BatchConfig, total: Tally, client: Any = None
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The output shards from the ``shards`` stage shards, with the copies across threads found
    against the index (the pairs by band key on the Dask ``client``'s cluster, if given); the
    figures of the search (``report.json``'s ``across``) and the index and run it used."""
    folder = batch.index or os.path.join(output, STATE, "index")
    index = ArchiveIndex(str(folder), settings={"config": config.to_dict(), "max_shared": batch.max_shared})
    try:
        run = index.begin(output)
        for k in range(shards):
            rows = np.fromfile(postings_path(output, k), dtype=POSTING)
            rows["gpn"] |= np.int64(run) << np.int64(56)
            entries = []
            for line in _lines(output, k):
                out = json.loads(line)
                entries += entries_of(out, path=out["path"], thread=out["id"], run=run, job=out["job"])
            index.add(entries, rows)
            index.commit()
        pairs_of = align_map = None
        if client is not None:
            from .cluster import align_on, pairs_by_key

            pairs_of, align_map = pairs_by_key(client, index, max_shared=batch.max_shared), align_on(client)
        linked = link(index, config, max_shared=batch.max_shared, pairs_of=pairs_of, align_map=align_map,
                      work=os.path.join(output, STATE, "pairs"))
        bytes_out, followed = _write(output, shards, index, run=run, batch=batch, total=total)
        shuffled = index.postings()
        index.finish()
    finally:
        index.close()
    figures = linked.figures()
    figures.update(followed=followed)
    total.bytes_out = bytes_out
    return figures, {"folder": os.path.abspath(folder), "run": run, "postings": shuffled,
                     "postings_bytes": shuffled * POSTING.itemsize}


def _write(output: str, shards: int, index: ArchiveIndex, *, run: int, batch: BatchConfig, total: Tally
           ) -> tuple[int, int]:
    """The output shards; their bytes, and the quotes of a thread followed to another thread."""
    entry_of_page = {p["file"]: i for i, p in enumerate(total.pages)}
    bytes_out = followed = 0
    for k in range(shards):
        lines = [json.loads(line) for line in _lines(output, k)]
        entries = {id(out): entries_of(out, path=out["path"], thread=out["id"], run=run, job=out["job"])
                   for out in lines}
        copies, sources = copies_in(index, [e for es in entries.values() for e in es])
        # the report pages of this run's threads, by (path, id): a copy links to its source's page
        pages = {(e.path, e.thread): page_name((g >> 24) & ((1 << 32) - 1))
                 for g, e in sources.items() if g >> 56 == run}
        writer = ShardWriter(output, k, fmt=batch.output_format, compress=batch.compress)
        try:
            for out in lines:
                mine = entries[id(out)]
                job = out.pop("job")
                out.pop("bytes_in", None)
                theirs = {e.gpn: copies[e.gpn] for e in mine if e.gpn in copies}
                if theirs:
                    out = apply_copies(out, mine, theirs, sources)
                    stats = out["stats"]["across"]
                    total.stats = _with_across(total.stats, stats)
                    followed += stats["followed"]
                    if batch.report_dir:
                        entry = report_page(out, job, batch.report_dir, pages)
                        if entry["file"] in entry_of_page:
                            total.pages[entry_of_page[entry["file"]]] = entry
                text, row = formatted(out, batch.output_format)
                writer.add(text, row or {})
                bytes_out += len(text.encode("utf-8")) + 1 if text else 0
            writer.finish()
        except BaseException:
            writer.abandon()
            raise
    return bytes_out, followed


def _with_across(stats: Stats, across: dict[str, int]) -> Stats:
    """A batch's figures with a thread's copies across threads counted in."""
    return dataclasses.replace(stats, chars_out=stats.chars_out - across["chars_cut"],
                               quotes=stats.quotes + across["quotes"],
                               chars_quoted=stats.chars_quoted + across["chars_quoted"])


__all__ = ["STAGE", "link_stage", "postings_path", "stage_folder"]
