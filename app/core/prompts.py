"""Prompt templates: markdown files in prompts/ (package data), loaded by name, rendered strictly.

`{name}` marks a variable (`{{` and `}}` are literal braces). Rendering with a
missing or an unexpected variable raises, so a renamed placeholder can never
silently send the model a prompt with a hole in it. A file may open with YAML
front matter between `---` lines; its `stop` list holds the stop sequences that
belong to the prompt's format, and its `labels` list the line labels that give
the prompt its structure (text pasted into the prompt must not start a line with
one, see `Tutor.render`).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from app.core.resources import prompts_dir


class PromptError(Exception):
    """A template could not be found or rendered: a bug in the code or the prompt file."""


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str
    stop: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @cached_property
    def variables(self) -> frozenset[str]:
        return frozenset(
            name for _, name, _, _ in string.Formatter().parse(self.template) if name is not None
        )

    def render(self, **values: str) -> str:
        missing = self.variables - values.keys()
        extra = values.keys() - self.variables
        if missing or extra:
            raise PromptError(f"prompt {self.name!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        # No trailing newline: a completion model must continue on the last line.
        return self.template.format(**values).rstrip()


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Read `prompts/<name>.md` (the shipped templates unless `directory` names others)."""
    import yaml

    directory = directory or prompts_dir()
    path = directory / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"prompt {name!r} not found at {path}") from exc
    meta: dict = {}
    if text.startswith("---\n"):
        header, _, text = text[4:].partition("\n---\n")
        meta = yaml.safe_load(header) or {}
    lists = {key: meta.get(key, []) for key in ("stop", "labels")}
    for key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
            raise PromptError(f"prompt {name!r}: {key!r} must be a list of strings")
    return Prompt(name, text.strip("\n") + "\n", **lists)
