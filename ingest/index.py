"""The index as readers see it: generations of a collection and the pointer naming the active one.

`tutor ingest` never edits the collection that readers use. It fills a new
*generation* (a fresh Chroma collection), copying the unchanged chunks' stored
vectors from the active one and embedding only what is new, then switches a
pointer to it in one write and deletes the old generation. A run that dies
half-way leaves the active generation untouched; its own half-built one is
deleted by the next ingest.

The pointer is the metadata of a small collection named `<name>.active`, so it
lives in Chroma itself and works the same with a Chroma server. Readers look it
up before each search (one small read) and reload when it names another
generation. An index built before generations existed (a lone collection named
`<name>`, no pointer) is read as the active generation until the next ingest
replaces it.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import IndexDamagedError, IndexMissingError
from ingest.store import REBUILD, Store, connect, damaged

if TYPE_CHECKING:
    from collections.abc import Iterator

    from chromadb.api import ClientAPI

    from app.core.settings import Settings

POINTER_SUFFIX = ".active"
ACTIVE_KEY = "active"  # in the pointer's metadata: the active generation's collection name
GENERATION_KEY = "tutor_index"  # in a generation's metadata: the index it belongs to


class Index:
    """One logical index (TUTOR_COLLECTION) in a Chroma client."""

    def __init__(self, client: ClientAPI, name: str, where: str, files: Path | None = None) -> None:
        self.client = client
        self.name = name
        self.where = where  # for messages: "in /home/me/.tutor/chroma" or "on the Chroma server at URL"
        self.files = files  # the embedded Chroma's folder; None for a server

    @property
    def pointer_name(self) -> str:
        return f"{self.name}{POINTER_SUFFIX}"

    def active_name(self) -> str | None:
        """The collection readers use now; None before the first ingest."""
        from chromadb.errors import NotFoundError

        with self._damage_check():
            try:
                pointer = self.client.get_collection(self.pointer_name, embedding_function=None)
            except NotFoundError:
                return self.name if self._exists(self.name) else None
            active = (pointer.metadata or {}).get(ACTIVE_KEY)
        if not isinstance(active, str) or not active:
            raise IndexDamagedError(f"the index {self.where} has an unreadable pointer: {REBUILD}")
        return active

    def open(self, name: str | None = None) -> Store:
        """The active generation (or `name`); a user error when there is none or it is gone."""
        name = name or self.active_name()
        if name is None:
            raise IndexMissingError("no index yet: run 'tutor ingest' first")
        store = self._get(name)
        if store is None:
            raise IndexDamagedError(
                f"the index {self.where} names collection {name!r}, which is gone: {REBUILD}"
            )
        with self._damage_check():
            empty = store.count() == 0
        if empty:
            raise IndexMissingError("the index is empty: run 'tutor ingest' first")
        return store

    def active(self) -> Store | None:
        """The active generation for ingest to build on: None when there is none or it is gone."""
        name = self.active_name()
        return self._get(name) if name else None

    def begin(self) -> Store:
        """A new, empty generation for an ingest run to fill."""
        name = f"{self.name}-{uuid.uuid4().hex[:12]}"
        with self._damage_check():
            return Store.create(self.client, name, {GENERATION_KEY: self.name})

    def switch(self, store: Store) -> None:
        """Make `store` the active generation in one write, then delete the one it replaces."""
        previous = self.active_name_or_none()
        pointer = self.client.get_or_create_collection(self.pointer_name, embedding_function=None)
        pointer.modify(metadata={ACTIVE_KEY: store.name})
        if previous and previous != store.name:
            self.drop(previous)

    def stale(self) -> list[str]:
        """Generations of this index that are not active: left by a run that was killed."""
        active = self.active_name_or_none()
        with self._damage_check():
            collections = self.client.list_collections()
        return sorted(
            c.name
            for c in collections
            if (c.metadata or {}).get(GENERATION_KEY) == self.name and c.name != active
        )

    def drop(self, name: str) -> None:
        """Delete a generation and, for the embedded Chroma, the files it leaves behind."""
        from chromadb.errors import NotFoundError

        with suppress(NotFoundError):
            self.client.delete_collection(name)
        if self.files is not None:
            remove_orphan_segments(self.files)

    def active_name_or_none(self) -> str | None:
        try:
            return self.active_name()
        except IndexDamagedError:
            return None

    def _get(self, name: str) -> Store | None:
        from chromadb.errors import NotFoundError

        with self._damage_check():
            try:
                return Store(self.client.get_collection(name, embedding_function=None))
            except NotFoundError:
                return None

    def _exists(self, name: str) -> bool:
        return self._get(name) is not None

    @contextmanager
    def _damage_check(self) -> Iterator[None]:
        """Chroma failing to read its own files becomes one line naming the fix."""
        from chromadb.errors import ChromaError, NotFoundError

        try:
            yield
        except NotFoundError:
            raise
        except ChromaError as exc:
            raise damaged(self.where, exc) from exc


def open_index(settings: Settings, create: bool = False) -> Index:
    """The index the settings name; without `create`, a missing embedded index is a user error."""
    if settings.chroma_url:
        return Index(
            connect(settings.chroma_url, settings.chroma_dir),
            settings.collection,
            f"on the Chroma server at {settings.chroma_url}",
        )
    if not create and not settings.chroma_dir.exists():
        # Checked before connecting: opening an embedded Chroma creates its files.
        raise IndexMissingError("no index yet: run 'tutor ingest' first")
    client = connect(None, settings.chroma_dir)
    return Index(client, settings.collection, f"in {settings.chroma_dir}", settings.chroma_dir)


def remove_orphan_segments(files: Path) -> None:
    """Delete the HNSW folders of deleted collections.

    Chroma 1.x deletes a collection's rows but not its vector folder
    (chroma-core/chroma#5259), so without this every switch would leave a few
    MB behind. A folder is removed only when its name is a segment id that
    Chroma's own catalogue no longer lists; any doubt leaves it in place.
    """
    database = files / "chroma.sqlite3"
    try:
        with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
            live = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error:
        return
    for path in files.iterdir():
        if path.is_dir() and _is_uuid(path.name) and path.name not in live:
            shutil.rmtree(path, ignore_errors=True)


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False
