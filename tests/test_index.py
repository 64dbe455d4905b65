"""ingest/index.py: generations and the pointer, on a real embedded Chroma with the real embedder.

An ingest that changes anything builds a new generation and switches the
pointer only once it is complete; these tests break it on purpose (an embedder
that fails, a leftover of a killed run, a damaged database) and check that the
previous index keeps answering.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from app.core.errors import IndexDamagedError, IndexMissingError, TutorError
from app.wiring import open_retriever
from ingest.index import GENERATION_KEY, Index, open_index
from ingest.store import Store, connect
from ingest.sync import chunk_file, ingest, ingest_lock, source_key

GIT_QUESTION = "How do I rebase and resolve merge conflicts in Git?"
VERSION_CONTROL = ("Programming Basics", "2. Version Control")
SEED = """# Programming Basics
## 1. Python Language
- Data types: lists, dictionaries, sets and tuples.
## 2. Version Control
- Git basics: commits, branches, merging.
- Advanced Git: rebasing, resolving merge conflicts.
## 3. Containers
- Docker images, containers and registries.
"""
KAFKA = "# Streaming\n## Kafka\n- Topics, partitions and consumer groups.\n"


def collections(settings) -> set[str]:
    return {c.name for c in connect(None, settings.chroma_dir).list_collections()}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def many_sections(n: int) -> str:
    """A document of n small sections: n chunks, several embedding batches."""
    return "# Handbook\n" + "".join(f"## Topic {i}\n- Fact number {i} about widgets.\n" for i in range(n))


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return write(tmp_path / "seed" / "basics.md", SEED)


@pytest.fixture
def built(make_settings, shared_embedder, seed: Path):
    """A fresh index of a small seed, in this test's own TUTOR_HOME."""
    settings = make_settings(seeds=[seed])
    ingest(settings, progress=False)
    return settings


def test_first_ingest_makes_one_generation_and_points_at_it(built) -> None:
    index = open_index(built)
    active = index.active_name()
    assert active is not None and active.startswith("roadmap-")
    assert collections(built) == {"roadmap.active", active}
    assert index.open().count() == len(chunk_file(built.seeds[0]))
    assert index.stale() == []


def test_an_ingest_with_nothing_to_do_writes_nothing(built, monkeypatch: pytest.MonkeyPatch) -> None:
    before = open_index(built).active_name()
    monkeypatch.setattr(Index, "begin", lambda self: pytest.fail("a no-op ingest built a generation"))
    report = ingest(built, progress=False)
    assert report.added == report.removed == 0
    assert open_index(built).active_name() == before
    assert collections(built) == {"roadmap.active", before}


def test_a_change_switches_generations_and_copies_unchanged_vectors(built, tmp_path: Path) -> None:
    index = open_index(built)
    old = index.open()
    old_vectors = old.collection.get(include=["embeddings"])
    old_by_id = dict(zip(old_vectors["ids"], old_vectors["embeddings"]))

    extra = write(tmp_path / "kafka.md", KAFKA)
    report = ingest(built, [extra], progress=False)

    new = index.open()
    assert new.name != old.name
    assert collections(built) == {"roadmap.active", new.name}  # the old generation is gone
    assert report.added == len(chunk_file(extra)) and report.unchanged == len(old_by_id)
    copied = new.collection.get(ids=list(old_by_id), include=["embeddings"])
    assert len(copied["ids"]) == len(old_by_id)
    for cid, vector in zip(copied["ids"], copied["embeddings"]):
        assert vector == pytest.approx(old_by_id[cid], abs=1e-7)  # float32 storage, nothing more


def test_a_running_reader_sees_the_new_generation_after_the_switch(built, shared_embedder, tmp_path) -> None:
    retriever = open_retriever(built)  # like `tutor serve`: built once, before the ingest
    assert retriever.search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL
    first = retriever.store.name

    ingest(built, [write(tmp_path / "kafka.md", KAFKA)], progress=False)

    hits = retriever.search("Kafka consumer groups and partitions", 1)
    assert hits[0].chunk.path == ("Streaming", "Kafka")
    assert retriever.store.name != first
    assert retriever.search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL


