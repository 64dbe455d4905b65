"""Learner stores for tests: SQLite always, and a real PostgreSQL when TUTOR_TEST_DATABASE_URL names one.

`.ci/run` starts a throwaway PostgreSQL cluster and exports
TUTOR_TEST_DATABASE_URL (a database the tests may create others from). Each
test that asks for `database_url` runs once per backend, on a database of its
own that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.resources import seeds_dir
from app.learner.coach import Coach
from app.learner.db import Database
from app.learner.grading import Grader
from app.learner.items import ItemBank
from app.learner.store import LearnerStore
from app.plan.curriculum import Curriculum
from app.plan.skills import SkillTree

POSTGRES_ENV = "TUTOR_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def fresh_postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server `admin_url` reaches, and a function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tutor_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty learner database: SQLite in this test's tmp dir, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'learners.sqlite3'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(f"no PostgreSQL for this run: set {POSTGRES_ENV} (.ci/run starts one)")
    url, drop = fresh_postgres_database(admin)
    yield url
    drop()


@pytest.fixture
def store(database_url: str) -> Iterator[LearnerStore]:
    database = Database.open(database_url)
    yield LearnerStore(database)
    database.close()


@pytest.fixture(scope="session")
def roadmap_tree() -> SkillTree:
    return SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md")


@pytest.fixture(scope="session")
def curriculum(roadmap_tree: SkillTree) -> Curriculum:
    return Curriculum.load(roadmap_tree)


@pytest.fixture(scope="session")
def bank(roadmap_tree: SkillTree) -> ItemBank:
    """Every quiz item of the shipped cards and topic entries."""
    return ItemBank.load(roadmap_tree, seeds_dir() / "cards", seeds_dir() / "topics")


@pytest.fixture(scope="session")
def grader(bank: ItemBank, embeddings) -> Grader:
    """The real grader with the real embedder and the shipped calibration."""
    return Grader(bank, embeddings.embed_documents)


@pytest.fixture
def coach(store: LearnerStore, bank: ItemBank, curriculum: Curriculum, grader: Grader) -> Coach:
    from app.plan.planner import StudyPlanner

    planner = StudyPlanner(curriculum)
    return Coach(store, bank, curriculum, lambda: grader, goal_targets=planner.targets)
