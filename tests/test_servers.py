"""The server paths, against real servers started here on 127.0.0.1.

- a Chroma server (`chroma run`) reached through TUTOR_CHROMA_URL;
- an OpenAI-compatible server (llama-cpp-python's, serving the bundled Gemma)
  reached through TUTOR_LLM=openai, the same path Ollama, vLLM or OpenAI take.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from plugins.live import free_port

from app.core.resources import seeds_dir
from app.core.settings import Settings

BIN = Path(sys.executable).parent
ROADMAP = seeds_dir() / "ai-engineer-skills.md"


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def start(command: list[str], ready_url: str, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(ready_url, process)
    except Exception:
        process.kill()
        raise RuntimeError(f"{command[0]} failed to start; log:\n{log.read_text()[-2000:]}") from None
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server's URL: CI's (TUTOR_TEST_CHROMA_URL, see .ci/run) or one started here."""
    given = os.environ.get("TUTOR_TEST_CHROMA_URL")
    if given:
        with urllib.request.urlopen(f"{given}/api/v2/heartbeat", timeout=10):
            pass  # fail here, with the URL in the error, if CI's server is not up
        yield given.rstrip("/")
        return
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    process = start(
        [
            str(BIN / "chroma"),
            "run",
            "--path",
            str(root / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        f"http://127.0.0.1:{port}/api/v2/heartbeat",
        root / "chroma.log",
    )
    yield f"http://127.0.0.1:{port}"
    stop(process)


def on_server(url: str, home: Path, **values) -> Settings:
    """Settings for a collection of this test's own on the (possibly shared) server."""
    return Settings(home=home, chroma_url=url, collection=f"t-{uuid.uuid4().hex[:12]}", **values)


@pytest.mark.server
@pytest.mark.slow
def test_ingest_and_retrieve_through_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    from app.wiring import open_retriever
    from ingest.sync import ingest

    settings = on_server(chroma_server, tmp_path, seeds=[ROADMAP])
    first = ingest(settings, progress=False)
    assert first.added == first.chunks > 100
    again = ingest(settings, progress=False)
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.chunks)
    # Nothing was written locally: the index lives in the server.
    assert not settings.chroma_dir.exists()

    hits = open_retriever(settings).search("What is KL divergence?", 3)
    assert hits[0].chunk.path == ("2 Mathematics and Statistics", "8. Information Theory")


SEED = "# Basics\n## Version Control\n- Git: commits, branches, rebasing.\n## Containers\n- Docker images.\n"
GIT = "How do I rebase a branch in Git?"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def server_names(settings: Settings) -> set[str]:
    """The collections of this test's index on the server."""
    from ingest.store import connect

    names = {c.name for c in connect(settings.chroma_url, settings.chroma_dir).list_collections()}
    return {n for n in names if n.startswith(settings.collection)}


@pytest.fixture
def server_index(chroma_server: str, tmp_path: Path, shared_embedder) -> Settings:
    """A small index of this test's own on the Chroma server."""
    from ingest.sync import ingest

    settings = on_server(chroma_server, tmp_path / "home", seeds=[write(tmp_path / "seed.md", SEED)])
    ingest(settings, progress=False)
    return settings


@pytest.mark.server
def test_a_change_switches_generations_on_the_server(server_index: Settings, tmp_path: Path) -> None:
    from app.core.errors import IndexDamagedError
    from app.wiring import open_retriever
    from ingest.index import open_index
    from ingest.sync import ingest

    retriever = open_retriever(server_index)  # a running `tutor serve` on the server's index
    first = open_index(server_index).active_name()
    assert server_names(server_index) == {f"{server_index.collection}.active", first}
    assert ingest(server_index, progress=False).added == 0  # nothing changed: nothing written
    assert open_index(server_index).active_name() == first

    kafka = write(tmp_path / "kafka.md", "# Streaming\n## Kafka\n- Topics, partitions, consumer groups.\n")
    ingest(server_index, [kafka], progress=False)
    second = open_index(server_index).active_name()
    assert second != first
    assert server_names(server_index) == {f"{server_index.collection}.active", second}
    assert retriever.search("Kafka consumer groups", 1)[0].chunk.path == ("Streaming", "Kafka")
    assert retriever.search(GIT, 1)[0].chunk.path == ("Basics", "Version Control")
    assert not server_index.chroma_dir.exists()  # nothing was written locally

    open_index(server_index).client.delete_collection(second)  # e.g. someone cleaned up the server
    with pytest.raises(
        IndexDamagedError, match=f"^the index on the Chroma server at {server_index.chroma_url} "
    ):
        open_retriever(server_index)


@pytest.mark.server
@pytest.mark.slow  # subprocesses that load the embedder
def test_a_killed_ingest_leaves_the_servers_index_answering(
    server_index: Settings, tmp_path: Path, tutor_cli, kill_ingest_midway
) -> None:
    from ingest.index import open_index
    from ingest.sync import ingest

    env = {
        "TUTOR_CHROMA_URL": server_index.chroma_url,
        "TUTOR_COLLECTION": server_index.collection,
        "TUTOR_SEEDS": json.dumps([str(p) for p in server_index.seeds]),
        "TUTOR_CARDS": str(server_index.cards),
        "TUTOR_TOPICS": str(server_index.topics),
    }
    before = tutor_cli("retrieve", "--json", GIT, home=server_index.home, **env)
    assert before.returncode == 0, before.stderr
    active = open_index(server_index).active_name()

    big = "# Handbook\n" + "".join(f"## Topic {i}\n- Fact number {i} about widgets.\n" for i in range(400))
    kill_ingest_midway(str(write(tmp_path / "big.md", big)), home=server_index.home, **env)

    index = open_index(server_index)
    assert index.active_name() == active
    assert len(index.stale()) == 1  # its half-built generation, which readers never saw
    after = tutor_cli("retrieve", "--json", GIT, home=server_index.home, **env)
    assert after.stdout == before.stdout
    assert ingest(server_index, progress=False).leftovers == 1
    assert server_names(server_index) == {f"{server_index.collection}.active", active}


@pytest.mark.server
def test_unreachable_chroma_server_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "TUTOR_HOME": str(tmp_path), "TUTOR_CHROMA_URL": f"http://127.0.0.1:{free_port()}"}
    result = subprocess.run(
        [str(BIN / "tutor"), "retrieve", "anything"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("tutor: error: cannot reach the Chroma server")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def openai_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from app.llm.backend import bundled_model_path

    root = tmp_path_factory.mktemp("llm-server")
    model = bundled_model_path(Settings(home=root))
    port = free_port()
    process = start(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--model_alias",
            "gemma",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
        ],
        f"http://127.0.0.1:{port}/v1/models",
        root / "llm.log",
    )
    yield f"http://127.0.0.1:{port}/v1"
    stop(process)


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.real_llm
def test_ask_through_an_openai_compatible_server(
    openai_server: str, chroma_server: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TUTOR_HOME": str(tmp_path),
        "TUTOR_CHROMA_URL": chroma_server,
        "TUTOR_LLM": "openai",
        "TUTOR_OPENAI_BASE_URL": openai_server,
        "TUTOR_OPENAI_MODEL": "gemma",
    }
    tutor = str(BIN / "tutor")
    subprocess.run([tutor, "ingest", "--quiet"], env=env, check=True, timeout=600)
    result = subprocess.run(
        [tutor, "ask", "--json", "Which tools does the roadmap list for experiment tracking?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["refused"] is False
    assert any("9. Model Training and Experimentation" in c["path"] for c in record["citations"])
    # The server's reply was produced: first_token is the server's first streamed token.
    assert 0 < record["timings_ms"]["first_token"] <= record["timings_ms"]["total"]


@pytest.mark.server
def test_openai_backend_without_a_url_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "TUTOR_HOME": str(tmp_path), "TUTOR_LLM": "openai"}
    env.pop("TUTOR_OPENAI_BASE_URL", None)
    result = subprocess.run(
        [str(BIN / "tutor"), "ask", "anything"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "TUTOR_OPENAI_BASE_URL" in result.stderr and "Traceback" not in result.stderr
