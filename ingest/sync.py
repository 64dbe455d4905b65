"""`tutor ingest`: bring the index in line with the roadmap and any extra markdown.

Chunk ids derive from content, so syncing is a set difference per source file:
new ids are embedded, ids no longer produced are dropped, the rest keep their
stored vectors and take their new place in the file (text added above a chunk
moves it down). Re-running on unchanged files embeds nothing and writes
nothing. Every file is read and chunked before the index is touched, so a bad
file aborts the run with the index as it was. Changes go into a new generation
that replaces the active one only once it is complete (`ingest/index.py`), so an
ingest that fails or is killed half-way leaves the previous index answering.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import IndexDamagedError, TutorError
from app.core.resources import data_root
from app.core.settings import Settings
from ingest.chunk import Chunk, chunk_sections
from ingest.embed import EMBEDDER_MAX_TOKENS, embedder_token_counter, load_embeddings, tiktoken_counter
from ingest.entries import parse_entries
from ingest.index import Index, open_index
from ingest.markdown import Section, parse_cards, parse_sections, strip_controls
from ingest.store import Store

MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    chunks: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    other_sources: list[str] = field(default_factory=list)
    leftovers: int = 0  # half-built generations of killed runs, deleted
    set_aside: Path | None = None  # where --rebuild moved an unreadable index
    seconds: float = 0.0

    def summary(self) -> str:
        line = (
            f"ingested {self.files} file(s): {self.chunks} chunks "
            f"({self.added} embedded, {self.removed} removed, {self.unchanged} unchanged) "
            f"in {self.seconds:.1f}s"
        )
        if self.other_sources:
            line += f"; kept {len(self.other_sources)} source(s) from earlier runs (--prune drops them)"
        if self.leftovers:
            line += f"; deleted {self.leftovers} half-built index(es) left by an interrupted run"
        if self.set_aside:
            line += f"; moved the unreadable index to {self.set_aside} (delete it when you no longer need it)"
        return line


def collect_files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into their markdown files; a missing path is a user error."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise TutorError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MARKDOWN_SUFFIXES
            )
            if not found:
                raise TutorError(f"{path}: no markdown files (.md, .markdown, .txt) in this folder")
            files.extend(found)
        else:
            files.append(path)
    unique: dict[Path, None] = {}
    for f in files:
        unique.setdefault(f.resolve(), None)
    return list(unique)


# Files that are not text, by their first bytes: named, so the message says what the file is.
SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx file)",
    b"\x1f\x8b": "a gzip archive",
}


def read_markdown(path: Path) -> str:
    """The file's text; binary or non-UTF-8 files are refused with a clear message."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TutorError(f"{path}: cannot read ({exc.strerror})") from exc
    kind = next((name for magic, name in SIGNATURES.items() if data.startswith(magic)), None)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "a WebP image"
    elif kind is None and b"\x00" in data[:8192]:
        kind = "a binary file"
    elif kind is None and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5].lower() in (b"<svg ", b"<svg>", b"<?xml"):
        kind = "an SVG image or other XML"
    if kind:
        raise TutorError(f"{path}: looks like {kind}, not markdown; ingest takes markdown text (.md, .txt)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TutorError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from exc
    # Escape sequences and other control characters are never content, and printed by
    # `tutor ask` they could rewrite what the terminal shows.
    return strip_controls(text)


def source_key(path: Path) -> str:
    """How a file is named in the index: shipped data as `seeds/...` wherever it is installed."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(data_root()).as_posix()
    except ValueError:
        return resolved.as_posix()


def chunk_file(path: Path, card: bool = False, entries: bool = False) -> list[Chunk]:
    """Read, parse and chunk one markdown file: a roadmap-like document, knowledge cards or topic entries."""
    text = read_markdown(path)
    title = path.stem.replace("-", " ").replace("_", " ").strip() or path.name
    if entries:
        sections, kind = entry_sections(text, path.name), "entry"
    elif card:
        sections, kind = parse_cards(text), "card"
    else:
        sections, kind = parse_sections(text, title), "section"
    return chunk_sections(
        sections,
        source_key(path),
        embedder_token_counter(),
        tiktoken_counter(),
        EMBEDDER_MAX_TOKENS,
        kind=kind,
    )


def entry_sections(text: str, source: str) -> list[Section]:
    """Topic entries as sections: what it is first, then the labelled parts (no self-checks:
    their keys are for quizzes, and an answer must not quote them)."""
    sections = []
    for entry in parse_entries(text, source):
        if entry.no_entry:
            continue
        labelled = [
            ("Why an AI engineer needs it", entry.why),
            ("Example", entry.example),
            ("Common confusion", entry.confusion),
            ("Typical tools", ", ".join(entry.tools)),
        ]
        body = [" ".join(entry.what), *(f"{label}: {value}" for label, value in labelled if value)]
        sections.append(Section(entry.path, "\n".join(body)))
    return sections


def ingest(
    settings: Settings,
    extra: Sequence[Path] = (),
    prune: bool = False,
    progress: bool = True,
    rebuild: bool = False,
) -> IngestReport:
    """Sync the roadmap (and `extra` files or folders) into the index.

    `rebuild` embeds everything again into a fresh index, reading nothing from
    the old one (which may be unreadable); sources from earlier runs are not kept.
    """
    started = time.perf_counter()
    report = IngestReport()
    cards = _data_files(settings.cards)
    topics = _data_files(settings.topics)
    files = collect_files([*settings.seeds, *extra])
    wanted: dict[str, list[Chunk]] = {}
    for path in [*files, *cards, *topics]:
        chunks = chunk_file(path, card=path in cards, entries=path in topics)
        if not chunks:
            report.skipped.append(f"{path}: no text to index")
            continue
        wanted[source_key(path)] = chunks
    report.files = len(wanted)
    report.chunks = sum(len(c) for c in wanted.values())

    with ingest_lock(settings):
        index = _open_for_ingest(settings, rebuild, report)
        for name in index.stale():
            index.drop(name)
            report.leftovers += 1
        active = None if rebuild else index.active()
        stored = active.orders_by_source() if active else {}  # source → chunk id → place
        to_add: list[Chunk] = []
        stale: set[str] = set()
        moved = False  # an unchanged chunk whose place in its document changed
        for source, chunks in wanted.items():
            have = stored.get(source, {})
            to_add.extend(c for c in chunks if c.id not in have)
            stale.update(set(have) - {c.id for c in chunks})
            report.unchanged += sum(1 for c in chunks if c.id in have)
            moved = moved or any(c.id in have and have[c.id] != c.order for c in chunks)
        others = sorted(set(stored) - set(wanted))
        if prune:
            stale.update(cid for source in others for cid in stored[source])
        else:
            report.other_sources = others
        if active is None or to_add or stale or moved:
            keep = sorted(cid for ids in stored.values() for cid in ids if cid not in stale)
            orders = {c.id: c.order for chunks in wanted.values() for c in chunks}
            _build_generation(index, active, keep, to_add, settings, progress, orders)
        # else: nothing changed, and the active generation is left exactly as it is.
    report.added, report.removed = len(to_add), len(stale)
    report.seconds = time.perf_counter() - started
    return report


def _data_files(folder: Path) -> list[Path]:
    """The markdown files of a cards or topics folder; none when it is missing or empty."""
    return collect_files([folder]) if folder.is_dir() and any(folder.rglob("*.md")) else []


def _build_generation(
    index: Index,
    active: Store | None,
    keep: list[str],
    to_add: list[Chunk],
    settings: Settings,
    progress: bool,
    orders: dict[str, int] | None = None,
) -> None:
    """Fill a new generation (kept chunks copied with their vectors, at their `orders` in the
    documents as they are now; new ones embedded), then switch."""
    target = index.begin()
    try:
        if active is not None:
            target.copy_from(active, keep, orders)
        if to_add:
            _embed_and_add(target, to_add, settings, progress)
        index.switch(target)
    except BaseException:  # an error or Ctrl-C: readers never saw this generation
        index.drop(target.name)
        raise


def _open_for_ingest(settings: Settings, rebuild: bool, report: IngestReport) -> Index:
    """The index to sync into; with `rebuild`, an unreadable embedded index is moved aside first."""
    try:
        index = open_index(settings, create=True)
        index.stale()  # reads Chroma's catalogue: an unreadable index fails here
        return index
    except IndexDamagedError:
        if not rebuild or settings.chroma_url:
            raise
    report.set_aside = set_aside(settings.chroma_dir)
    return open_index(settings, create=True)


def set_aside(folder: Path) -> Path:
    """Move an unreadable embedded index out of the way (kept, not deleted)."""
    from chromadb.api.client import SharedSystemClient

    # The client for this folder is cached per process and holds the old files open.
    SharedSystemClient.clear_system_cache()
    target = folder.with_name(f"{folder.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    folder.rename(target)
    return target


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time on an embedded index (a Chroma server has no shared lock file)."""
    if settings.chroma_url:
        yield
        return
    from filelock import FileLock, Timeout

    settings.home.mkdir(parents=True, exist_ok=True)
    # An OS-level lock: it goes with the process, also when the process is killed.
    lock = FileLock(settings.home / "ingest.lock", blocking=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise TutorError(
            f"another 'tutor ingest' is writing the index in {settings.home}; wait for it to finish"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _embed_and_add(store: Store, chunks: list[Chunk], settings: Settings, progress: bool) -> None:
    from tqdm import tqdm

    embeddings = load_embeddings(batch_size=settings.embed_batch_size)
    batch = settings.embed_batch_size
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress) as bar:
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            store.add(part, embeddings.embed_documents([c.embed_text for c in part]))
            bar.update(len(part))
