"""Reports of an evaluation run: result.json, summary.md and a self-contained report.html.

The HTML embeds its charts as inline SVG (matplotlib), so the file opens anywhere
offline. Every text from datasets or answers is escaped.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

WORST_CASES = 10
HEADLINES = {
    "retrieval": ("hit@1", "hit@3", "hit@5", "mrr", "ndcg@5"),
    "answers": (
        "citation_validity",
        "citation_support",
        "groundedness",
        "draft_groundedness",
        "model_sentences_kept",
        "cites_expected_section",
        "key_fact_recall",
        "refusal_precision",
        "refusal_recall",
        "answer_words_mean",
    ),
    "followups": ("hit@3_with_history", "hit@3_without_history"),
    "plans": (
        "prerequisite_violations",
        "budget_violations",
        "known_topic_leaks",
        "unknown_paths",
        "target_coverage",
        "targets_accounted",
    ),
    "latency": (
        "retrieve_p50_ms",
        "retrieve_p95_ms",
        "first_token_p50_ms",
        "first_token_p95_ms",
        "tokens_per_s",
    ),
}


def write_reports(result: dict, directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": directory / "result.json",
        "markdown": directory / "summary.md",
        "html": directory / "report.html",
    }
    paths["json"].write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
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


def headline_rows(result: dict) -> list[tuple[str, str, str, str]]:
    """(suite, metric, value, change against the compared run) for the headline metrics."""
    changes = result.get("compare", {}).get("metrics", {})
    rows = []
    for suite, metrics in result["metrics"].items():
        for name in HEADLINES.get(suite, ()):
            if name in metrics:
                change = changes.get(f"{suite}.{name}", {}).get("change")
                rows.append((suite, name, fmt(metrics[name]), "" if change is None else f"{change:+.3f}"))
    return rows


def summary_table(result: dict) -> str:
    """The plain-text table `tutor eval` prints."""
    rows = [("suite", "metric", "value", "change"), *headline_rows(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = [t for t in result.get("thresholds", []) if not t["ok"]]
    config = result["config"]
    lines.append("")
    lines.append(
        f"split: {config['split']}" + (f", first {config['limit']} cases" if config["limit"] else "")
    )
    lines.append("time: " + ", ".join(f"{s} {d:.0f} s" for s, d in config["durations_s"].items()))
    lines += [f"THRESHOLD MISSED: {_missed(t)}" for t in failed]
    return "\n".join(lines)


def _bound(check: dict) -> str:
    return ", ".join(f"{k} {fmt(check[k])}" for k in ("min", "max") if k in check)


def worst_cases(result: dict, n: int = WORST_CASES) -> list[dict]:
    """The cases that did worst: retrieval misses, answers missing facts, refusal mistakes."""
    cases = result["cases"]
    retrieval = sorted(
        (c for c in cases if c["suite"] == "retrieval" and (c["rank"] is None or c["rank"] > 1)),
        key=lambda c: -(c["rank"] or 99),
    )
    answers = sorted(
        (c for c in cases if c["suite"] == "answers" and c["key_fact_recall"] < 1),
        key=lambda c: c["key_fact_recall"],
    )
    refusals = [c for c in cases if c["suite"] == "refusals" and c["should_refuse"] != c["refused"]]
    followups = [c for c in cases if c["suite"] == "followups" and (c["rank_with_history"] or 99) > 3]
    plans = [
        c
        for c in cases
        if c["suite"] == "plans"
        and (c["prerequisite_violations"] or c["budget_violations"] or c["known_topic_leaks"])
    ]
    return (refusals + plans + retrieval + answers + followups)[: n * 3]


def _case_line(case: dict) -> str:
    suite = case["suite"]
    if suite == "retrieval":
        got = "; ".join(" > ".join(p[-2:]) for p in case["retrieved"][:3])
        return f"rank {case['rank'] or 'none'}; retrieved: {got}"
    if suite == "answers":
        return f"key facts {case['key_fact_recall']:.2f}; answer: {case['answer'][:200]}"
    if suite == "refusals":
        return "refused, should answer" if case["refused"] else "answered, should refuse"
    if suite == "followups":
        got = "; ".join(" > ".join(p[-2:]) for p in case["retrieved"][:3])
        return f"rank with history {case['rank_with_history'] or 'none'}; retrieved: {got}"
    return (
        f"prerequisite {case['prerequisite_violations']}, budget {case['budget_violations']}, "
        f"known {case['known_topic_leaks']}"
    )


def describe_run(result: dict) -> str:
    config = result["config"]
    limit = f" (first {config['limit']} cases per suite)" if config["limit"] else ""
    durations = ", ".join(f"{s} {d:.0f} s" for s, d in config["durations_s"].items())
    return (
        f"Run {config['started']} on split {config['split']}{limit}, revision "
        f"{config.get('revision') or 'unknown'}. dev cases may be tuned on; test cases are report-only. "
        f"Time per suite: {durations}."
    )


def _missed(check: dict) -> str:
    return f"{check['suite']}.{check['metric']} = {fmt(check['value'])} ({_bound(check)})"


def to_markdown(result: dict) -> str:
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
    failed = [t for t in result.get("thresholds", []) if not t["ok"]]
    lines.append(
        "Thresholds: all met." if not failed else "Thresholds missed: " + "; ".join(map(_missed, failed))
    )
    per_area = result["metrics"].get("retrieval", {}).get("per_area")
    if per_area:
        lines += [
            "",
            "## Retrieval per area",
            "",
            "| area | cases | hit@1 | hit@3 | mrr |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {a} | {m['cases']} | {fmt(m['hit@1'])} | {fmt(m['hit@3'])} | {fmt(m['mrr'])} |"
            for a, m in per_area.items()
        ]
    worst = worst_cases(result)
    if worst:
        lines += ["", "## Worst cases", ""]
        lines += [f"- **{c['suite']} {c['id']}**: {c['question']} — {_case_line(c)}" for c in worst]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def charts(result: dict) -> dict[str, str]:
    """Inline SVG charts: retrieval per area, latency histograms, change against a compared run."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    out: dict[str, str] = {}
    per_area = result["metrics"].get("retrieval", {}).get("per_area")
    if per_area:
        names = list(per_area)
        figure, axis = plt.subplots(figsize=(7, 0.45 * len(names) + 1))
        axis.barh(names, [per_area[a]["hit@3"] for a in names], color="#3b6ea5")
        axis.set_xlim(0, 1)
        axis.set_xlabel("hit@3")
        axis.invert_yaxis()
        out["Retrieval hit@3 per area"] = _svg(figure)
        plt.close(figure)
    samples = result["metrics"].get("latency", {}).get("samples", {})
    for key, label in (("retrieve_ms", "retrieve (ms)"), ("first_token_ms", "first model token (ms)")):
        if samples.get(key):
            figure, axis = plt.subplots(figsize=(7, 2.6))
            axis.hist(samples[key], bins=20, color="#5a8f3d")
            axis.set_xlabel(label)
            axis.set_ylabel("questions")
            out[f"Latency: {label}"] = _svg(figure)
            plt.close(figure)
    changes = result.get("compare", {}).get("metrics", {})
    shown = [
        (k, v["change"])
        for k, v in changes.items()
        if k.split(".", 1)[1] in HEADLINES.get(k.split(".", 1)[0], ()) and "ms" not in k
    ]
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


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
.ok { color: #2d6a1f; } .bad { color: #b03a2e; font-weight: bold; }
svg { max-width: 100%; height: auto; } li { margin-bottom: .4rem; }
"""


def to_html(result: dict) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(s)}</td><td>{e(m)}</td><td>{e(v)}</td><td>{e(c)}</td></tr>"
        for s, m, v, c in headline_rows(result)
    )
    failed = [t for t in result.get("thresholds", []) if not t["ok"]]
    status = (
        '<p class="ok">All thresholds met.</p>'
        if not failed
        else "".join(f'<p class="bad">Threshold missed: {e(_missed(t))}</p>' for t in failed)
    )
    figures = "".join(f"<h2>{e(title)}</h2>{svg}" for title, svg in charts(result).items())
    worst = "".join(
        f"<li><b>{e(c['suite'])} {e(c['id'])}</b>: {e(c['question'])}"
        f"<br><small>{e(_case_line(c))}</small></li>"
        for c in worst_cases(result)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Skills Tutor evaluation {e(result["config"]["started"])}</title><style>{STYLE}</style></head><body>
<h1>Skills Tutor evaluation</h1>
<p>{e(describe_run(result))}</p>
{status}
<table><tr><th>suite</th><th>metric</th><th>value</th><th>change</th></tr>{rows}</table>
{figures}
<h2>Worst cases</h2><ul>{worst or "<li>none</li>"}</ul>
</body></html>
"""
