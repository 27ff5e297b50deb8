"""The import direction, asserted from the modules' own imports: the tree reads as the pipeline
(read → strip → split → find → settle → assemble), and each part imports only what stands below
it. Walks every module's ``import`` statements (those inside functions too) with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "threadclean"

BASE = {"errors", "patterns", "spans", "perf", "config", "layout", "result", "rebuild", "attributions", "jsonio"}
# what each part of the package may import from the package (besides itself)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "patterns": set(),
    "spans": set(),
    "perf": set(),
    "jsonio": set(),
    "config": {"errors"},
    "layout": {"patterns", "result"},  # result for its type only
    "result": {"perf", "spans", "layout", "patterns"},
    "rebuild": {"errors"},
    "attributions": {"spans"},
    "read": {"errors", "patterns", "spans", "config", "layout", "attributions"},  # stage 1: knows no later stage
    "strip": {"patterns", "spans", "attributions"},  # stage 2: knows no reader
    "find": {"config", "patterns", "spans", "perf"},  # stage 4: knows no reader, no engine, no post
    "split": {"config", "patterns", "spans", "find"},  # stage 3: places the finder's copies in posts
    "settle": {"config", "patterns", "spans", "perf", "find", "split", "strip"},
    "assemble": {"patterns", "spans", "result", "split"},
    "pipeline": BASE | {"read", "strip", "split", "find", "settle", "assemble"},
    "report": {"errors", "rebuild"},
    "across": {"config", "errors", "patterns", "rebuild", "find"},  # stage 7: threads' documents, no pipeline
    "batch": {"across", "config", "errors", "pipeline", "read", "report", "result", "split"},
    "cli": {"", "batch", "config", "jsonio", "read", "report"},
    "__main__": {"cli"},
    "": BASE | {"batch", "pipeline"},  # the package's own __init__: its public surface
}


def _part(module: Path) -> str:
    rel = module.relative_to(SRC).with_suffix("")
    parts = rel.parts
    return "" if parts == ("__init__",) else parts[0]


def _imports(module: Path) -> set[str]:
    """The package's parts a module imports, absolute or relative."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    package = list(module.relative_to(SRC).parent.parts)
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[list[str]] = []
        if isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ["threadclean", *package[: len(package) - (node.level - 1)]]
                target = base + (node.module.split(".") if node.module else [])
                if not node.module:  # from . import x: x is a module, or a name of the package
                    names = [[*target, a.name] if _is_module([*target[1:], a.name]) else target for a in node.names]
                else:
                    names = [target]
            else:
                names = [(node.module or "").split(".")]
        for name in names:
            if name and name[0] == "threadclean":
                found.add(name[1] if len(name) > 1 else "")
    return found


def _is_module(parts: list[str]) -> bool:
    path = SRC.joinpath(*parts)
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: str(m.relative_to(SRC)))
def test_imports_run_down_the_pipeline(module):
    part = _part(module)
    assert part in ALLOWED, f"{part}: a new part of the package needs its place in ALLOWED"
    wrong = {i for i in _imports(module) - {part} if i not in ALLOWED[part] and not (part == "" and i == "")}
    assert not wrong, f"{module.relative_to(SRC)} imports {sorted(wrong)}, which stand above it"


def test_one_module_each_imports_datasketch_and_rapidfuzz():
    def importers(name: str) -> list[str]:
        out = []
        for module in MODULES:
            tree = ast.parse(module.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
                if any(m.split(".")[0] == name for m in mods):
                    out.append(str(module.relative_to(SRC)))
        return sorted(set(out))

    assert importers("datasketch") == ["find/candidates.py"]
    assert importers("rapidfuzz") == ["find/align.py"]


def test_the_walk_sees_relative_imports():
    assert _imports(SRC / "settle" / "__init__.py") >= {"find", "split", "strip"}
