"""Eight learners answering at once through a live `tutor serve` (gradio_client), on SQLite and PostgreSQL.

Each learner signs in with their own login, starts a 20-question quiz on a
section of their own and answers every question with text that names them.
Then the server is killed (SIGKILL), and the database is read directly:
every answer must be there (none lost), under the learner who gave it, for
the question that learner was shown (no cross-talk).
"""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from plugins.cli import run_tutor
from plugins.learners import fresh_postgres_database, postgres_admin_url
from plugins.live import start_serve

from app.learner.db import Database
from app.learner.store import LearnerStore
from app.web.markup import unescape

pytestmark = [pytest.mark.slow, pytest.mark.real_llm, pytest.mark.server]

LEARNERS = 8
ANSWERS = 20
PASSWORD = "pw-{n}-horse-battery"
TOPICS = [  # a section of its own for each learner, each with at least 20 items
    "programming-and-software-engineering/data-structures-and-algorithms",
    "programming-and-software-engineering/software-development-practices",
    "mathematics-and-statistics/linear-algebra",
    "mathematics-and-statistics/calculus",
    "machine-learning-and-deep-learning/machine-learning-fundamentals",
    "machine-learning-and-deep-learning/supervised-learning",
    "data-engineering/programming-for-data-engineering",
    "data-engineering/data-storage-systems",
]


@pytest.fixture(scope="module")
def class_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ingested TUTOR_HOME and a logins file with one login per learner."""
    home = tmp_path_factory.mktemp("class-home")
    done = run_tutor("ingest", "--quiet", home=home, timeout=900)
    assert done.returncode == 0, done.stderr
    logins = "\n".join(f"learner{n}:{PASSWORD.format(n=n)}" for n in range(LEARNERS))
    (home / "logins").write_text(f"# the class\n{logins}\n", encoding="utf-8")
    return home


@pytest.fixture(params=["sqlite", "postgresql"])
def class_database(request: pytest.FixtureRequest, class_home: Path):
    if request.param == "sqlite":
        path = class_home / f"class-{time.monotonic_ns()}.sqlite3"
        yield f"sqlite:///{path}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL for this run: set TUTOR_TEST_DATABASE_URL (.ci/run starts one)")
    url, drop = fresh_postgres_database(admin)
    yield url
    drop()


def learner_session(url: str, n: int) -> list[tuple[str, str]]:
    """One learner's quiz: (question shown, response given) for each of the answers."""
    from gradio_client import Client

    user = f"learner{n}"
    client = Client(url, auth=(user, PASSWORD.format(n=n)), verbose=False, analytics_enabled=False)
    shown = client.predict("ignored", TOPICS[n], ANSWERS, False, api_name="/quiz_start")[0]
    given = []
    for k in range(ANSWERS):
        question = shown.split("\n\n", 1)[1]
        response = f"{user} says answer {k}"
        result = client.predict("ignored", response, None, api_name="/quiz_answer")[-1]
        assert "The key:" in result, result
        given.append((question, response))
        if k + 1 < ANSWERS:
            shown = client.predict("ignored", api_name="/quiz_next")[0]
    return given


def test_eight_learners_answer_at_once_and_nothing_is_lost_or_crossed(
    class_home: Path, class_database: str, report, bank
) -> None:
    server = start_serve(class_home, class_home / f"serve-{time.monotonic_ns()}.log",
                         TUTOR_AUTH_FILE=str(class_home / "logins"), TUTOR_DATABASE_URL=class_database,
                         TUTOR_MAX_TOKENS="16")  # fmt: skip
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(LEARNERS) as pool:
            sessions = list(pool.map(lambda n: learner_session(server.url, n), range(LEARNERS)))
        elapsed = time.monotonic() - started
        assert " ERROR " not in server.output() and "Traceback" not in server.output()
    finally:
        server.process.send_signal(signal.SIGKILL)  # no clean shutdown: what was acknowledged must be stored
        server.process.wait(timeout=30)

    store = LearnerStore(Database(class_database))
    lost = crossed = 0
    for n, given in enumerate(sessions):
        stored = store.answers(f"learner{n}")
        lost += len(given) - len(stored)
        for (question, response), answer in zip(given, stored):
            item = bank.by_id[answer.item_id]
            crossed += answer.response != response or item.question != unescape(question)
            crossed += not answer.topic_id.startswith(TOPICS[n]) and not item.unit_id.startswith(TOPICS[n])
    backend = class_database.split(":")[0]
    report(
        f"learners ({backend}): {LEARNERS} learners x {ANSWERS} answers at once in {elapsed:.0f} s; "
        f"{sum(len(s) for s in sessions)} acknowledged, {lost} lost, {crossed} crossed"
    )
    assert lost == 0 and crossed == 0
    assert sum(len(store.answers(f"learner{n}")) for n in range(LEARNERS)) == LEARNERS * ANSWERS
