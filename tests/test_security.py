"""Serving safely: loopback by default, an optional login, a small upload limit, no secrets in any output.

The live checks run against the same `tutor serve` as the browser tests
(`live_tutor`, with a login and an API key it never uses); the secret checks
on the command line use a hostile OpenAI-compatible server that quotes the key
it refuses.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from plugins.live import LIVE_API_KEY, LIVE_LOGIN, LiveServer

from app.core.redact import MASK
from app.core.settings import Settings
from app.web.serve import MAX_UPLOAD, exposure_warning, is_loopback, launch_options

MB = 1024 * 1024


# --- binding and launch options -----------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_addresses_serve_without_a_warning(host: str) -> None:
    assert is_loopback(host)
    assert exposure_warning(host, login=False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "tutor.example.org"])
def test_any_other_address_warns_and_says_whether_a_login_guards_it(host: str) -> None:
    assert not is_loopback(host)
    open_line = exposure_warning(host, login=False)
    guarded_line = exposure_warning(host, login=True)
    assert open_line == (
        f"tutor: warning: serving on {host}, reachable from other machines "
        "by anyone, without a login: set TUTOR_AUTH or TUTOR_AUTH_FILE to require one"
    )
    assert guarded_line == (
        f"tutor: warning: serving on {host}, reachable from other machines "
        "only with a login (TUTOR_AUTH / TUTOR_AUTH_FILE)"
    )


def test_launch_options_bind_the_setting_and_pass_the_logins(make_settings) -> None:
    settings = make_settings()
    assert Settings.model_fields["host"].default == "127.0.0.1"
    options = launch_options(settings)
    assert (options["server_name"], options["server_port"]) == ("127.0.0.1", 7860)
    assert options["auth"] is None and options["share"] is False and options["show_error"] is False
    assert options["max_file_size"] == MAX_UPLOAD == "1mb"
    assert launch_options(settings, [("ada", "pw")])["auth"] == [("ada", "pw")]


# --- mistakes in the login settings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"TUTOR_AUTH": "learner-hunter2"}, "TUTOR_AUTH: expected user:password"),
        ({"TUTOR_AUTH_FILE": "/nonexistent/logins"}, "TUTOR_AUTH_FILE=/nonexistent/logins: no such file"),
    ],
)
def test_a_misconfigured_login_stops_serve_with_one_line(tutor_cli, tmp_path, env, line) -> None:
    result = tutor_cli("serve", home=tmp_path, timeout=120, **env)
    assert result.returncode == 1
    assert len(result.stderr_lines) == 1
    assert result.stderr_lines[0].startswith(f"tutor: error: {line}")
    assert "hunter2" not in result.stderr + result.stdout
    assert result.stdout == ""


# --- secrets in error lines --------------------------------------------------------------------


class QuotingServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that refuses every key and quotes it back, as some do."""

    def do_POST(self) -> None:
        body = json.dumps({"error": {"message": f"invalid key in '{self.headers['Authorization']}'"}})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def quoting_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), QuotingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.mark.slow
@pytest.mark.server
def test_an_api_key_quoted_back_by_a_server_is_masked(tutor_cli, mini_index, quoting_server) -> None:
    settings = mini_index.settings
    result = tutor_cli(
        "ask",
        "Which tools does the roadmap list for experiment tracking?",
        home=settings.home,
        TUTOR_SEEDS=":".join(str(p) for p in settings.seeds),
        TUTOR_CARDS=str(settings.cards),
        TUTOR_TOPICS=str(settings.topics),
        TUTOR_LLM="openai",
        TUTOR_OPENAI_BASE_URL=quoting_server,
        TUTOR_OPENAI_MODEL="any",
        TUTOR_OPENAI_API_KEY=LIVE_API_KEY,
    )
    assert result.returncode == 2
    # The server's reply reached the error line (so the key would have) and the key did not.
    assert f"invalid key in 'Bearer {MASK}'" in result.stderr
    assert LIVE_API_KEY not in result.stderr + result.stdout


# --- the live server -----------------------------------------------------------------------------


@pytest.fixture
def http():
    import httpx

    with httpx.Client(timeout=60) as client:
        yield client


@pytest.mark.slow
@pytest.mark.real_llm
@pytest.mark.server
def test_nothing_is_served_without_the_login(live_tutor: LiveServer, http) -> None:
    from gradio_client import Client

    guarded = [("GET", "/config"), ("POST", "/gradio_api/queue/join"), ("POST", "/gradio_api/upload")]
    for method, path in guarded:
        assert http.request(method, live_tutor.url + path).status_code == 401, path
    wrong = http.post(live_tutor.url + "/login", data={"username": LIVE_LOGIN[0], "password": "hunter2"})
    assert wrong.status_code == 400
    with pytest.raises(Exception, match="(?i)login|auth|401"):
        Client(live_tutor.url, verbose=False, analytics_enabled=False)


@pytest.mark.slow
@pytest.mark.real_llm
@pytest.mark.server
def test_uploads_are_capped_even_for_a_signed_in_user(live_tutor: LiveServer, http) -> None:
    signed_in = http.post(live_tutor.url + "/login", data=dict(zip(("username", "password"), LIVE_LOGIN)))
    assert signed_in.status_code == 200
    upload = live_tutor.url + "/gradio_api/upload"
    assert http.post(upload, files={"files": ("small.txt", b"x" * 1000)}).status_code == 200
    too_big = http.post(upload, files={"files": ("big.bin", b"x" * (MB + 1))})
    assert too_big.status_code == 413


@pytest.mark.slow
@pytest.mark.real_llm
@pytest.mark.server
def test_the_servers_output_holds_no_secrets(live_tutor: LiveServer, http) -> None:
    http.post(live_tutor.url + "/login", data={"username": LIVE_LOGIN[0], "password": "hunter2"})
    output = live_tutor.output()
    assert "tutor: ready at http://127.0.0.1:" in output
    for secret in (LIVE_API_KEY, LIVE_LOGIN[1], "hunter2"):
        assert secret not in output
    assert "warning: serving on" not in output  # loopback: nothing to warn about
