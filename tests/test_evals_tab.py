"""app/web/evals_tab.py: the Evals tab shows the latest report and runs the retrieval suite."""

from __future__ import annotations

import json

import pytest

from app.web.evals_tab import NO_RUN, EvalsTab, headline_markdown, latency_frame, load_latest, per_area_frame

AREA = {"hit@1": 0.5, "hit@3": 0.5, "hit@5": 1.0, "mrr": 0.6, "ndcg@5": 0.7, "cases": 2}
RESULT = {
    "metrics": {
        "retrieval": {
            "hit@1": 0.5,
            "hit@3": 0.75,
            "hit@5": 1.0,
            "mrr": 0.6,
            "ndcg@5": 0.7,
            "cases": 4,
            "per_area": {"<b>Overview</b>": AREA, "Data Engineering": {**AREA, "hit@3": 1.0}},
        },
        "latency": {
            "retrieve_p50_ms": 12.0,
            "retrieve_p95_ms": 28.2,
            "first_text_p50_ms": 210.0,
            "first_token_p50_ms": None,
            "first_token_p95_ms": None,
            "answer_p50_ms": 210.0,
            "tokens_per_s": None,
            "samples": {"retrieve_ms": [10.0, 12.0, 30.0]},
            "cases": 3,
        },
    },
    "cases": [],
    "config": {
        "started": "2026-01-01T00:00:00+00:00",
        "suites": ["retrieval", "latency"],
        "split": "test",
        "limit": None,
        "durations_s": {},
        "datasets": {},
        "settings": {},
        "revision": None,
    },
    "thresholds": [{"suite": "retrieval", "metric": "hit@3", "value": 0.75, "min": 0.9, "ok": False}],
}


def test_no_run_yet(make_settings) -> None:
    settings = make_settings()
    assert load_latest(settings) == (None, None)
    assert headline_markdown(None) == NO_RUN
    assert per_area_frame(None).empty and latency_frame(None).empty


def test_latest_result_is_shown_with_missed_thresholds(make_settings) -> None:
    settings = make_settings()
    for name, started in (("20260101T000000Z-retrieval", "old"), ("20260102T000000Z-retrieval", "new")):
        folder = settings.home / "evals" / name
        folder.mkdir(parents=True)
        (folder / "result.json").write_text(
            json.dumps({**RESULT, "config": {**RESULT["config"], "started": started}})
        )
    result, folder = load_latest(settings)
    assert result.config.started == "new" and folder.name.startswith("20260102")
    text = headline_markdown(result)
    assert "| retrieval | hit\\@3 | 0.750 |" in text
    assert "Thresholds missed:** retrieval.hit\\@3" in text
    frame = per_area_frame(result)
    assert list(frame["hit@3"]) == [0.5, 1.0]
    assert "<b>" in frame["area"][0]  # data for a native plot, never rendered as HTML
    assert latency_frame(result)["questions"].sum() == 3


@pytest.mark.slow
def test_run_button_writes_a_report_and_shows_it(mini_index, retriever) -> None:
    from app.wiring import Parts

    parts = Parts(mini_index.settings)
    parts.retriever = retriever  # the index being served, already loaded
    tab = EvalsTab(parts)
    try:
        headline, areas, latency, report = tab.run_retrieval()
        assert "| retrieval | hit\\@3 |" in headline
        assert areas["visible"] and not areas["value"].empty
        assert not latency["visible"]  # the retrieval suite measures no latency
        assert report["visible"] and report["value"].endswith("report.html")
        result, folder = load_latest(mini_index.settings)
        assert result.config.split == "test" and result.config.suites == ["retrieval"]
        assert (folder / "summary.md").exists()
    finally:
        import shutil

        shutil.rmtree(mini_index.settings.home / "evals", ignore_errors=True)  # the session index is shared


def test_a_result_written_by_another_version_is_skipped_not_half_shown(make_settings) -> None:
    settings = make_settings()
    folder = settings.home / "evals" / "20260101T000000Z-retrieval"
    folder.mkdir(parents=True)
    (folder / "result.json").write_text(json.dumps({**RESULT, "metrics": {"retrieval": {"hit@3": 0.5}}}))
    assert load_latest(settings) == (None, None)
