"""The real `tutor` script, run as a subprocess with its own TUTOR_HOME."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the checkout: commands run where a developer runs them
TUTOR_BIN = Path(sys.executable).with_name("tutor")


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_tutor(*args: str, home: Path, timeout: float = 300, **env: str) -> CliResult:
    """Run the installed `tutor` script with TUTOR_HOME=home (plus TUTOR_* overrides in env)."""
    full_env = {**os.environ, "TUTOR_HOME": str(home), **env}
    done = subprocess.run(
        [str(TUTOR_BIN), *args],
        env=full_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def tutor_cli() -> Callable[..., CliResult]:
    """`tutor_cli("retrieve", "--json", "Q", home=path, TUTOR_X="1")` runs the real `tutor` script."""
    return run_tutor


@pytest.fixture(scope="session")
def kill_ingest_midway() -> Callable[..., str]:
    """`kill_ingest_midway(*paths, home=path, TUTOR_X="1")` starts `tutor ingest PATHS` and
    SIGKILLs it once its progress bar shows chunks embedded; returns what it printed."""

    def run(*paths: str, home: Path, timeout: float = 300, **env: str) -> str:
        process = subprocess.Popen(
            [str(TUTOR_BIN), "ingest", *paths],
            env={**os.environ, "TUTOR_HOME": str(home), **env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seen = b""
        deadline = time.monotonic() + timeout
        try:
            # tqdm redraws "embedding:  8%|▊   | 32/400 [...]" with carriage returns.
            while not re.search(rb"embedding: +\d+%\|[^|]*\| *[1-9]\d*/\d+", seen):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(f"ingest never showed progress: {seen[-800:]!r}")
                if select.select([process.stderr], [], [], 0.5)[0]:
                    seen += os.read(process.stderr.fileno(), 65536)
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=30)
            process.stderr.close()
        assert process.returncode == -signal.SIGKILL, seen[-800:]
        return seen.decode("utf-8", "replace")

    return run
