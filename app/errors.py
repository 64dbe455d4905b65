"""Errors a user can act on: each carries one line saying what is wrong and what to do."""


class TutorError(Exception):
    """A user-facing failure; the CLI prints it as one line and exits non-zero."""


class IndexMissingError(TutorError):
    """No usable index: the fix is always to run ingest."""


class IndexDamagedError(TutorError):
    """The index exists but cannot be read: the fix is `tutor ingest --rebuild`."""
