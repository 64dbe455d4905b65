"""`tutor eval`: run the suites, compare with an earlier run, check thresholds, write reports."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from app.errors import TutorError
from evals import cases as datasets
from evals.components import Components, Progress, no_progress
from evals.suites import SUITES

if TYPE_CHECKING:
    from app.settings import Settings

THRESHOLDS = Path(__file__).parent / "thresholds.yaml"
DATASET_FILES = ("retrieval", "followups", "refusal", "answers", "plans")
# Settings worth recording with a run (never secrets: no API keys, no passwords).
RECORDED_SETTINGS = (
    "collection",
    "chroma_url",
    "top_k",
    "min_relevance",
    "min_lexical_coverage",
    "llm",
    "openai_model",
    "max_tokens",
    "temperature",
    "n_ctx",
)


def run(
    settings: Settings,
    suites: Sequence[str],
    split: str = "test",
    limit: int | None = None,
    compare: dict | None = None,
    progress: Progress = no_progress,
    parts: Components | None = None,
) -> dict:
    """Run the named suites and return the result record (see README: Evaluation)."""
    if split not in datasets.SPLITS:
        raise TutorError(f"unknown split {split!r}: use dev, test or all")
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise TutorError(f"unknown suite {unknown[0]!r}: use {', '.join(SUITES)} or all")
    if limit is not None and limit < 1:
        raise TutorError(f"--limit must be at least 1 (got {limit})")
    parts = parts or Components(settings)
    started = datetime.now(UTC)
    metrics: dict = {}
    records: list[dict] = []
    durations: dict[str, float] = {}
    for suite in suites:
        t0 = time.perf_counter()
        metrics[suite], suite_records = SUITES[suite](parts, split, limit, progress)
        durations[suite] = round(time.perf_counter() - t0, 1)
        records += suite_records
    result = {
        "metrics": metrics,
        "cases": records,
        "config": {
            "started": started.isoformat(timespec="seconds"),
            "suites": list(suites),
            "split": split,
            "limit": limit,
            "durations_s": durations,
            "datasets": {name: datasets.version(name) for name in DATASET_FILES},
            "settings": {name: _plain(getattr(settings, name, None)) for name in RECORDED_SETTINGS},
            "revision": _revision(),
        },
    }
    result["thresholds"] = check_thresholds(metrics, load_thresholds())
    if compare is not None:
        result["compare"] = diff(compare, result)
    return result


def load_thresholds(path: Path = THRESHOLDS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def check_thresholds(metrics: dict, thresholds: dict) -> list[dict]:
    """One record per threshold of a suite that ran: the value, the bound and whether it held."""
    checks = []
    for suite, bounds in thresholds.items():
        if suite not in metrics:
            continue
        for name, bound in bounds.items():
            value = metrics[suite].get(name)
            if value is None:
                continue
            ok = ("min" not in bound or value >= bound["min"]) and (
                "max" not in bound or value <= bound["max"]
            )
            checks.append({"suite": suite, "metric": name, "value": value, **bound, "ok": ok})
    return checks


def diff(before: dict, after: dict) -> dict:
    """Headline metrics of both runs side by side, with the change, for suites both ran."""
    rows = {}
    for suite, now in after["metrics"].items():
        then = before.get("metrics", {}).get(suite)
        if not isinstance(then, dict):
            continue
        for name, value in now.items():
            old = then.get(name)
            if (
                isinstance(value, int | float)
                and isinstance(old, int | float)
                and not isinstance(value, bool)
            ):
                rows[f"{suite}.{name}"] = {"before": old, "after": value, "change": value - old}
    return {"started": before.get("config", {}).get("started"), "metrics": rows}


def load_result(path: Path) -> dict:
    """An earlier run's result.json, for --compare; a bad file is a user error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TutorError(f"no such result file: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TutorError(f"{path} is not a result.json written by 'tutor eval' ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise TutorError(f"{path} is not a result.json written by 'tutor eval' (no metrics)")
    return data


def run_dir(settings: Settings, result: dict) -> Path:
    """Where a run's reports go: `<home>/evals/<UTC start time>-<suites>`."""
    stamp = result["config"]["started"].replace(":", "").replace("-", "").replace("+0000", "Z")
    name = f"{stamp}-{'-'.join(result['config']['suites'])}"
    return settings.home / "evals" / name


def latest_result(settings: Settings) -> Path | None:
    """The newest result.json under the data directory, if any run was made."""
    runs = sorted((settings.home / "evals").glob("*/result.json"))
    return runs[-1] if runs else None


def _plain(value):
    return value if value is None or isinstance(value, int | float | str | bool) else str(value)


def _revision() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
