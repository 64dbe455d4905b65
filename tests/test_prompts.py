"""app/core/prompts.py and prompts/*.md: every prompt loads and renders strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.prompts import PromptError, load_prompt
from app.core.resources import prompts_dir

PROMPT_NAMES = sorted(p.stem for p in prompts_dir().glob("*.md"))
EXPECTED_VARIABLES = {
    "answer": {"context", "history", "question"},
    "history": {"previous"},
    "refusal": set(),
}


def test_the_prompts_the_tutor_uses_exist() -> None:
    assert set(EXPECTED_VARIABLES) <= set(PROMPT_NAMES)


@pytest.mark.parametrize("name", PROMPT_NAMES)
def test_every_prompt_renders_with_its_variables(name: str) -> None:
    prompt = load_prompt(name)
    assert prompt.variables == EXPECTED_VARIABLES.get(name, prompt.variables)
    values = {v: f"<<{v} value>>" for v in prompt.variables}
    rendered = prompt.render(**values)
    for variable, value in values.items():
        assert value in rendered
        assert "{" + variable + "}" not in rendered
    assert rendered == rendered.rstrip()
    assert not rendered.startswith("---")  # front matter is not prompt text
    assert len(rendered) > 10


@pytest.mark.parametrize("name", [n for n in PROMPT_NAMES if load_prompt(n).variables])
def test_a_missing_variable_is_an_error(name: str) -> None:
    prompt = load_prompt(name)
    missing = sorted(prompt.variables)[0]
    values = {v: "x" for v in prompt.variables if v != missing}
    with pytest.raises(PromptError, match=f"missing \\['{missing}'\\]"):
        prompt.render(**values)


@pytest.mark.parametrize("name", PROMPT_NAMES)
def test_an_extra_variable_is_an_error(name: str) -> None:
    prompt = load_prompt(name)
    with pytest.raises(PromptError, match="unexpected \\['surprise'\\]"):
        prompt.render(**{v: "x" for v in prompt.variables}, surprise="x")


def test_answer_prompt_has_its_stop_list_and_ends_at_the_answer() -> None:
    prompt = load_prompt("answer")
    assert prompt.stop == ["\nQuestion:", "\nExcerpts:", "\n\n"]
    assert "stop:" not in prompt.template
    rendered = prompt.render(context="[1] A > B\n- text", history="", question="What is B?")
    assert rendered.endswith("[1] A > B\n- text\nQuestion: What is B?\nAnswer:")


def test_answer_prompt_names_the_labels_that_structure_it() -> None:
    prompt = load_prompt("answer")
    assert prompt.labels == ["Excerpts:", "Question:", "Answer:", "Earlier question:"]
    body = prompt.template + load_prompt("history").template
    assert all(f"\n{label}" in "\n" + body for label in prompt.labels)


def test_prompts_without_front_matter_have_no_stop_list() -> None:
    assert load_prompt("refusal").stop == []
    assert load_prompt("refusal").labels == []
    assert load_prompt("history").render(previous="What is Git?") == "Earlier question: What is Git?"


def test_an_unknown_prompt_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="prompt 'nope' not found"):
        load_prompt("nope", tmp_path)


def test_stop_must_be_a_list_of_strings(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text('---\nstop: "\\n"\n---\nText {x}\n', encoding="utf-8")
    with pytest.raises(PromptError, match="'stop' must be a list of strings"):
        load_prompt("bad", tmp_path)


def test_labels_must_be_a_list_of_strings(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\nlabels: [Question:, '']\n---\nText {x}\n", encoding="utf-8")
    with pytest.raises(PromptError, match="'labels' must be a list of strings"):
        load_prompt("bad", tmp_path)


def test_double_braces_are_literal(tmp_path: Path) -> None:
    (tmp_path / "json.md").write_text('Reply as {{"answer": "{answer}"}}\n', encoding="utf-8")
    prompt = load_prompt("json", tmp_path)
    assert prompt.variables == {"answer"}
    assert prompt.render(answer="yes") == 'Reply as {"answer": "yes"}'
