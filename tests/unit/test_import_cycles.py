"""No import cycles inside reelforge, also none hidden behind an import inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"agent": "reelforge.agent", "tools": "reelforge.tools", "ui": "reelforge.ui", "evals": "reelforge.evals",
            "prompts": "reelforge.prompts", "reelforge": "reelforge"}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, package in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if folder == "reelforge":
                parts = parts[1:] if parts[:1] == ["reelforge"] else parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def _imports(module: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(imported when the module loads, imported later inside a function); TYPE_CHECKING imports skipped."""
    at_load: set[str] = set()
    later: set[str] = set()

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = node.module or ""
        if node.level:
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        names = [f"{base}.{a.name}" for a in node.names]
        return names if all(n in modules for n in names) else [base]  # submodules, else the module itself

    def visit(body: list[ast.stmt], loading: bool) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                (at_load if loading else later).update(t for t in targets(node) if t in modules and t != module)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(node.body, False)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        visit([n for n in inner if isinstance(n, ast.stmt | ast.ExceptHandler)], loading)  # type: ignore[misc]

    visit(ast.parse(path.read_text(encoding="utf-8")).body, True)
    return at_load, later


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    came: dict[str, str | None] = {start: None}
    todo = [start]
    while todo:
        node = todo.pop(0)
        if node == goal:
            path = []
            step: str | None = node
            while step is not None:
                path.append(step)
                step = came[step]
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt not in came:
                came[nxt] = node
                todo.append(nxt)
    return None


def test_no_module_imports_itself_back() -> None:
    modules = _modules()
    at_load: dict[str, set[str]] = {}
    later: dict[str, set[str]] = {}
    for name, path in modules.items():
        at_load[name], later[name] = _imports(name, path, modules)
    cycles = []
    for module in modules:
        for imported in at_load[module] | later[module]:
            back = _reaches(at_load, imported, module)
            if back:
                cycles.append(" -> ".join([module, *back]))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))
