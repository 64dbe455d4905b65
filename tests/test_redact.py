"""app/core/redact.py: the API key and login passwords never reach a log line or an error line."""

from __future__ import annotations

import io
import logging

from pydantic import SecretStr

from app.core.redact import MASK, RedactingFormatter, Redactor, settings_secrets

KEY = "sk-test-0123456789"


def test_each_secret_is_masked_wherever_it_appears() -> None:
    redact = Redactor([KEY, "hunter2"])
    assert redact(f"401: bad key {KEY} (Bearer {KEY}); password hunter2.") == (
        f"401: bad key {MASK} (Bearer {MASK}); password {MASK}."
    )
    assert redact("nothing secret here") == "nothing secret here"


def test_a_secret_inside_a_longer_one_does_not_leave_a_piece_behind() -> None:
    assert Redactor(["abc", "xxabcxx"])("token xxabcxx") == f"token {MASK}"


def test_the_placeholder_key_and_empty_values_are_not_secrets() -> None:
    assert Redactor(["not-needed", ""])("api key: not-needed") == "api key: not-needed"


def test_settings_secrets_are_the_key_and_the_login(make_settings) -> None:
    settings = make_settings(openai_api_key=SecretStr(KEY), auth=SecretStr("learner:pa:ss"))
    redact = Redactor(settings_secrets(settings))
    assert redact(f"{KEY} learner:pa:ss pa:ss learner") == f"{MASK} {MASK} {MASK} learner"


def test_the_formatter_masks_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(message)s", Redactor([KEY])))
    log = logging.getLogger("test_redact")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"server said: invalid key {KEY}")
        except RuntimeError:
            log.exception("asking with %s failed", KEY)
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert KEY not in output
    assert f"ERROR asking with {MASK} failed" in output
    assert f"RuntimeError: server said: invalid key {MASK}" in output
