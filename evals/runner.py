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

from app.core.errors import TutorError
from app.wiring import Parts
from evals import cases as datasets
from evals.metrics import METRICS, SuiteMetrics
from evals.progress import Progress, no_progress
from evals.results import Change, Comparison, EvalResult, Metrics, RunConfig, ThresholdCheck
from evals.suites import SUITES

if TYPE_CHECKING:
    from app.core.settings import Settings

THRESHOLDS = Path(__file__).parent / "thresholds.yaml"
DATASET_FILES = ("retrieval", "followups", "refusal", "answers", "interview", "plans", "goals")
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
    parts: Parts | None = None,
) -> EvalResult:
    """Run the named suites and return the result (see README: Evaluation)."""
    if split not in datasets.SPLITS:
        raise TutorError(f"unknown split {split!r}: use dev, test or all")
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise TutorError(f"unknown suite {unknown[0]!r}: use {', '.join(SUITES)} or all")
    if limit is not None and limit < 1:
        raise TutorError(f"--limit must be at least 1 (got {limit})")
    thresholds = load_thresholds()  # a bad thresholds file fails before any suite runs
    parts = parts or Parts(settings)
    started = datetime.now(UTC)
    metrics: dict[str, SuiteMetrics] = {}
    records: list = []
    durations: dict[str, float] = {}
    for suite in suites:
        t0 = time.perf_counter()
        metrics[suite], suite_records = SUITES[suite](parts, split, limit, progress)
        durations[suite] = round(time.perf_counter() - t0, 1)
        records += suite_records
    ran = Metrics(**metrics)
    result = EvalResult(
        metrics=ran,
        cases=records,
        config=RunConfig(
            started=started.isoformat(timespec="seconds"),
            suites=list(suites),
            split=split,
            limit=limit,
            durations_s=durations,
            datasets={name: datasets.version(name) for name in DATASET_FILES},
            settings={name: _plain(getattr(settings, name, None)) for name in RECORDED_SETTINGS},
            revision=_revision(),
        ),
        thresholds=check_thresholds(ran, thresholds),
    )
    if compare is not None:
        result = result.model_copy(update={"compare": diff(compare, result)})
    return result


Thresholds = dict[str, dict[str, dict[str, float]]]  # suite → metric → {"min": x} and/or {"max": y}


def load_thresholds(path: Path = THRESHOLDS) -> Thresholds:
    """The bounds file, checked: every suite and metric must exist and every bound be min or max."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise TutorError(f"{path}: expected suites mapping to metrics")
    for suite, bounds in data.items():
        if suite not in METRICS:
            raise TutorError(f"{path}: {suite!r} is not a suite (suites: {', '.join(METRICS)})")
        names = METRICS[suite].names()
        for name, bound in (bounds or {}).items():
            if name not in names:
                raise TutorError(
                    f"{path}: {suite}.{name} is not a metric of the {suite} suite "
                    f"(metrics: {', '.join(names)})"
                )
            if not isinstance(bound, dict) or not bound or set(bound) - {"min", "max"}:
                raise TutorError(f"{path}: {suite}.{name} needs a bound like {{min: 0.9}} or {{max: 0}}")
    return data


def check_thresholds(metrics: Metrics, thresholds: Thresholds) -> list[ThresholdCheck]:
    """One check per threshold of a suite that ran: the value, the bound and whether it held.

    A metric with no value (a latency suite where the model wrote nothing) has nothing to check.
    """
    checks = []
    for suite, suite_metrics in metrics.ran().items():
        for name, bound in (thresholds.get(suite) or {}).items():
            value = suite_metrics.value(name)
            if value is None:
                continue
            ok = ("min" not in bound or value >= bound["min"]) and (
                "max" not in bound or value <= bound["max"]
            )
            checks.append(ThresholdCheck(suite=suite, metric=name, value=value, **bound, ok=ok))
    return checks


def diff(before: dict, after: EvalResult) -> Comparison:
    """Metrics of both runs side by side, with the change, for suites both ran.

    `before` stays a plain result.json: it may come from another version of the
    tutor, whose suites had other metrics; only numbers both runs have are compared.
    """
    rows = {}
    for suite, now in after.metrics.ran().items():
        then = before.get("metrics", {}).get(suite)
        if not isinstance(then, dict):
            continue
        for name, value in now.numbers().items():
            old = then.get(name)
            if isinstance(old, int | float) and not isinstance(old, bool):
                rows[f"{suite}.{name}"] = Change(before=old, after=value, change=value - old)
    return Comparison(started=before.get("config", {}).get("started"), metrics=rows)


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


def run_dir(settings: Settings, result: EvalResult) -> Path:
    """Where a run's reports go: `<home>/evals/<UTC start time>-<suites>`."""
    stamp = result.config.started.replace(":", "").replace("-", "").replace("+0000", "Z")
    name = f"{stamp}-{'-'.join(result.config.suites)}"
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
