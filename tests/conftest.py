"""Shared helpers: where the real data lives, and a compact view of a result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"

# a sitecustomize.py that makes every process die (SIGKILL) when it starts to clean a job whose
# path holds "killer": a thread that kills its worker, for the fault tests
KILLER_HOOK = '''
import os, signal
import threadclean.batch.jobs as jobs
_clean = jobs.clean_job
def clean_job(job, **kw):
    if "killer" in job.path:
        os.kill(os.getpid(), signal.SIGKILL)
    return _clean(job, **kw)
jobs.clean_job = clean_job
'''


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is not on this machine."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is only on the project's machines)")
    return path


def raw_inputs(path: Path) -> dict[str | None, str]:
    """What a file's result must rebuild: each post's text for JSON and for a saved page (its
    bodies as the parser writes them), else the decoded file itself."""
    from threadclean.read import engines, read_bytes
    from threadclean.read.generic_page import looks_like_page, read_page

    thread = read_bytes(path.read_bytes(), source=str(path))
    if thread.text is None:
        return {str(p.get("id", n)): p["text"] for n, p in enumerate(thread.posts, 1)}
    engine = engines.find(thread.text) if thread.engine == "auto" else None
    document = engine.parse(thread.text) if engine else read_page(thread.text) if looks_like_page(thread.text) else None
    if isinstance(document, engines.Page):
        return {post.id: post.text for post in document.posts}
    return {None: thread.text}


def summary(result: Any) -> dict[str, Any]:
    """What a golden fixture pins: each post's own text and quotes, and the removed kinds."""
    doc = result.to_dict()
    kinds: dict[str, int] = {}
    for r in doc["removed"] + [r for p in doc["posts"] for r in p["removed"]]:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    return {
        "posts": [
            {"id": p["id"], "author": p["author"], "text": p["text"].strip(),
             "quotes": [{"post": q["post"], "explicit": q["explicit"], "text": q["text"]} for q in p["quotes"]]}
            for p in doc["posts"]
        ],
        "removed": dict(sorted(kinds.items())),
    }
