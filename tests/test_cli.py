"""app/cli.py: the installed `tutor` script, run in a subprocess against the fixture curriculum."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from plugins.cli import ROOT

from app.cli import main
from app.llm.backend import Backend

Q1 = "Which tools does the roadmap list for experiment tracking?"
GOAL_ARGS = ["plan", "--goal", "mlops-engineer"]
PLAN_ARGS = [*GOAL_ARGS, "--hours-per-week", "6", "--weeks", "8", "--start", "2027-01-04"]
Q2 = "How do I rebase and resolve merge conflicts in Git?"
Q3 = "What is in the Python standard library?"
TRACKING = ["Machine Learning Operations", "1. Experiment Tracking"]
VERSION_CONTROL = ["Programming Basics", "2. Version Control"]
STANDARD_LIBRARY = ["Programming Basics", "1. Python Language", "Standard Library"]
HEAVY_MODULES = ["torch", "transformers", "sentence_transformers", "llama_cpp", "chromadb", "gradio"]


@pytest.fixture(scope="session")
def cli_env(mini_roadmap: Path) -> dict[str, str]:
    # The JSON-list form: the plain-path form of TUTOR_SEEDS is checked in test_settings.
    return {
        "TUTOR_SEEDS": json.dumps([str(mini_roadmap)]),
        "TUTOR_CARDS": str(mini_roadmap.parent / "no-cards"),  # the fixture roadmap alone
        "TUTOR_TOPICS": str(mini_roadmap.parent / "no-topics"),
    }


@pytest.fixture(scope="session")
def cli_ingest(tmp_path_factory: pytest.TempPathFactory, tutor_cli, cli_env):
    """`tutor ingest --quiet` of the fixture curriculum into a fresh TUTOR_HOME: (home, result)."""
    home = tmp_path_factory.mktemp("cli-home")
    return home, tutor_cli("ingest", "--quiet", home=home, **cli_env)


@pytest.fixture(scope="session")
def cli_home(cli_ingest) -> Path:
    home, result = cli_ingest
    assert result.returncode == 0, result.stderr
    return home


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.slow  # a subprocess that loads the embedder
def test_ingest_reports_what_it_did(cli_ingest, mini_chunks) -> None:
    home, result = cli_ingest
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    n = len(mini_chunks)
    assert re.fullmatch(
        rf"ingested 1 file\(s\): {n} chunks \({n} embedded, 0 removed, 0 unchanged\) in \d+\.\ds", line
    )
    assert "embedding" not in result.stderr  # --quiet: no progress bar
    assert (home / "chroma").is_dir()


@pytest.mark.slow  # a subprocess that loads the embedder
def test_ingest_again_embeds_nothing(cli_home: Path, tutor_cli, cli_env, mini_chunks) -> None:
    result = tutor_cli("ingest", "--quiet", home=cli_home, **cli_env)
    assert result.returncode == 0, result.stderr
    n = len(mini_chunks)
    assert f"{n} chunks (0 embedded, 0 removed, {n} unchanged)" in result.stdout


@pytest.mark.slow  # a subprocess that loads the embedder
def test_retrieve_json_one_line_per_question(cli_home: Path, tutor_cli, cli_env, mini_chunks) -> None:
    result = tutor_cli("retrieve", "--json", "--k", "3", Q1, Q2, home=cli_home, **cli_env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first, second = records(result.stdout)
    assert [first["query"], second["query"]] == [Q1, Q2]
    known_ids = {c.id for c in mini_chunks}
    for record in (first, second):
        assert set(record) == {"query", "hits"}
        assert len(record["hits"]) == 3
        for hit in record["hits"]:
            assert set(hit) == {"id", "path", "text", "score"}
            assert isinstance(hit["id"], str) and hit["id"] in known_ids
            assert isinstance(hit["path"], list) and all(isinstance(p, str) for p in hit["path"])
            assert isinstance(hit["text"], str) and hit["text"]
            assert isinstance(hit["score"], float) and -1.0 <= hit["score"] <= 1.0
    assert first["hits"][0]["path"] == TRACKING
    assert second["hits"][0]["path"] == VERSION_CONTROL


@pytest.mark.slow  # a subprocess that loads the embedder
def test_retrieve_reads_questions_from_a_file(cli_home: Path, tutor_cli, cli_env, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text(f"{Q1}\n\n   \n{Q2}\n", encoding="utf-8")
    result = tutor_cli(
        "retrieve", "--json", "--k", "2", Q3, "--file", str(questions), home=cli_home, **cli_env
    )
    assert result.returncode == 0, result.stderr
    got = records(result.stdout)
    assert [r["query"] for r in got] == [Q3, Q1, Q2]  # arguments first, then the file; blanks skipped
    assert [len(r["hits"]) for r in got] == [2, 2, 2]
    assert [r["hits"][0]["path"] for r in got] == [STANDARD_LIBRARY, TRACKING, VERSION_CONTROL]


def test_retrieve_plain_output(mini_index, monkeypatch: pytest.MonkeyPatch, capsys, shared_embedder) -> None:
    # In process, on the session index, so the embedder is not loaded again.
    monkeypatch.setenv("TUTOR_HOME", str(mini_index.settings.home))
    assert main(["retrieve", "--k", "2", Q1]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0] == f"? {Q1}"
    assert re.fullmatch(r"  1\. \[0\.\d\d\] Machine Learning Operations > 1\. Experiment Tracking", lines[1])
    assert lines[2].startswith("  2. [")


def test_ask_json_with_a_scripted_model(
    mini_index,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    shared_embedder,
    script,
    count_tiktoken,
) -> None:
    model = script("For experiment tracking the roadmap lists MLflow [1].")
    monkeypatch.setattr(
        "app.wiring.build_backend", lambda settings: Backend(model, count_tiktoken, 2048, "scripted")
    )
    monkeypatch.setenv("TUTOR_HOME", str(mini_index.settings.home))
    monkeypatch.setenv("TUTOR_MODEL_ADDS", "true")  # off by default for the bundled model
    assert main(["ask", "--json", Q1, "How do I bake sourdough bread?"]) == 0
    answered, refused = records(capsys.readouterr().out)
    assert set(answered) == {"query", "answer", "citations", "refused", "coverage", "timings_ms"}
    assert (answered["coverage"], refused["coverage"]) == ("covered", "none")
    assert answered["refused"] is False
    assert answered["citations"][0]["path"] == TRACKING
    assert answered["answer"].endswith("For experiment tracking the roadmap lists MLflow [1].")
    assert refused["refused"] is True
    assert refused["citations"] == []
    assert len(model.prompts) == 1  # the refused question never reached the model


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["retrieve", ""], {}, "the question is empty"),
        (["ask", "   "], {}, "the question is empty"),
        (["retrieve"], {}, "no question given: pass QUESTION or --file FILE"),
        (["retrieve", "What is Git?"], {}, "no index yet: run 'tutor ingest' first"),
        (["retrieve", "--file", "{tmp}/missing.txt"], {}, "{tmp}/missing.txt: no such file"),
        (["retrieve", "--file", "{tmp}/latin1.txt"], {}, "{tmp}/latin1.txt: not UTF-8 text"),
        (["retrieve", "--file", "{tmp}/blank.txt"], {}, "{tmp}/blank.txt: no questions in this file"),
        (["retrieve", "--k", "0", "What is Git?"], {}, "--k must be at least 1"),
        (["ingest", "{tmp}/missing.md"], {}, "{tmp}/missing.md: no such file or folder"),
        (["retrieve", "What is Git?"], {"TUTOR_TOP_K": "0"}, "invalid setting: TUTOR_TOP_K"),
        (["retrieve", " \t \n "], {}, "the question is empty"),
        (["ask", "\x1b[0m\x07\u202e"], {}, "the question is empty"),
        (["retrieve", "x" * 20_000], {}, "the question is 20000 characters long; keep it under 2000"),
        (["ask", "x" * 20_000], {}, "the question is 20000 characters long; keep it under 2000"),
        (["ingest", "{tmp}/photo.png"], {}, "{tmp}/photo.png: looks like a PNG image, not markdown"),
        (["ingest", "{tmp}/latin1.txt"], {}, "{tmp}/latin1.txt: not UTF-8 text (bad byte at offset 19)"),
        (["ingest", "{tmp}/code"], {}, "{tmp}/code: no markdown files (.md, .markdown, .txt) in this folder"),
    ],
    ids=[
        "empty-question",
        "blank-question",
        "no-question",
        "no-index",
        "missing-file",
        "not-utf8-file",
        "blank-file",
        "k-zero",
        "ingest-missing-path",
        "bad-setting",
        "whitespace-question",
        "control-characters-question",
        "20000-char-retrieve",
        "20000-char-ask",
        "ingest-image",
        "ingest-not-utf8",
        "ingest-folder-without-markdown",
    ],
)
def test_user_mistakes_are_one_line_on_stderr(
    tutor_cli, tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    (tmp_path / "latin1.txt").write_bytes("Qu'est-ce qu'un caf\xe9 ?\n".encode("latin-1"))
    (tmp_path / "blank.txt").write_text("\n   \n\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "main.py").write_text("print()\n", encoding="utf-8")
    home = tmp_path / "fresh-home"
    result = tutor_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], home=home, **env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("tutor: error: ")
    assert message.replace("{tmp}", str(tmp_path)) in result.stderr_lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["retrieve", "What is Git?"], ["ask", "What is Git?"], ["ingest"]])
def test_a_damaged_index_is_one_line_naming_the_fix(tutor_cli, tmp_path: Path, args: list[str]) -> None:
    chroma = tmp_path / "home" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"not a database, " * 4096)
    result = tutor_cli(*args, home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stderr_lines == [
        f"tutor: error: the index in {chroma} cannot be read (error returned from database: (code: 26) "
        "file is not a database): run 'tutor ingest --rebuild'"
    ]
    assert result.stdout == ""
    assert (chroma / "chroma.sqlite3").read_bytes() == b"not a database, " * 4096  # left as it was


def test_help_lists_the_commands(tutor_cli, tmp_path: Path) -> None:
    result = tutor_cli("--help", home=tmp_path / "home", timeout=60)
    assert result.returncode == 0
    for command in ("ingest", "retrieve", "ask", "serve"):
        assert command in result.stdout
    assert not (tmp_path / "home").exists()  # --help stores nothing


def run_python(code: str, home: Path) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with a bare environment and its own TUTOR_HOME."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "TUTOR_HOME": str(home)},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["ingest", "--help"],
        ["retrieve", "--help"],
        ["ask", "--help"],
        ["plan", "--help"],
        ["topics", "--help"],
        ["topics", "--json"],
        PLAN_ARGS,
    ],
)
def test_light_commands_import_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "import app.cli\n"
        "try:\n"
        f"    code = app.cli.main({args!r})\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        f"print(json.dumps([code, [m for m in {HEAVY_MODULES!r} if m in sys.modules]]))\n"
    )
    done = run_python(code, tmp_path / "home")
    exit_code, heavy = json.loads(done.stdout.splitlines()[-1])
    assert exit_code == 0, done.stderr
    assert heavy == []


def test_importing_the_library_does_no_work(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "import app.cli, app.wiring, app.answer.tutor, app.answer.retrieve, app.answer.citations\n"
        "import app.answer.grounding, app.web.serve, app.web.page, app.plan.planner\n"
        "import app.core.prompts, app.llm.backend, app.llm.llamacpp, app.core.settings\n"
        "import ingest.sync, ingest.store, ingest.chunk, ingest.embed, ingest.markdown\n"
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
    )
    home = tmp_path / "home"
    done = run_python(code, home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert not home.exists()  # no mkdir, no index, no model file at import
