"""Keeping secrets out of logs and error lines: the API key and login passwords print as ***.

The tutor never logs them itself, but others' messages can carry them: an
OpenAI-compatible server may quote the key it refused, and that reply ends up
in an exception, a traceback or the CLI's error line. So the text is scrubbed
where it leaves the process, not where it is made.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from app.core.settings import Settings

MASK = "***"
# The built-in placeholder key is no secret; masking it would only garble messages.
NOT_SECRET = {"", "not-needed"}


class Redactor:
    """Replaces each known secret in a text with `MASK`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a password that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if s not in NOT_SECRET}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def settings_secrets(settings: Settings) -> list[str]:
    """The secrets the settings hold directly: the API key and TUTOR_AUTH (whole, and its password)."""
    found = [settings.openai_api_key.get_secret_value()]
    if settings.auth is not None:
        value = settings.auth.get_secret_value()
        found += [value.strip(), value.partition(":")[2]]
    return found


class RedactingFormatter(logging.Formatter):
    """A log formatter whose output, traceback included, has the secrets masked."""

    def __init__(self, fmt: str, redact: Redactor) -> None:
        super().__init__(fmt)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def log_warnings_to_stderr(redact: Redactor) -> None:
    """Warnings and errors of every library to stderr, one line each (plus any traceback), scrubbed."""
    # The handler, not only the root, filters: some libraries set their own loggers to DEBUG.
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", redact))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
