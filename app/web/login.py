"""The optional login for `tutor serve`: user:password pairs from TUTOR_AUTH and TUTOR_AUTH_FILE.

A mistake is one line that says where it is (the variable, or the file and line
number) and never repeats the text it found there: that text holds a password.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import TutorError, read_text
from app.core.settings import Settings

FORMAT = "user:password"


def logins(settings: Settings) -> list[tuple[str, str]]:
    """Every (user, password) allowed in; empty when no login is configured."""
    found: list[tuple[str, str]] = []
    if settings.auth is not None:
        found.append(parse_login(settings.auth.get_secret_value(), "TUTOR_AUTH"))
    if settings.auth_file is not None:
        found.extend(read_logins(settings.auth_file))
    return found


def parse_login(text: str, where: str) -> tuple[str, str]:
    """One `user:password`; the password may itself contain ':'."""
    user, sep, password = text.strip().partition(":")
    if not sep or not user.strip() or not password:
        raise TutorError(f"{where}: expected {FORMAT}, with a user name and a password")
    return user.strip(), password


def read_logins(path: Path) -> list[tuple[str, str]]:
    """The logins in a file: one `user:password` a line; blank lines and `#` comments are skipped."""
    text = read_text(path, f"TUTOR_AUTH_FILE={path}")
    found = [
        parse_login(line, f"TUTOR_AUTH_FILE={path}, line {number}")
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not found:
        raise TutorError(f"TUTOR_AUTH_FILE={path}: no {FORMAT} lines in this file")
    return found