def test_a_reader_whose_generation_was_deleted_under_it_reads_the_pointer_again(
    built, shared_embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = open_retriever(built)
    stale_name = retriever.store.name
    ingest(built, [write(tmp_path / "kafka.md", KAFKA)], progress=False)
    # The race: the pointer was read just before the switch, the query runs just after it.
    reads = iter([stale_name])
    real_active_name = Index.active_name
    monkeypatch.setattr(Index, "active_name", lambda self: next(reads, None) or real_active_name(self))
    hits = retriever.search("Kafka consumer groups and partitions", 1)
    assert hits[0].chunk.path == ("Streaming", "Kafka")


class FailingEmbeddings:
    """The real embedder for `batches` batches, then an error, as a crash half-way would be."""

    def __init__(self, real, batches: int) -> None:
        self.real, self.left = real, batches

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.left == 0:
            raise RuntimeError("embedder crashed")
        self.left -= 1
        return self.real.embed_documents(texts)


def test_an_ingest_that_fails_half_way_leaves_the_previous_index(
    built, embeddings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = open_retriever(built).search(GIT_QUESTION, 3)
    active = open_index(built).active_name()
    monkeypatch.setattr("ingest.sync.load_embeddings", lambda **kwargs: FailingEmbeddings(embeddings, 2))
    with pytest.raises(RuntimeError, match="embedder crashed"):
        ingest(built, [write(tmp_path / "big.md", many_sections(100))], progress=False)
    assert open_index(built).active_name() == active
    assert collections(built) == {"roadmap.active", active}  # the half-built generation was dropped
    monkeypatch.setattr("app.wiring.load_embeddings", lambda **kwargs: embeddings)
    assert open_retriever(built).search(GIT_QUESTION, 3) == before


def test_the_next_ingest_deletes_what_a_killed_run_left(built) -> None:
    index = open_index(built)
    leftover = index.begin()  # a run killed while filling its generation
    leftover.copy_from(index.open(), [c.id for c in index.open().all_chunks()][:3])
    assert index.stale() == [leftover.name]

    report = ingest(built, progress=False)
    assert report.leftovers == 1
    assert "deleted 1 half-built index(es) left by an interrupted run" in report.summary()
    assert index.stale() == []
    assert leftover.name not in collections(built)


def test_switching_generations_does_not_leave_files_behind(built, tmp_path: Path) -> None:
    def vector_folders() -> set[str]:
        return {p.name for p in built.chroma_dir.iterdir() if p.is_dir()}

    first = vector_folders()
    for n in range(3):
        ingest(
            built, [write(tmp_path / "notes.md", f"# Notes\n## Note {n}\n- Version {n}.\n")], progress=False
        )
    # One vector folder per live collection with vectors, as after the first ingest.
    assert len(vector_folders()) == len(first)


def test_another_ingest_on_the_same_home_is_refused(built) -> None:
    with ingest_lock(built), pytest.raises(TutorError) as error:
        ingest(built, progress=False)
    assert str(error.value) == (
        f"another 'tutor ingest' is writing the index in {built.home}; wait for it to finish"
    )


def test_an_index_from_before_generations_is_read_then_replaced(
    make_settings, shared_embedder, seed: Path, tmp_path: Path
) -> None:
    settings = make_settings(seeds=[seed])
    chunks = chunk_file(seed)
    legacy = Store.create(connect(None, settings.chroma_dir), "roadmap")  # the old layout: no pointer
    legacy.add(chunks, shared_embedder.embed_documents([c.embed_text for c in chunks]))
    assert open_index(settings).active_name() == "roadmap"
    assert open_retriever(settings).search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL

    assert ingest(settings, progress=False).added == 0  # nothing changed: left as it is
    report = ingest(settings, [write(tmp_path / "kafka.md", KAFKA)], progress=False)
    assert report.unchanged == len(chunks)  # copied over, not embedded again
    active = open_index(settings).active_name()
    assert collections(settings) == {"roadmap.active", active}
    assert open_retriever(settings).search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL


# --- a real `tutor ingest`, killed or running beside a reader -------------------------------


def cli_env(settings) -> dict[str, str]:
    return {
        "TUTOR_SEEDS": json.dumps([str(p) for p in settings.seeds]),
        "TUTOR_CARDS": str(settings.cards),
        "TUTOR_TOPICS": str(settings.topics),
    }


@pytest.mark.slow  # subprocesses that load the embedder
def test_a_killed_ingest_leaves_the_previous_index_answering(
    built, tmp_path: Path, tutor_cli, kill_ingest_midway
) -> None:
    questions = ["--json", "--k", "3", GIT_QUESTION, "Docker images and registries"]
    before = tutor_cli("retrieve", *questions, home=built.home, **cli_env(built))
    assert before.returncode == 0, before.stderr
    index = open_index(built)
    active = index.active_name()

    big = write(tmp_path / "big.md", many_sections(400))
    kill_ingest_midway(str(big), home=built.home, **cli_env(built))

    (leftover,) = index.stale()  # killed while it filled its own generation...
    assert 0 < index.client.get_collection(leftover).count() < 400 + len(chunk_file(built.seeds[0]))
    assert index.active_name() == active  # ...which readers never saw
    after = tutor_cli("retrieve", *questions, home=built.home, **cli_env(built))
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout

    report = ingest(built, progress=False)
    assert report.leftovers == 1
    assert collections(built) == {"roadmap.active", active}


@pytest.mark.slow  # a subprocess that loads the embedder
def test_a_reader_keeps_answering_while_an_ingest_runs_and_then_sees_its_result(
    built, shared_embedder, tmp_path: Path
) -> None:
    retriever = open_retriever(built)  # a running `tutor serve`, in another process than the ingest
    extra = write(
        tmp_path / "big.md", many_sections(200) + "## Kafka\n- Topics, partitions, consumer groups.\n"
    )
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("tutor")), "ingest", str(extra)],
        env={**os.environ, "TUTOR_HOME": str(built.home), **cli_env(built)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    embedding = threading.Event()
    output: list[bytes] = []

    def watch() -> None:
        while chunk := process.stderr.read1(65536):
            output.append(chunk)
            if b"embedding" in chunk:
                embedding.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    answered_while_embedding = 0
    while process.poll() is None:
        assert retriever.search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL
        answered_while_embedding += embedding.is_set()
        time.sleep(0.05)
    watcher.join(timeout=10)
    assert process.returncode == 0, b"".join(output)[-800:]
    assert answered_while_embedding > 0
    assert retriever.search("Kafka consumer groups and partitions", 1)[0].chunk.path == ("Handbook", "Kafka")


# --- missing and damaged indexes ---------------------------------------------------------


def test_no_index_says_to_ingest_and_creates_nothing(make_settings) -> None:
    settings = make_settings()
    with pytest.raises(IndexMissingError, match="^no index yet: run 'tutor ingest' first$"):
        open_index(settings).open()
    assert not settings.chroma_dir.exists()


def test_an_index_folder_without_an_index_says_to_ingest(make_settings) -> None:
    settings = make_settings()
    connect(None, settings.chroma_dir)  # Chroma's files, but no collection
    with pytest.raises(IndexMissingError, match="^no index yet: run 'tutor ingest' first$"):
        open_index(settings).open()


def test_an_empty_generation_says_to_ingest(make_settings) -> None:
    settings = make_settings()
    index = open_index(settings, create=True)
    index.switch(index.begin())
    with pytest.raises(IndexMissingError, match="^the index is empty: run 'tutor ingest' first$"):
        index.open()


def test_a_generation_that_is_gone_says_to_rebuild_and_ingest_repairs_it(built, shared_embedder) -> None:
    index = open_index(built)
    gone = index.active_name()
    index.client.delete_collection(gone)
    with pytest.raises(IndexDamagedError) as error:
        open_retriever(built)
    assert str(error.value) == (
        f"the index in {built.chroma_dir} names collection {gone!r}, which is gone: "
        "run 'tutor ingest --rebuild'"
    )
    report = ingest(built, rebuild=True, progress=False)
    assert report.added == report.chunks
    assert open_retriever(built).search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL


def test_a_pointer_without_a_name_says_to_rebuild(built) -> None:
    index = open_index(built)
    index.client.get_collection(index.pointer_name).modify(metadata={"something": "else"})
    with pytest.raises(IndexDamagedError, match="has an unreadable pointer: run 'tutor ingest --rebuild'$"):
        index.open()


def damage(settings) -> None:
    """Overwrite chroma.sqlite3 with bytes that are not a database, as a disk fault would."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # this process's client still holds the good file
    (settings.chroma_dir / "chroma.sqlite3").write_bytes(uuid.uuid4().bytes * 1024)


def test_a_damaged_database_says_to_rebuild(built) -> None:
    damage(built)
    with pytest.raises(IndexDamagedError) as error:
        open_retriever(built)
    assert str(error.value) == (
        f"the index in {built.chroma_dir} cannot be read (error returned from database: (code: 26) "
        "file is not a database): run 'tutor ingest --rebuild'"
    )
    with pytest.raises(IndexDamagedError, match="run 'tutor ingest --rebuild'$"):
        ingest(built, progress=False)  # a plain ingest does not touch it either


def test_rebuild_sets_a_damaged_database_aside_and_builds_a_fresh_index(built, shared_embedder) -> None:
    damage(built)
    report = ingest(built, rebuild=True, progress=False)
    assert report.set_aside is not None and report.set_aside.parent == built.chroma_dir.parent
    assert report.set_aside.name.startswith("chroma.unreadable-")
    assert (report.set_aside / "chroma.sqlite3").is_file()  # kept, not deleted
    assert f"moved the unreadable index to {report.set_aside}" in report.summary()
    assert report.added == report.chunks > 0
    assert open_retriever(built).search(GIT_QUESTION, 1)[0].chunk.path == VERSION_CONTROL
    shutil.rmtree(report.set_aside)


def test_rebuild_of_a_readable_index_embeds_everything_again(built, seed: Path, tmp_path: Path) -> None:
    ingest(built, [write(tmp_path / "kafka.md", KAFKA)], progress=False)
    report = ingest(built, rebuild=True, progress=False)
    assert report.added == report.chunks and report.unchanged == 0
    assert report.other_sources == []  # the extra file of the earlier run is not kept
    sources = open_index(built).open().ids_by_source()
    assert set(sources) == {source_key(seed)}


def test_generations_of_another_index_are_left_alone(built) -> None:
    client = connect(None, built.chroma_dir)
    other = Store.create(client, "notes-1234", {GENERATION_KEY: "notes"})
    assert other.name not in open_index(built).stale()
    ingest(built, progress=False)
    assert other.name in collections(built)
