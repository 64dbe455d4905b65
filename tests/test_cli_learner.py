"""The learner commands of the real `tutor` script: quiz, answer, progress, state, placement, export."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from plugins.cli import ROOT, TUTOR_BIN

pytestmark = pytest.mark.slow  # `tutor answer` loads the embedder


def jsons(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_quiz_answer_progress_round_trip(tutor_cli, tutor_home) -> None:
    quiz = tutor_cli(
        "quiz", "--learner", "ann", "--topic", "transformers", "--n", "3", "--json", home=tutor_home
    )
    assert quiz.returncode == 0, quiz.stderr
    items = jsons(quiz.stdout)
    assert len(items) == 3
    for item in items:
        assert set(item) == {"id", "topic_id", "question"}  # never the key
    with_choices = jsons(tutor_cli("quiz", "--learner", "ann", "--n", "2", "--choices", "--json",
                                   home=tutor_home).stdout)  # fmt: skip
    assert all(len(i["choices"]) >= 2 for i in with_choices)

    done = tutor_cli("answer", "--learner", "ann", "--item", items[0]["id"], "--response", "gpt", "--json",
                     home=tutor_home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"correct", "key", "next_due"} <= set(result) and isinstance(result["correct"], bool)
    assert result["key"] and len(result["next_due"]) == 10  # YYYY-MM-DD

    progress = json.loads(tutor_cli("progress", "--learner", "ann", "--json", home=tutor_home).stdout)
    assert progress["learner"] == "ann" and len(progress["areas"]) == 8 and progress["next"]
    assert {"topic_id", "state", "mastery", "due"} == set(progress["topics"][0])
    others = json.loads(tutor_cli("progress", "--learner", "bob", "--json", home=tutor_home).stdout)
    assert all(t["due"] is None for t in others["topics"])  # Bob never answered anything


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("answer", "--item", "nope", "--response", "x"), "unknown item 'nope'"),
        (("answer", "--item", "ITEM", "--response", " "), "the answer is empty"),
        (("quiz", "--topic", "underwater basket weaving"), "unknown topic 'underwater basket weaving'"),
        (("state", "--topic", "zzz", "--state", "done"), "unknown topic 'zzz'"),
        (("import", "missing.json"), "missing.json: no such file"),
    ],
)
def test_mistakes_are_one_line_exit_1_and_change_nothing(tutor_cli, tutor_home, args, message) -> None:
    item = jsons(tutor_cli("quiz", "--json", "--n", "1", home=tutor_home).stdout)[0]["id"]
    args = tuple(item if a == "ITEM" else a for a in args)
    done = tutor_cli(*args, home=tutor_home)
    assert done.returncode == 1
    assert done.stderr_lines == [done.stderr_lines[0]] and message in done.stderr_lines[0]
    assert "Traceback" not in done.stderr
    exported = tutor_cli("export", "--learner", "me", home=tutor_home)
    assert exported.returncode == 1 and "no learner 'me'" in exported.stderr  # nothing was stored


def test_state_export_and_import(tutor_cli, tutor_home, tmp_path) -> None:
    assert tutor_cli("state", "--learner", "ann", "--topic", "Linear Algebra", "--state", "done",
                     home=tutor_home).returncode == 0  # fmt: skip
    out = tmp_path / "ann.json"
    assert tutor_cli("export", "--learner", "ann", "--out", str(out), home=tutor_home).returncode == 0
    data = json.loads(out.read_text())
    assert data["learner"] == "ann" and {s["state"] for s in data["states"]} == {"done"}
    other = tmp_path / "other-home"
    assert tutor_cli("import", str(out), home=other).returncode == 0
    again = tutor_cli("import", str(out), home=other)
    assert again.returncode == 1 and "already has data here" in again.stderr
    progress = json.loads(tutor_cli("progress", "--learner", "ann", "--json", home=other).stdout)
    maths = next(a for a in progress["areas"] if a["id"] == "mathematics-and-statistics")
    assert maths["done"] > 0


def test_placement_reads_answers_from_stdin_and_confirms(tutor_home) -> None:
    env = {**os.environ, "TUTOR_HOME": str(tutor_home)}
    done = subprocess.run(
        [str(TUTOR_BIN), "placement", "--learner", "ann", "--json", "--confirm"],
        input="idk\n" * 20, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = jsons(done.stdout)
    questions, summary = lines[:-1], lines[-1]
    assert 1 <= len(questions) <= 15 and summary["asked"] == len(questions)
    assert summary["known"] == [] and all("key" not in q for q in questions)
