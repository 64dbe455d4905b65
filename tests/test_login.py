"""app/web/login.py: logins from TUTOR_AUTH and TUTOR_AUTH_FILE: mistakes name the place, not the password."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from app.core.errors import TutorError
from app.web.login import logins

PASSWORD = "pa:ss w0rd#1"  # a colon, a space and a hash: all part of the password


def test_no_login_configured_means_none(make_settings) -> None:
    assert logins(make_settings()) == []


def test_tutor_auth_is_one_login_and_the_password_may_hold_colons(make_settings) -> None:
    settings = make_settings(auth=SecretStr(f" learner:{PASSWORD}"))
    assert logins(settings) == [("learner", PASSWORD)]


def test_the_file_holds_one_login_a_line_and_adds_to_tutor_auth(make_settings, tmp_path: Path) -> None:
    file = tmp_path / "logins"
    file.write_text(f"# teachers\nada:{PASSWORD}\n\n  grace:hopper\r\n", encoding="utf-8")
    settings = make_settings(auth=SecretStr("learner:secret"), auth_file=file)
    assert logins(settings) == [("learner", "secret"), ("ada", PASSWORD), ("grace", "hopper")]


@pytest.mark.parametrize("value", ["learner", f":{PASSWORD}", "learner:", "", "   "])
def test_a_malformed_tutor_auth_is_one_line_without_the_value(make_settings, value: str) -> None:
    with pytest.raises(TutorError) as error:
        logins(make_settings(auth=SecretStr(value)))
    assert str(error.value) == "TUTOR_AUTH: expected user:password, with a user name and a password"


def test_a_malformed_line_names_its_number_and_not_its_text(make_settings, tmp_path: Path) -> None:
    file = tmp_path / "logins"
    file.write_text(f"ada:{PASSWORD}\ngrace-hopper-1906\n", encoding="utf-8")  # a password, no user
    with pytest.raises(TutorError) as error:
        logins(make_settings(auth_file=file))
    assert str(error.value) == (
        f"TUTOR_AUTH_FILE={file}, line 2: expected user:password, with a user name and a password"
    )
    assert "hopper" not in str(error.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"ada:\xff\xfe\n", "not UTF-8 text"),
        (b"# nothing but comments\n\n", "no user:password lines in this file"),
    ],
)
def test_an_unusable_file_is_one_line(make_settings, tmp_path: Path, content: bytes | None, message) -> None:
    file = tmp_path / "logins"
    if content is not None:
        file.write_bytes(content)
    with pytest.raises(TutorError, match=f"^TUTOR_AUTH_FILE={file}: {message}"):
        logins(make_settings(auth_file=file))
