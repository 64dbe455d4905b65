"""Where the shipped data lives: prompts, the roadmap, cards and curriculum, found as package data.

`prompts/` and `seeds/` are data packages installed beside `app`, so a wheel
carries them and a checkout, an editable install and a plain install all find
them the same way (`importlib.resources`). Settings can point the seeds
elsewhere; prompts always come from the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

APP_NAME = "skills-tutor"


def seeds_dir() -> Path:
    """The shipped curriculum data: the roadmap, cards, topic entries and curriculum.yaml."""
    return Path(str(files("seeds")))


def prompts_dir() -> Path:
    """The shipped prompt templates (`prompts/*.md`)."""
    return Path(str(files("prompts")))


def data_root() -> Path:
    """The folder that holds the data packages: a checkout's root, or site-packages."""
    return seeds_dir().parent


def checkout_root() -> Path | None:
    """The repository root when running from a checkout (editable install or not), else None."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "app").is_dir() else None


def default_home() -> Path:
    """Stored state: `.tutor/` in a checkout (what `make` uses), else the user's data folder."""
    root = checkout_root()
    if root is not None:
        return root / ".tutor"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)
