"""Shared test setup: isolated state, no real LLM unless asked, and the fixture plugins.

Every test runs with TUTOR_HOME in its own temp dir. A real LLM is forbidden
unless a test is marked `real_llm`: the unit tests script the model instead.
The fixtures live in plugins by subject: `plugins.models` (embedder, scripted
chat model, fake llama.cpp), `plugins.index` (settings, the fixture curriculum
ingested once, a real retriever), `plugins.cli` (the real `tutor` script),
`plugins.live` (a live `tutor serve`) and `plugins.learners` (learner stores on
SQLite and PostgreSQL, the item bank, the grader).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["plugins.models", "plugins.index", "plugins.cli", "plugins.live", "plugins.learners"]


def pytest_configure(config: pytest.Config) -> None:
    # The `real_llm` switch must exist even where pyproject does not declare it.
    if not any(line.startswith("real_llm:") for line in config.getini("markers")):
        config.addinivalue_line(
            "markers", "real_llm: may load the real LLM (without it, building a backend fails the test)"
        )


# --- isolation ----------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _offline_session_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No TUTOR_* setting leaks in from the developer's shell; libraries stay offline.

    TUTOR_TEST_* variables are for the tests themselves (e.g. TUTOR_TEST_CHROMA_URL, a
    Chroma server that CI started) and are no setting of the tutor's.
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("TUTOR_") and not n.startswith("TUTOR_TEST_")]:
            mp.delenv(name)
        mp.setenv("TUTOR_HOME", str(tmp_path_factory.mktemp("session-home")))
        for name, value in {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TRANSFORMERS_VERBOSITY": "error",
            "TOKENIZERS_PARALLELISM": "false",
            "ANONYMIZED_TELEMETRY": "False",
        }.items():
            mp.setenv(name, value)
        yield


@pytest.fixture(autouse=True)
def tutor_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test's own TUTOR_HOME: nothing a test stores outlives it."""
    home = tmp_path / "tutor-home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    return home


class RealLLMForbidden(RuntimeError):
    """Raised when a test not marked `real_llm` tries to build or load the real model."""


@pytest.fixture(autouse=True)
def _forbid_real_llm(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_llm"):
        return

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise RealLLMForbidden(f"{request.node.nodeid} uses the real LLM; mark it @pytest.mark.real_llm")

    # app.wiring first: patching it may import it, and it must then bind the real
    # app.llm.backend.build_backend, or the undo at teardown would "restore" this test's stand-in.
    monkeypatch.setattr("app.wiring.build_backend", forbidden)
    monkeypatch.setattr("app.llm.backend.build_backend", forbidden)
    monkeypatch.setattr("llama_cpp.Llama", forbidden)


_REPORT = pytest.StashKey[list[str]]()


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """`report("line")`: a line for the end of the test run (figures, artifact paths)."""
    return request.config.stash.setdefault(_REPORT, []).append


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("live server figures and artifacts")
        for line in lines:
            terminalreporter.write_line(line)
