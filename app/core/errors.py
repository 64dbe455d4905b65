"""Errors a user can act on: each carries one line saying what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path

EXIT_USER_ERROR = 1  # the CLI's status for a mistake the user can fix


class TutorError(Exception):
    """A user-facing failure; the CLI prints it as one line and exits non-zero."""


class IndexMissingError(TutorError):
    """No usable index: the fix is always to run ingest."""


class IndexDamagedError(TutorError):
    """The index exists but cannot be read: the fix is `tutor ingest --rebuild`."""


def read_text(path: Path, name: str | None = None) -> str:
    """A UTF-8 text file (a BOM is dropped); missing, unreadable or not UTF-8 is one line about `name`."""
    name = name or str(path)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise TutorError(f"{name}: no such file") from exc
    except OSError as exc:
        raise TutorError(f"{name}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise TutorError(f"{name}: not UTF-8 text; save it as UTF-8") from exc
