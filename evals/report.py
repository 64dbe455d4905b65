"""Reports of an evaluation run: result.json, summary.md and a self-contained report.html.

The HTML is a jinja2 template (`evals/templates/report.html`, autoescaped) with
its charts as inline SVG (matplotlib), so the file opens anywhere offline.
Every text from datasets or answers is escaped.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from evals.results import (
    AnswerRecord,
    EvalResult,
    FollowupRecord,
    GoalRecord,
    PlanRecord,
    RefusalRecord,
    RetrievalRecord,
    ThresholdCheck,
)

WORST_CASES = 10


def write_reports(result: EvalResult, directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": directory / "result.json",
        "markdown": directory / "summary.md",
        "html": directory / "report.html",
    }
    paths["json"].write_text(
        json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    paths["markdown"].write_text(to_markdown(result), encoding="utf-8")
    paths["html"].write_text(to_html(result), encoding="utf-8")
    return paths


def fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def headline_rows(result: EvalResult) -> list[tuple[str, str, str, str]]:
    """(suite, metric, value, change against the compared run) for the headline metrics."""
    changes = result.compare.metrics if result.compare else {}
    rows = []
    for suite, metrics in result.metrics.ran().items():
        for name in metrics.headlines():
            change = changes.get(f"{suite}.{name}")
            rows.append(
                (suite, name, fmt(metrics.value(name)), "" if change is None else f"{change.change:+.3f}")
            )
    return rows


def summary_table(result: EvalResult) -> str:
    """The plain-text table `tutor eval` prints."""
    rows = [("suite", "metric", "value", "change"), *headline_rows(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    config = result.config
    lines.append("")
    lines.append(f"split: {config.split}" + (f", first {config.limit} cases" if config.limit else ""))
    lines.append("time: " + ", ".join(f"{s} {d:.0f} s" for s, d in config.durations_s.items()))
    lines += [f"THRESHOLD MISSED: {missed_line(t)}" for t in result.missed]
    return "\n".join(lines)


def worst_cases(result: EvalResult, n: int = WORST_CASES) -> list:
    """The cases that did worst: retrieval misses, answers missing facts, refusal mistakes."""
    cases = result.cases
    retrieval = sorted(
        (c for c in cases if isinstance(c, RetrievalRecord) and (c.rank is None or c.rank > 1)),
        key=lambda c: -(c.rank or 99),
    )
    answers = sorted(
        (c for c in cases if isinstance(c, AnswerRecord) and c.key_fact_recall < 1),
        key=lambda c: c.key_fact_recall,
    )
    refusals = [c for c in cases if isinstance(c, RefusalRecord) and c.should_refuse != c.refused]
    followups = [c for c in cases if isinstance(c, FollowupRecord) and (c.rank_with_history or 99) > 3]
    plans = [
        c
        for c in cases
        if isinstance(c, PlanRecord)
        and (c.prerequisite_violations or c.budget_violations or c.known_topic_leaks)
    ]
    goals = [c for c in cases if isinstance(c, GoalRecord) and not c.passed]
    return (refusals + plans + goals + retrieval + answers + followups)[: n * 3]


def case_line(case) -> str:
    if isinstance(case, RetrievalRecord):
        got = "; ".join(" > ".join(p[-2:]) for p in case.retrieved[:3])
        return f"rank {case.rank or 'none'}; retrieved: {got}"
    if isinstance(case, AnswerRecord):
        return f"key facts {case.key_fact_recall:.2f}; answer: {case.answer[:200]}"
    if isinstance(case, RefusalRecord):
        return "refused, should answer" if case.refused else "answered, should refuse"
    if isinstance(case, FollowupRecord):
        got = "; ".join(" > ".join(p[-2:]) for p in case.retrieved[:3])
        return f"rank with history {case.rank_with_history or 'none'}; retrieved: {got}"
    if isinstance(case, GoalRecord):
        got = ", ".join(case.chosen) or ", ".join(case.offered[:3]) or "nothing"
        expected = ", ".join(case.expected) or "none"
        return f"{case.kind} goal, resolver said {case.status}: {got}; expected {expected}"
    return (
        f"prerequisite {case.prerequisite_violations}, budget {case.budget_violations}, "
        f"known {case.known_topic_leaks}"
    )


def describe_run(result: EvalResult) -> str:
    config = result.config
    limit = f" (first {config.limit} cases per suite)" if config.limit else ""
    durations = ", ".join(f"{s} {d:.0f} s" for s, d in config.durations_s.items())
    return (
        f"Run {config.started} on split {config.split}{limit}, revision "
        f"{config.revision or 'unknown'}. dev cases may be tuned on; test cases are report-only. "
        f"Time per suite: {durations}."
    )


def missed_line(check: ThresholdCheck) -> str:
    bound = ", ".join(f"{k} {fmt(v)}" for k, v in (("min", check.min), ("max", check.max)) if v is not None)
    return f"{check.suite}.{check.metric} = {fmt(check.value)} ({bound})"


def to_markdown(result: EvalResult) -> str:
    lines = [
        "# Skills Tutor evaluation",
        "",
        describe_run(result),
        "",
        "| suite | metric | value | change |",
        "|---|---|---|---|",
        *(f"| {s} | {m} | {v} | {c} |" for s, m, v, c in headline_rows(result)),
        "",
    ]
    missed = result.missed
    lines.append(
        "Thresholds: all met." if not missed else "Thresholds missed: " + "; ".join(map(missed_line, missed))
    )
    retrieval = result.metrics.retrieval
    if retrieval and retrieval.per_area:
        lines += [
            "",
            "## Retrieval per area",
            "",
            "| area | cases | hit@1 | hit@3 | mrr |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {a} | {m.cases} | {fmt(m.hit_at_1)} | {fmt(m.hit_at_3)} | {fmt(m.mrr)} |"
            for a, m in retrieval.per_area.items()
        ]
    worst = worst_cases(result)
    if worst:
        lines += ["", "## Worst cases", ""]
        lines += [f"- **{c.suite} {c.id}**: {c.question} — {case_line(c)}" for c in worst]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def charts(result: EvalResult) -> dict[str, str]:
    """Inline SVG charts: retrieval per area, latency histograms, change against a compared run."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    out: dict[str, str] = {}
    retrieval = result.metrics.retrieval
    if retrieval and retrieval.per_area:
        names = list(retrieval.per_area)
        figure, axis = plt.subplots(figsize=(7, 0.45 * len(names) + 1))
        axis.barh(names, [retrieval.per_area[a].hit_at_3 for a in names], color="#3b6ea5")
        axis.set_xlim(0, 1)
        axis.set_xlabel("hit@3")
        axis.invert_yaxis()
        out["Retrieval hit@3 per area"] = _svg(figure)
        plt.close(figure)
    latency = result.metrics.latency
    samples = latency.samples if latency else None
    for values, label in (
        (samples.retrieve_ms if samples else [], "retrieve (ms)"),
        (samples.first_token_ms if samples else [], "first model token (ms)"),
    ):
        if values:
            figure, axis = plt.subplots(figsize=(7, 2.6))
            axis.hist(values, bins=20, color="#5a8f3d")
            axis.set_xlabel(label)
            axis.set_ylabel("questions")
            out[f"Latency: {label}"] = _svg(figure)
            plt.close(figure)
    headlines = {f"{s}.{n}" for s, m in result.metrics.ran().items() for n in m.headlines()}
    changes = result.compare.metrics if result.compare else {}
    shown = [(k, v.change) for k, v in changes.items() if k in headlines and "ms" not in k]
    if shown:
        figure, axis = plt.subplots(figsize=(7, 0.35 * len(shown) + 1))
        axis.barh(
            [k for k, _ in shown],
            [c for _, c in shown],
            color=["#5a8f3d" if c >= 0 else "#b03a2e" for _, c in shown],
        )
        axis.axvline(0, color="black", linewidth=0.8)
        axis.set_xlabel("change against the compared run")
        axis.invert_yaxis()
        out["Change against the compared run"] = _svg(figure)
        plt.close(figure)
    return out


def to_html(result: EvalResult) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("evals", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt variable fails the report instead of leaving a gap
    )
    worst = [
        {"suite": c.suite, "id": c.id, "question": c.question, "line": case_line(c)}
        for c in worst_cases(result)
    ]
    return env.get_template("report.html").render(
        started=result.config.started,
        description=describe_run(result),
        missed=[missed_line(t) for t in result.missed],
        rows=headline_rows(result),
        charts=charts(result),
        worst=worst,
    )
