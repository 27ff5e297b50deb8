"""The batch on a Dask cluster: a real ``distributed.LocalCluster`` of worker processes on
loopback gives the same shards and report as the local run, even when a worker is killed in the
middle (the scheduler runs its tasks again)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import acrossgen  # noqa: E402
from conftest import KILLER_HOOK  # noqa: E402
from threadclean.batch import BatchConfig, clean_archive  # noqa: E402


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    acrossgen.build(root / "gen", [], threads=400, seed=21)
    local = root / "local"
    clean_archive([str(root / "gen")], str(local), batch=BatchConfig(workers=2, across=True, shard_size=20))
    return root, _outputs(local)


@pytest.fixture()
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as c, distributed.Client(c) as client:
        yield c, client


def test_a_local_cluster_gives_the_bytes_of_the_local_run(archive, cluster):
    root, local = archive
    c, _ = cluster
    out = root / "on-cluster"
    report = clean_archive([str(root / "gen")], str(out),
                           batch=BatchConfig(across=True, shard_size=20, scheduler=c.scheduler_address))
    assert report.engine == c.scheduler_address and report.workers == 2 and report.across["quotes"] > 100
    assert _outputs(out) == local  # every shard and report.json
    assert len([n for n in local if n.startswith("part-")]) >= 10


def test_a_worker_killed_mid_run_changes_nothing(archive, cluster):
    root, local = archive
    c, client = cluster
    out = root / "killed"
    pids = list(client.run(os.getpid).values())
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["report"] = clean_archive([str(root / "gen")], str(out),
                                           batch=BatchConfig(across=True, shard_size=20, scheduler=c.scheduler_address))
        except BaseException as e:
            done["error"] = e

    batch = threading.Thread(target=run)
    batch.start()
    stage = out / ".threadclean" / "stage"
    deadline = time.monotonic() + 120
    while not (stage.exists() and any(p.name.endswith(".jsonl") for p in stage.iterdir())):
        assert time.monotonic() < deadline and batch.is_alive(), done
        time.sleep(0.02)
    assert not (out / "report.json").exists()  # still at work
    os.kill(pids[0], signal.SIGKILL)  # a worker dies with tasks on it
    batch.join(600)
    assert "error" not in done, done.get("error")
    assert _outputs(out) == local
    assert pids[0] not in client.run(os.getpid).values()  # it did die (its nanny started another)




def test_a_thread_that_kills_the_clusters_workers_is_reported_and_skipped(tmp_path):
    src = tmp_path / "src"
    acrossgen.build(src, [], threads=40, seed=2)
    (src / "killer.txt").write_text("这个帖子让清理它的进程死掉。\n", encoding="utf-8")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILLER_HOOK, encoding="utf-8")  # in every process, the workers too
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), *sys.path]),
           "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    import json
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "threadclean", "batch", str(src), "-o", str(tmp_path / "out"),
                           "--cluster", "2", "-q"], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    (error,) = report["errors"]
    assert report["failed"] == 1 and report["threads"] == 40
    assert error["path"].endswith("killer.txt") and "killed the cluster's workers" in error["reason"]
