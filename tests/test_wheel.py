"""A plain install from the wheel (not editable, no checkout) runs `tutor ingest` and `tutor ask`.

The wheel is built from this checkout and installed into a folder of its own;
the commands run from a temp folder with only that folder on the path, so
prompts, the roadmap, cards and curriculum can only come from the wheel's
package data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from plugins.cli import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.real_llm]

SHIPPED = [
    "prompts/answer.md",
    "seeds/ai-engineer-skills.md",
    "seeds/curriculum.yaml",
    "seeds/cards/2-mathematics.md",
    "evals/thresholds.yaml",
    "evals/datasets/retrieval.yaml",
    "evals/templates/report.html",
    "app/web/page.py",
    "app/learner/grading.yaml",
    "app/learner/migrations/env.py",
    "app/learner/migrations/script.py.mako",
    "app/learner/migrations/versions/0002_answers_and_review_cards.py",
    "app/learner/migrations/versions/0003_renamed_items.py",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = ["pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(ROOT)]
    subprocess.run([sys.executable, "-m", *build], check=True, capture_output=True, timeout=300)
    [built] = out.glob("skills_tutor-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    install = ["pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)]
    subprocess.run([sys.executable, "-m", *install], check=True, capture_output=True, timeout=300)
    return target


def run(code: str, *args: str, site: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "TUTOR_HOME": str(cwd / "home")}
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def test_the_wheel_carries_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [n for n in SHIPPED if n not in names] == []
    assert not any(n.startswith("tests/") for n in names)


def test_ingest_and_ask_run_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    where = run(
        "import app, seeds, prompts; print(app.__file__, seeds.__file__, prompts.__file__)",
        site=installed,
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert all(p.startswith(str(installed)) for p in where.stdout.split())  # nothing from the checkout

    tutor = "import sys; from app.cli import main; sys.exit(main())"
    ingested = run(tutor, "ingest", "--quiet", site=installed, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert "ingested" in ingested.stdout and "seeds/ai-engineer-skills.md" not in ingested.stderr

    asked = run(tutor, "ask", "--json", "What is KL divergence?", site=installed, cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert "Information Theory" in asked.stdout and '"refused": false' in asked.stdout

    # The learner store migrates from the shipped Alembic environment; quiz keys come from the seeds.
    quiz = run(tutor, "quiz", "--json", "--n", "1", "--topic", "transformers", site=installed, cwd=tmp_path)
    assert quiz.returncode == 0, quiz.stderr
    assert '"topic_id": "machine-learning-and-deep-learning/' in quiz.stdout
