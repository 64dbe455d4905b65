"""The learner store's database: an engine from the settings, migrated to the current schema on open.

SQLite (the default, under TUTOR_HOME) gets a write-ahead log, a busy timeout
and `BEGIN IMMEDIATE` transactions: concurrent answers then wait their turn
instead of failing with "database is locked" when a reader tries to become a
writer. PostgreSQL and the rest use SQLAlchemy's defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import TutorError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

SQLITE_BUSY_S = 30


def migrations_dir() -> Path:
    """The shipped Alembic environment (package data)."""
    return Path(str(files("app.learner.migrations")))


def safe_url(url: str) -> str:
    """The URL as it may be printed: its password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured URL"


def create_engine_for(url: str) -> Engine:
    """An engine for `url`; a malformed URL or a missing driver is one line naming TUTOR_DATABASE_URL."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise TutorError(
            "TUTOR_DATABASE_URL is not a database URL, e.g. sqlite:///learners.sqlite3 or "
            "postgresql+psycopg://user:password@host/tutor"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_S, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_S * 1000}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise TutorError(f"TUTOR_DATABASE_URL: no driver for {parsed.drivername!r}") from exc


class Database:
    """An engine and its sessions; `migrate()` brings the schema to the current version."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.orm import sessionmaker

        self.url = url
        self.engine = create_engine_for(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Database:
        """The database at `url`, migrated: what every entry point calls on start."""
        database = cls(url)
        database.migrate()
        return database

    def migrate(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to `revision` (idempotent); an unreachable server is one line."""
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from sqlalchemy.exc import OperationalError

        config = Config()
        config.set_main_option("script_location", str(migrations_dir()))
        known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        try:
            with self.engine.begin() as connection:
                current = self._current_revision(connection)
                if current is not None and current not in known:
                    raise TutorError(
                        f"the learner store at {safe_url(self.url)} has schema version {current!r}, "
                        "newer than this tutor knows: upgrade the tutor"
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else exc.__class__.__name__
            raise TutorError(
                f"cannot open the learner store at {safe_url(self.url)} ({reason}); check TUTOR_DATABASE_URL"
            ) from exc

    @staticmethod
    def _current_revision(connection) -> str | None:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()

    def revision(self) -> str | None:
        """The schema version the database is at (None before the first migration)."""
        with self.engine.connect() as connection:
            return self._current_revision(connection)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends, or rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
