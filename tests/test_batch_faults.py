"""Batch under faults (issue 20, B1-B3): a worker killed mid-run, the main process killed alone,
a thread that kills every worker that cleans it, two batches on one output folder. Each checks
that no process is left, that nothing is lost or written twice, and that the output is the same
bytes as an undisturbed run's. The waits are generous guards against a hang, not timings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import KILLER_HOOK
from test_batch import lines_of, make_archive, shards

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")

_GUARD = 300  # seconds


def _batch(src: Path, out: Path, *more: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "threadclean", "batch", str(src), "-o", str(out), "--workers", "2",
           "--shard-size", "10", "--quiet", *more]
    return subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE, env=env)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":  # a zombie is gone already; only its parent's wait is missing
                tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, out, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and
            Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"}


def _workers_of(proc: subprocess.Popen, at_least: int) -> set[int]:
    deadline = time.monotonic() + _GUARD
    while time.monotonic() < deadline:
        found = _descendants(proc.pid)
        if len(found) >= at_least:
            return found
        time.sleep(0.05)
    raise AssertionError("the batch never started its workers")


def _until_shards(out: Path, n: int) -> None:
    deadline = time.monotonic() + _GUARD
    while len(list(out.glob("part-*.jsonl"))) < n and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    src = make_archive(root / "src", threads=400)
    whole = _batch(src, root / "whole")
    assert whole.wait(timeout=_GUARD) == 0
    return src, shards(root / "whole")


def test_a_killed_worker_costs_nothing(archive, tmp_path):
    src, expected = archive
    proc = _batch(src, tmp_path / "out")
    _until_shards(tmp_path / "out", 2)
    # the fork server (and the resource tracker) are the main process's children; the workers
    # are the fork server's
    _workers_of(proc, 3)
    direct = set(_children().get(proc.pid, []))
    workers = sorted(_descendants(proc.pid) - direct)
    assert workers
    assert not (tmp_path / "out" / "report.json").exists(), "the batch finished before it could be killed"
    os.kill(workers[0], signal.SIGKILL)
    assert proc.wait(timeout=_GUARD) == 0, proc.stderr.read() if proc.stderr else ""
    assert shards(tmp_path / "out") == expected
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["threads"] == 400 and report["failed"] == 0


def test_killing_the_main_process_alone_leaves_no_process_and_resumes(archive, tmp_path):
    src, expected = archive
    proc = _batch(src, tmp_path / "out")
    _until_shards(tmp_path / "out", 3)
    tree = _workers_of(proc, 2)
    os.kill(proc.pid, signal.SIGKILL)  # the main process only: its workers must notice
    proc.wait()
    deadline = time.monotonic() + 30
    while _alive(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(tree), f"left running: {_alive(tree)}"
    assert not (tmp_path / "out" / "report.json").exists(), "the batch finished before it could be killed"
    resumed = _batch(src, tmp_path / "out", "--resume")
    assert resumed.wait(timeout=_GUARD) == 0
    assert shards(tmp_path / "out") == expected
    assert len(lines_of(tmp_path / "out")) == 400




def test_a_thread_that_kills_every_worker_is_reported_and_skipped(archive, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for path in Path(archive[0]).iterdir():
        (src / path.name).write_bytes(path.read_bytes())
    (src / "part00050-killer.txt").write_text("这个帖子让清理它的进程死掉。\n", encoding="utf-8")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILLER_HOOK, encoding="utf-8")  # in every process, the workers too
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), *sys.path])}
    proc = _batch(src, tmp_path / "out", env=env)
    assert proc.wait(timeout=_GUARD) == 0, proc.stderr.read() if proc.stderr else ""
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["failed"] == 1 and report["threads"] == 400
    (error,) = report["errors"]
    assert error["path"].endswith("killer.txt") and "died twice" in error["reason"] and "SIGKILL" in error["reason"]


def test_two_batches_on_one_output_folder(archive, tmp_path):
    src, _ = archive
    first = _batch(src, tmp_path / "out")
    _until_shards(tmp_path / "out", 1)
    second = _batch(src, tmp_path / "out", "--resume")
    assert second.wait(timeout=_GUARD) == 2
    assert b"in use by another batch" in (second.stderr.read() if second.stderr else b"")
    assert first.wait(timeout=_GUARD) == 0
    assert len(lines_of(tmp_path / "out")) == 400


def test_ctrl_c_stops_within_seconds_exit_130_and_resumes(archive, tmp_path):
    src, expected = archive
    proc = _batch(src, tmp_path / "out")
    _until_shards(tmp_path / "out", 2)
    tree = _workers_of(proc, 2)
    assert not (tmp_path / "out" / "report.json").exists(), "the batch finished before it could be stopped"
    os.kill(proc.pid, signal.SIGINT)  # what Ctrl-C sends (to the main process: workers ignore it)
    sent = time.monotonic()
    assert proc.wait(timeout=30) == 130
    assert time.monotonic() - sent < 3
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert "rerun with --resume" in stderr and "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 10
    while _alive(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(tree)
    resumed = _batch(src, tmp_path / "out", "--resume")
    assert resumed.wait(timeout=_GUARD) == 0
    assert shards(tmp_path / "out") == expected
