"""The "Evals" tab: the latest evaluation report's headline numbers and charts.

It reads the newest `result.json` under `<home>/evals/` (written by `tutor eval`
or by this tab) and can run the retrieval suite on the test split against the
index the tutor is serving. Everything shown is plain text or a native plot.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.web.markup import WARNING, escape

if TYPE_CHECKING:
    import gradio as gr
    import pandas as pd

    from app.core.settings import Settings
    from app.wiring import Parts
    from evals.results import EvalResult

log = logging.getLogger(__name__)

NO_RUN = "No evaluation has been run yet: press the button below, or run `tutor eval` in a terminal."
FAILED = WARNING + "the retrieval suite failed; details are in the server log"
HISTOGRAM_BINS = 15


def load_latest(settings: Settings) -> tuple[EvalResult | None, Path | None]:
    """The newest readable result and its folder; (None, None) when there is none.

    A result.json this version cannot read (damaged, or written by an older
    version with other metrics) is logged and skipped, not shown half-right.
    """
    from pydantic import ValidationError

    from evals.results import EvalResult
    from evals.runner import latest_result

    path = latest_result(settings)
    if path is None:
        return None, None
    try:
        return EvalResult.model_validate(json.loads(path.read_text(encoding="utf-8"))), path.parent
    except (OSError, ValueError, ValidationError):
        log.warning("cannot read %s", path)
        return None, None


def headline_markdown(result: EvalResult | None) -> str:
    """The run's description and its headline table, as Markdown with every value escaped."""
    if result is None:
        return NO_RUN
    from evals.report import describe_run, headline_rows

    rows = [
        f"| {escape(s)} | {escape(m)} | {escape(v)} | {escape(c)} |" for s, m, v, c in headline_rows(result)
    ]
    status = (
        "All thresholds met."
        if not result.missed
        else "**Thresholds missed:** " + ", ".join(escape(f"{t.suite}.{t.metric}") for t in result.missed)
    )
    return "\n".join(
        [
            escape(describe_run(result)),
            "",
            status,
            "",
            "| suite | metric | value | change |",
            "|---|---|---|---|",
        ]
        + rows
    )


def per_area_frame(result: EvalResult | None) -> pd.DataFrame:
    import pandas as pd

    retrieval = result.metrics.retrieval if result else None
    areas = retrieval.per_area if retrieval else {}
    return pd.DataFrame(
        {"area": list(areas), "hit@3": [m.hit_at_3 for m in areas.values()]}, columns=["area", "hit@3"]
    )


def latency_frame(result: EvalResult | None) -> pd.DataFrame:
    """A histogram of retrieve times as (bin start in ms, questions)."""
    import numpy as np
    import pandas as pd

    latency = result.metrics.latency if result else None
    samples = latency.samples.retrieve_ms if latency else []
    if not samples:
        return pd.DataFrame({"ms": [], "questions": []})
    counts, edges = np.histogram(samples, bins=HISTOGRAM_BINS)
    return pd.DataFrame({"ms": [f"{e:.0f}" for e in edges[:-1]], "questions": counts})


class EvalsTab:
    """Shows the latest report; runs the retrieval suite on the served index."""

    def __init__(self, parts: Parts) -> None:
        """`parts` are the ones being served: the suite runs on the index already loaded."""
        self.parts = parts
        self.settings = parts.settings

    def view(self) -> tuple[str, Any, Any, Any]:
        """(headline Markdown, per-area plot, latency plot, report download) for the latest run."""
        import gradio as gr

        result, folder = load_latest(self.settings)
        report = folder / "report.html" if folder and (folder / "report.html").exists() else None
        areas, latency = per_area_frame(result), latency_frame(result)
        return (
            headline_markdown(result),
            gr.update(value=areas, visible=not areas.empty),  # a run without that suite: no plot
            gr.update(value=latency, visible=not latency.empty),
            gr.update(value=str(report) if report else None, visible=report is not None),
        )

    def run_retrieval(self, progress: gr.Progress | None = None) -> tuple[str, Any, Any, Any]:
        """Run the retrieval suite on the test split, write its reports, show them."""
        from evals import runner
        from evals.progress import no_progress
        from evals.report import write_reports

        try:
            track = no_progress if progress is None else (lambda i, desc: progress.tqdm(list(i), desc=desc))
            result = runner.run(self.settings, ["retrieval"], "test", parts=self.parts, progress=track)
            write_reports(result, runner.run_dir(self.settings, result))
        except Exception:
            log.exception("the retrieval suite failed")
            view = self.view()
            return (FAILED + "\n\n" + view[0], *view[1:])
        return self.view()

    def build(self) -> list:
        import gradio as gr

        headline = gr.Markdown(NO_RUN)
        with gr.Row():
            areas = gr.BarPlot(
                x="area", y="hit@3", title="Retrieval hit@3 per area", y_lim=[0, 1], x_label_angle=-30
            )
            latency = gr.BarPlot(x="ms", y="questions", title="Retrieve latency (ms)")
        report = gr.DownloadButton("Download the full HTML report", visible=False)
        run = gr.Button("Run the retrieval suite (test split)", variant="primary")
        outputs = [headline, areas, latency, report]
        run.click(
            lambda progress=gr.Progress(): self.run_retrieval(progress),  # noqa: B008 (Gradio injects it)
            outputs=outputs,
            concurrency_limit=1,
            concurrency_id="evals",
            api_name="run_retrieval_suite",
        )
        return outputs

    def attach_refresh(self, demo: gr.Blocks, outputs: list) -> None:
        """Show the latest report whenever the page loads."""
        demo.load(self.view, outputs=outputs, api_name=False)
