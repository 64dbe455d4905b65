"""app/core/settings.py: one settings object, TUTOR_* overrides, TUTOR_HOME moves all state."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugins.cli import ROOT
from pydantic import ValidationError

from app.core import resources
from app.core.resources import seeds_dir
from app.core.settings import Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUTOR_HOME")
    settings = Settings()
    assert settings.home == ROOT / ".tutor"  # in a checkout, where `make run` keeps it
    assert settings.chroma_dir == ROOT / ".tutor" / "chroma"
    assert settings.host == "127.0.0.1"  # never the whole network by default
    assert settings.port == 7860
    assert settings.llm == "llamacpp"
    assert settings.chroma_url is None
    assert settings.collection == "roadmap"
    assert settings.top_k == 4
    assert settings.seeds == [seeds_dir() / "ai-engineer-skills.md"]
    assert settings.openai_api_key.get_secret_value() == "not-needed"


def test_installed_without_a_checkout_state_goes_to_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from platformdirs import user_data_path

    monkeypatch.delenv("TUTOR_HOME")
    monkeypatch.setattr(resources, "checkout_root", lambda: None)
    assert Settings().home == user_data_path("skills-tutor")


def test_shipped_data_is_found_as_package_data() -> None:
    settings = Settings()
    assert settings.seeds[0].is_file() and settings.cards.is_dir() and settings.curriculum.is_file()
    assert (resources.prompts_dir() / "answer.md").is_file()


def test_every_test_has_its_own_home(tutor_home: Path, tmp_path: Path) -> None:
    assert Settings().home == tutor_home
    assert tutor_home.parent == tmp_path


def test_tutor_home_moves_all_stored_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "elsewhere"))
    settings = Settings()
    assert settings.chroma_dir == tmp_path / "elsewhere" / "chroma"
    assert settings.models_dir == tmp_path / "elsewhere" / "models"
    assert not (tmp_path / "elsewhere").exists()  # building settings creates nothing


def test_a_relative_tutor_home_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """TUTOR_HOME=.tutor: the index's files are opened by file URI, which needs an absolute path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TUTOR_HOME", ".tutor")
    assert Settings().home == tmp_path / ".tutor"
    monkeypatch.setenv("TUTOR_HOME", "~/tutor-home")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings().home == tmp_path / "tutor-home"


def test_env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_LLM", "openai")
    monkeypatch.setenv("TUTOR_PORT", "9000")
    monkeypatch.setenv("TUTOR_TOP_K", "7")
    monkeypatch.setenv("TUTOR_MIN_RELEVANCE", "0.4")
    monkeypatch.setenv("TUTOR_CHROMA_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("TUTOR_OPENAI_API_KEY", "sk-test")
    settings = Settings()
    assert (settings.llm, settings.port, settings.top_k) == ("openai", 9000, 7)
    assert settings.min_relevance == 0.4
    assert settings.chroma_url == "http://127.0.0.1:8000"
    assert settings.openai_api_key.get_secret_value() == "sk-test"
    assert "sk-test" not in repr(settings)


def test_constructor_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUTOR_PORT", "9000")
    assert Settings(port=8080, home=tmp_path).port == 8080


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("notes.md", [Path("notes.md")]),
        ("a.md:b.md", [Path("a.md"), Path("b.md")]),
        ('["x.md", "docs"]', [Path("x.md"), Path("docs")]),
        ("only.md:", [Path("only.md")]),
    ],
)
def test_seeds_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, expected) -> None:
    monkeypatch.setenv("TUTOR_SEEDS", value)
    assert Settings().seeds == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [("TUTOR_TOP_K", "0"), ("TUTOR_LLM", "gpt"), ("TUTOR_PORT", "70000"), ("TUTOR_N_CTX", "100")],
)
def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_unknown_tutor_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_NO_SUCH_SETTING", "1")
    assert Settings().llm == "llamacpp"


def test_the_bundled_model_does_not_add_to_answers_unless_asked(tmp_path: Path) -> None:
    assert Settings().model_may_add is False  # measured: its additions were wrong more often than useful
    assert Settings(model_adds=True).model_may_add is True
    assert Settings(llm="openai").model_may_add is True
    assert Settings(model_path=tmp_path / "other.gguf").model_may_add is True
    assert Settings(llm="openai", model_adds=False).model_may_add is False
