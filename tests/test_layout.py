"""The layout shows the architecture: stages depend one way, no import cycles, short modules.

The one-way rule is import-linter's layers contract in pyproject.toml; cycles are
found here over every import statement, function-level ones included, because a
cycle hidden inside a function still breaks the day that import moves up.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from plugins.cli import ROOT

PACKAGES = ("app", "ingest", "evals")
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for package in (*PACKAGES, "tests"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports anywhere in its body."""
    mods = {m for m in modules() if m.split(".")[0] in PACKAGES}

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module in sorted(mods):
        path = modules()[module]
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            graph[module] |= {r for t in targets if (r := resolve(t)) and r != module}
    return graph


def test_stages_depend_one_way() -> None:
    # A subprocess: import-linter's CLI reconfigures logging, which would disable our loggers here.
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_no_import_cycles_between_modules() -> None:
    try:
        TopologicalSorter(import_graph()).prepare()
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_the_cycle_check_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "evals.runner" in graph["app.web.evals_tab"]  # imported inside a method only


def test_no_module_over_400_lines() -> None:
    long = {m: n for m, p in modules().items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_app_has_a_sub_package_per_stage() -> None:
    stages = {p.parent.name for p in (ROOT / "app").glob("*/__init__.py")}
    assert {"core", "llm", "answer", "plan", "learner", "web"} <= stages


def test_core_imports_nothing_else_from_app_and_ingest_only_core() -> None:
    graph = import_graph()
    for module, imports in graph.items():
        if module.startswith("app.core"):
            assert all(i.startswith("app.core") for i in imports if i.startswith("app")), module
        if module.startswith("ingest"):
            assert all(i.startswith("app.core") for i in imports if i.startswith("app")), module
