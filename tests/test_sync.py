"""ingest/sync.py: `tutor ingest` as a set difference, on a real Chroma with the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.errors import TutorError
from app.core.resources import seeds_dir
from app.wiring import open_retriever
from ingest.index import open_index
from ingest.sync import chunk_file, collect_files, ingest, read_markdown, source_key

OLD_BULLET = "  - Metrics, hyperparameters, artifacts."
NEW_BULLET = "  - Metrics, hyperparameters, artifacts, model checkpoints."


class RecordingEmbeddings:
    """The real embedder, noting every text it was asked to embed."""

    def __init__(self, real) -> None:
        self.real = real
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return self.real.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, embeddings) -> RecordingEmbeddings:
    recording = RecordingEmbeddings(embeddings)
    monkeypatch.setattr("ingest.sync.load_embeddings", lambda **kwargs: recording)
    return recording


def stored(settings) -> dict[str, set[str]]:
    return open_index(settings).open().ids_by_source()


@pytest.fixture
def small_seed(tmp_path: Path) -> Path:
    """A two-section seed, for tests about sync mechanics rather than the curriculum."""
    return write(tmp_path / "seed" / "seed.md", "# Seed\n## Git\n- Commits.\n## Docker\n- Images.\n")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_first_ingest_stores_every_chunk(mini_index, mini_chunks) -> None:
    report = mini_index.report
    assert (report.files, report.chunks, report.added, report.removed, report.unchanged) == (
        1,
        len(mini_chunks),
        len(mini_chunks),
        0,
        0,
    )
    assert stored(mini_index.settings) == {"tests/data/mini-roadmap.md": {c.id for c in mini_chunks}}


def test_second_ingest_changes_nothing(mini_index, recorder: RecordingEmbeddings) -> None:
    before = stored(mini_index.settings)
    report = ingest(mini_index.settings, progress=False)
    assert (report.added, report.removed, report.unchanged) == (0, 0, report.chunks)
    assert recorder.embedded == []
    assert stored(mini_index.settings) == before
    assert report.summary().startswith(f"ingested 1 file(s): {report.chunks} chunks (0 embedded, 0 removed")


def test_editing_a_bullet_reembeds_only_the_changed_chunks(
    tmp_path: Path, mini_roadmap: Path, make_settings, recorder: RecordingEmbeddings
) -> None:
    roadmap = tmp_path / "roadmap.md"
    shutil.copy(mini_roadmap, roadmap)
    settings = make_settings(seeds=[roadmap])
    ingest(settings, progress=False)
    old = {c.id: c for c in chunk_file(roadmap)}

    text = roadmap.read_text(encoding="utf-8")
    assert text.count(OLD_BULLET) == 1
    roadmap.write_text(text.replace(OLD_BULLET, NEW_BULLET), encoding="utf-8")
    new = {c.id: c for c in chunk_file(roadmap)}
    recorder.embedded.clear()
    report = ingest(settings, progress=False)

    changed = [c for cid, c in new.items() if cid not in old]
    # The Experiment Tracking section and its "Tracking" bullet group; nothing else.
    assert sorted((c.path[-1], c.kind) for c in changed) == [
        ("1. Experiment Tracking", "group"),
        ("1. Experiment Tracking", "section"),
    ]
    assert (report.added, report.removed, report.unchanged) == (2, 2, len(new) - 2)
    assert sorted(recorder.embedded) == sorted(c.embed_text for c in changed)
    assert stored(settings) == {source_key(roadmap): set(new)}  # no stale chunks left


def test_unchanged_chunks_take_their_new_place_in_the_document(
    tmp_path: Path, small_seed: Path, make_settings, recorder: RecordingEmbeddings
) -> None:
    """A section added at the top moves the others down without embedding them again: the index
    reads them back in the document's new order (an entry's definition before its example)."""
    settings = make_settings(seeds=[small_seed])
    ingest(settings, progress=False)
    text = small_seed.read_text(encoding="utf-8")
    small_seed.write_text(text.replace("# Seed\n", "# Seed\n## Python\n- Syntax.\n"), encoding="utf-8")
    recorder.embedded.clear()
    ingest(settings, progress=False)
    assert all("Python" in t for t in recorder.embedded)  # only the new section is embedded
    now = [(c.path, c.order) for c in chunk_file(small_seed)]
    assert [(c.path, c.order) for c in open_index(settings).open().all_chunks()] == now
    # An index written before orders were kept up to date is put right by the next ingest,
    # still without embedding anything.
    store = open_index(settings).open()
    first = store.all_chunks()[0]
    store.collection.update(ids=[first.id], metadatas=[{"order": 99}])
    recorder.embedded.clear()
    report = ingest(settings, progress=False)
    assert (report.added, report.removed, recorder.embedded) == (0, 0, [])
    assert [(c.path, c.order) for c in open_index(settings).open().all_chunks()] == now


def test_extra_file_is_ingested_beside_the_seed(tmp_path: Path, make_settings, shared_embedder) -> None:
    extra = write(tmp_path / "notes" / "extra.md", "# My Notes\n## Kafka\n- Topics and partitions.\n")
    settings = make_settings()
    report = ingest(settings, [extra], progress=False)
    assert report.files == 2
    assert stored(settings) == {
        "tests/data/mini-roadmap.md": {c.id for c in chunk_file(settings.seeds[0])},
        extra.resolve().as_posix(): {c.id for c in chunk_file(extra)},
    }


def test_sources_from_earlier_runs_are_kept_until_pruned(
    tmp_path: Path, make_settings, small_seed: Path, shared_embedder
) -> None:
    extra = write(tmp_path / "extra.md", "# Extra\n- One.\n- Two.\n")
    extra_key, extra_ids = extra.resolve().as_posix(), {c.id for c in chunk_file(extra)}
    settings = make_settings(seeds=[small_seed])
    ingest(settings, [extra], progress=False)

    kept = ingest(settings, progress=False)
    assert kept.other_sources == [extra_key]
    assert kept.removed == 0
    assert "--prune drops them" in kept.summary()
    assert stored(settings)[extra_key] == extra_ids

    pruned = ingest(settings, prune=True, progress=False)
    assert pruned.removed == len(extra_ids)
    assert pruned.other_sources == []
    assert set(stored(settings)) == {source_key(small_seed)}


def test_prune_keeps_the_files_named_now(
    tmp_path: Path, make_settings, small_seed: Path, shared_embedder
) -> None:
    extra = write(tmp_path / "extra.md", "# Extra\n- One.\n")
    settings = make_settings(seeds=[small_seed])
    ingest(settings, [extra], progress=False)
    report = ingest(settings, [extra], prune=True, progress=False)
    assert (report.added, report.removed) == (0, 0)
    assert set(stored(settings)) == {source_key(small_seed), extra.resolve().as_posix()}


NOT_MARKDOWN = "not markdown; ingest takes markdown text (.md, .txt)"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"looks like a PNG image, {NOT_MARKDOWN}"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", f"looks like a JPEG image, {NOT_MARKDOWN}"),
        ("anim.gif", b"GIF89a\x10\x00\x10\x00", f"looks like a GIF image, {NOT_MARKDOWN}"),
        ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", f"looks like a PDF document, {NOT_MARKDOWN}"),
        (
            "notes.docx",
            b"PK\x03\x04\x14\x00\x06\x00",
            f"looks like a ZIP archive (or a .docx/.xlsx file), {NOT_MARKDOWN}",
        ),
        (
            "logo.svg",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
            f"looks like an SVG image or other XML, {NOT_MARKDOWN}",
        ),
        ("data.bin", b"# Title\n\x00\x01\x02 packed", f"looks like a binary file, {NOT_MARKDOWN}"),
        (
            "latin1.md",
            "# Café\n- crème\n".encode("latin-1"),
            "not UTF-8 text (bad byte at offset 5); save it as UTF-8",
        ),
        ("missing.md", None, "no such file or folder"),
    ],
    ids=["png", "jpeg", "gif", "pdf", "docx", "svg", "binary", "not-utf8", "missing"],
)
def test_a_bad_file_leaves_the_index_as_it_was(
    tmp_path: Path,
    make_settings,
    small_seed: Path,
    shared_embedder,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    settings = make_settings(seeds=[small_seed])
    ingest(settings, progress=False)
    before = stored(settings)
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    good = write(tmp_path / "good.md", "# Good\n- Fine text.\n")

    with pytest.raises(TutorError) as error:
        ingest(settings, [good, bad], progress=False)
    assert str(error.value) == f"{bad}: {message}"
    assert stored(settings) == before  # not even the good file went in
    assert sum(len(ids) for ids in before.values()) == 2
    assert open_retriever(settings).search("Docker images", 1)[0].chunk.path == ("Seed", "Docker")


def test_collect_files_expands_folders_and_drops_duplicates(tmp_path: Path) -> None:
    a = write(tmp_path / "docs" / "a.md", "a")
    b = write(tmp_path / "docs" / "sub" / "b.markdown", "b")
    c = write(tmp_path / "docs" / "c.txt", "c")
    write(tmp_path / "docs" / "script.py", "print()")
    # Sorted within a folder; `a` named twice is collected once.
    assert collect_files([tmp_path / "docs", a]) == [a.resolve(), c.resolve(), b.resolve()]


def test_a_folder_without_markdown_is_a_user_error(tmp_path: Path) -> None:
    write(tmp_path / "code" / "main.py", "print()")
    with pytest.raises(TutorError, match="no markdown files"):
        collect_files([tmp_path / "code"])


def test_an_empty_file_is_skipped_not_an_error(
    tmp_path: Path, make_settings, small_seed: Path, shared_embedder
) -> None:
    empty = write(tmp_path / "empty.md", "\n\n")
    report = ingest(make_settings(seeds=[small_seed]), [empty], progress=False)
    assert report.skipped == [f"{empty.resolve()}: no text to index"]
    assert (report.files, report.chunks) == (1, 2)


def test_awkward_markdown_is_ingested_and_found(
    tmp_path: Path, make_settings, small_seed: Path, shared_embedder, count_embedder_tokens
) -> None:
    plain = write(tmp_path / "feature-notes.md", "Feature stores keep training and serving features equal.\n")
    dupes = write(
        tmp_path / "dupes.md",
        "# Dupes\n## Checklist\n- Pin versions.\n## Checklist\n- Pin versions.\n"
        "## Checklist\n- Scan images.\n",
    )
    heading = ("Quantization of model weights " * 200)[:5000]
    long = write(tmp_path / "long.md", f"# {heading}\n- Int8 and 4-bit weights shrink models for phones.\n")
    settings = make_settings(seeds=[small_seed])
    report = ingest(settings, [plain, dupes, long], progress=False)
    assert report.skipped == []

    chunks = {key: chunk_file(path) for key, path in [("plain", plain), ("dupes", dupes), ("long", long)]}
    assert [c.path for c in chunks["plain"]] == [("feature notes",)]  # no heading: the file name
    assert [c.path for c in chunks["dupes"]] == [("Dupes", "Checklist")] * 3
    assert len({c.id for c in chunks["dupes"]}) == 3  # two identical sections, still two chunks
    (cut,) = {c.path for c in chunks["long"]}
    assert len(cut[0]) == 200 and cut[0].endswith("…") and heading.startswith(cut[0][:-1])
    assert all(c.tokens <= 256 for cs in chunks.values() for c in cs)
    assert stored(settings)[source_key(dupes)] == {c.id for c in chunks["dupes"]}

    retriever = open_retriever(settings)
    assert retriever.search("feature stores for training and serving", 1)[0].chunk.path == ("feature notes",)
    assert retriever.search("int8 and 4-bit weights for phones", 1)[0].chunk.path == cut


def test_control_characters_in_a_document_are_not_stored(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ansi.md",
        "# Tools\n## \x1b[31mRed\x1b[0m Heading\u202e\n- Bell\x07 and \x1b]0;title\x07escape\x1b[2J text.\n",
    )
    (chunk,) = chunk_file(path)
    assert chunk.path == ("Tools", "Red Heading")
    assert chunk.text == "- Bell  and escape text."


def test_a_byte_order_mark_is_not_part_of_the_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff# Title\n- item\n".encode())
    assert read_markdown(path) == "# Title\n- item\n"
    assert [c.path for c in chunk_file(path)] == [("Title",)]


def test_source_key_is_relative_inside_the_project(tmp_path: Path) -> None:
    assert source_key(seeds_dir() / "ai-engineer-skills.md") == "seeds/ai-engineer-skills.md"
    outside = tmp_path / "x.md"
    assert source_key(outside) == outside.resolve().as_posix()


def test_knowledge_cards_are_ingested_under_their_roadmap_paths(make_settings, shared_embedder) -> None:
    settings = make_settings(cards=Path(__file__).parent / "data" / "cards")
    report = ingest(settings, progress=False)
    cards = [c for c in open_index(settings).open().all_chunks() if c.kind == "card"]
    # One card addresses a roadmap path; the file's title, intro and the heading that is
    # not a breadcrumb are not cards. A card embeds as its explanation and the rest.
    assert [c.path for c in cards] == [("Programming Basics", "2. Version Control")] * 2
    assert cards[0].text.startswith("Git records a project's history as commits.")
    assert cards[1].text.startswith("Why an AI engineer needs it:")
    assert cards[0].source == "tests/data/cards/mini-cards.md"
    assert report.files == 2
    assert ingest(settings, progress=False).added == 0
