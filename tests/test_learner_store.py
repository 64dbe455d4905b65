"""app/learner/db.py, models.py, store.py, transfer.py: migrations, isolation between learners, durability.

Each test runs on SQLite and, when TUTOR_TEST_DATABASE_URL is set (CI), on a
real PostgreSQL database of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from app.core.errors import TutorError
from app.learner.db import Database
from app.learner.models import Base
from app.learner.store import LearnerStore
from app.learner.transfer import export_learner, import_learner

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def answer(store: LearnerStore, name: str, item: str, correct: bool, at: datetime = T0, topic: str = "t/a"):
    return store.record(name, item_id=item, topic_id=topic, response="r", correct=correct, score=0.5, at=at,
                        promote=True)  # fmt: skip


def test_migrations_build_the_schema_from_an_empty_database(database_url: str) -> None:
    database = Database(database_url)
    assert database.revision() is None
    database.migrate()
    assert database.revision() == "0003"
    tables = set(inspect(database.engine).get_table_names())
    assert {"learners", "topic_states", "answers", "review_cards", "alembic_version"} <= tables
    database.migrate()  # on every start: a second run changes nothing
    assert database.revision() == "0003"


def test_the_models_match_what_the_migrations_build(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    database = Database.open(database_url)
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrations_upgrade_the_previous_schema_and_keep_its_data(database_url: str) -> None:
    old = Database(database_url)
    old.migrate("0001")  # the schema before answers and review cards existed
    assert "answers" not in inspect(old.engine).get_table_names()
    with old.engine.begin() as connection:
        connection.execute(text("INSERT INTO learners (name, created_at) VALUES ('ann', :t)"), {"t": T0})
        learner_id = connection.execute(text("SELECT id FROM learners WHERE name = 'ann'")).scalar_one()
        connection.execute(
            text("INSERT INTO topic_states VALUES (:l, 'a/b', 'done', 'learner', :t)"),
            {"l": learner_id, "t": T0},
        )
    old.close()

    store = LearnerStore(Database.open(database_url))
    assert store.database.revision() == "0003"
    assert store.states("ann") == {"a/b": "done"}
    answer(store, "ann", "e1", True)
    assert [a.item_id for a in store.answers("ann")] == ["e1"]


def test_migration_0003_moves_a_renamed_items_answers_and_card_to_its_new_id(database_url: str) -> None:
    from app.learner.items import RENAMED

    ((old_id, new_id),) = RENAMED.items()
    old = Database(database_url)
    old.migrate("0002")
    with old.engine.begin() as connection:
        connection.execute(text("INSERT INTO learners (name, created_at) VALUES ('ann', :t)"), {"t": T0})
        learner_id = connection.execute(text("SELECT id FROM learners WHERE name = 'ann'")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO answers (learner_id, item_id, topic_id, response, correct, score, overridden,"
                " kind, answered_at) VALUES (:l, :i, 't/a', 'stratify=y', true, 0.9, false, 'quiz', :t)"
            ),
            {"l": learner_id, "i": old_id, "t": T0},
        )
        connection.execute(
            text(
                "INSERT INTO review_cards (learner_id, item_id, topic_id, card, due)"
                " VALUES (:l, :i, 't/a', '{}', :t)"
            ),
            {"l": learner_id, "i": old_id, "t": T0},
        )
    old.close()

    store = LearnerStore(Database.open(database_url))
    assert [a.item_id for a in store.answers("ann")] == [new_id]
    with store.database.engine.connect() as connection:
        assert connection.execute(text("SELECT item_id FROM review_cards")).scalars().all() == [new_id]


def test_a_database_from_a_newer_tutor_is_refused(database_url: str) -> None:
    database = Database.open(database_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(TutorError, match="schema version '9999', newer than this tutor knows"):
        Database.open(database_url)


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    with pytest.raises(TutorError) as caught:
        Database.open("postgresql+psycopg://ann:s3cret@127.0.0.1:1/tutor")
    message = str(caught.value)
    assert message.startswith(
        "cannot open the learner store at postgresql+psycopg://ann:***@127.0.0.1:1/tutor"
    )
    assert "s3cret" not in message and "\n" not in message


def test_a_malformed_url_names_the_setting() -> None:
    with pytest.raises(TutorError, match="TUTOR_DATABASE_URL is not a database URL"):
        Database.open("not a url")


def test_one_learner_never_sees_another_learners_data(store: LearnerStore) -> None:
    answer(store, "ann", "e1", True)
    answer(store, "ann", "e2", False)
    bob = answer(store, "bob", "e1", False)
    store.set_states("ann", ["t/x"], "skipped")

    assert [a.item_id for a in store.answers("ann")] == ["e1", "e2"]
    assert [(a.item_id, a.correct) for a in store.answers("bob")] == [("e1", False)]
    assert store.states("bob") == {"t/a": "learning"}
    assert store.states("ann") == {"t/a": "learning", "t/x": "skipped"}
    assert {c.item_id for c in store.cards("bob")} == {"e1"}
    ann_e1 = next(c for c in store.cards("ann") if c.item_id == "e1")
    assert ann_e1.card.due > store.cards("bob")[0].card.due  # right, so later than Bob's wrong
    assert [i for i, _, _ in store.due("bob", T0 + timedelta(days=1))] == ["e1"]
    assert [i for i, _, _ in store.due("ann", T0 + timedelta(minutes=5))] == ["e2"]
    # Bob's answer id is not Ann's to override, and nothing changes when she tries.
    with pytest.raises(TutorError, match=f"no answer {bob.answer_id} for learner 'ann'"):
        store.override("ann", bob.answer_id, True)
    assert store.answers("bob")[0].correct is False
    assert store.answers("carol") == [] and store.states("carol") == {}


def test_each_answer_is_committed_before_record_returns(database_url: str) -> None:
    writer = LearnerStore(Database.open(database_url))
    answer(writer, "ann", "e1", True)
    # Another engine (another process, in effect) sees it at once; nothing was left pending.
    reader = LearnerStore(Database(database_url))
    assert [a.item_id for a in reader.answers("ann")] == ["e1"]
    assert [c.item_id for c in reader.cards("ann")] == ["e1"]


def test_quiz_results_move_a_topic_forward_but_never_undo_the_learners_choice(store: LearnerStore) -> None:
    answer(store, "ann", "e1", False, topic="t/new")
    assert store.states("ann")["t/new"] == "learning"
    assert store.mark_mastered("ann", "t/new") is True
    assert store.states("ann")["t/new"] == "done"
    store.set_states("ann", ["t/skip"], "skipped")
    answer(store, "ann", "e2", True, topic="t/skip")
    assert store.mark_mastered("ann", "t/skip") is False
    assert store.states("ann")["t/skip"] == "skipped"


def test_bad_names_and_states_are_one_line_and_change_nothing(store: LearnerStore) -> None:
    for name, message in [
        ("", "the learner's name is empty"),
        ("a\nb", "is not valid"),
        ("x" * 201, "not valid"),
    ]:
        with pytest.raises(TutorError, match=message):
            store.ensure(name)
    with pytest.raises(TutorError, match="unknown state 'finished'"):
        store.set_states("ann", ["t/a"], "finished")
    assert store.names() == []


def test_override_replays_the_cards_history(store: LearnerStore) -> None:
    first = answer(store, "ann", "e1", False, at=T0)
    answer(store, "ann", "e1", True, at=T0 + timedelta(days=1))
    corrected = store.override("ann", first.answer_id, True)
    twice_right = answer(store, "bob", "e1", True, at=T0)
    twice_right = answer(store, "bob", "e1", True, at=T0 + timedelta(days=1))
    assert corrected.due == twice_right.due
    assert store.answers("ann")[0].overridden is True


def test_export_and_import_carry_a_learner_to_another_store(store: LearnerStore, tmp_path) -> None:
    answer(store, "ann", "e1", True)
    answer(store, "ann", "e2", False, at=T0 + timedelta(minutes=5))
    store.set_states("ann", ["t/x"], "done")
    store.set_goal("ann", "mlops-engineer")
    data = export_learner(store, "ann")

    other = LearnerStore(Database.open(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    assert import_learner(other, data) == "ann"
    again = export_learner(other, "ann")
    for part in ("states", "answers", "cards"):
        assert again[part] == data[part]
    assert other.goal("ann") == "mlops-engineer"
    # Importing over a learner who already has data would lose some: refused, nothing changes.
    with pytest.raises(TutorError, match="learner 'ann' already has data here; import under another name"):
        import_learner(other, data)
    assert len(other.answers("ann")) == 2
    assert import_learner(other, data, "ann-copy") == "ann-copy"
    with pytest.raises(TutorError, match="not a learner export"):
        import_learner(other, {"answers": []})
    with pytest.raises(TutorError, match="no learner 'zed'"):
        export_learner(store, "zed")
