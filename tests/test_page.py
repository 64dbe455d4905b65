"""app/web/page.py: chat history, the streaming `respond` and the page, without a server.

`respond` is driven with a fake tutor that streams scripted events; plan
requests go to the real planner over the shipped roadmap (no index, no model).
Rendering checks use markdown-it (CommonMark, like the marked renderer in the
browser) as the reference for what is and is not live Markup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from plugins.web import FakeTutor, live_markup

from app.answer.tutor import Answer, Turn, Waiting
from app.core.errors import TutorError
from app.plan.chat import ASK_PREFIX
from app.plan.planner import StudyPlanner
from app.web.markup import WARNING, escape
from app.web.page import FAILED, PLAN_EXAMPLE, SOURCES_TITLE, TutorUI, turns_from_history

PLAN_REQUEST = "make me a study plan for mlops engineer"
PLAN_DETAILS = "10 hours a week for 20 weeks"
K8S_PATH = ("Cloud Computing and MLOps", "Kubernetes")
K8S_TEXT = "- Kubernetes schedules containers across a cluster of machines."

# --- fakes ----------------------------------------------------------------------------


@pytest.fixture
def planner(make_settings: Callable[..., Any], real_roadmap: Path) -> StudyPlanner:
    """The real planner over the shipped roadmap; only free-text goals would need the embedder."""
    from app.wiring import build_study_planner

    # The fixture curriculum is not the one seeds/curriculum.yaml describes, so the real roadmap.
    return build_study_planner(make_settings(seeds=[real_roadmap]))


@pytest.fixture
def no_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the embedder fails the test: named plan goals and building the page must not need it."""

    def forbidden(**kwargs: Any) -> Any:
        raise AssertionError("the embedder was loaded")

    monkeypatch.setattr("app.wiring.load_embeddings", forbidden)


def answer(text: str, citations: list, refused: bool = False, dropped: Sequence[str] = ()) -> Answer:
    return Answer("q", text, citations, refused, dropped=list(dropped))


def test_turns_pair_each_question_with_the_answer_after_it() -> None:
    history = [
        {"role": "user", "content": "What is Docker?"},
        {"role": "assistant", "content": "Docker packages apps &lt;in images&gt; [1]."},
        {"role": "assistant", "content": "**[1]** Docker", "metadata": {"title": SOURCES_TITLE}},
        # Gradio may hand messages over as content blocks.
        {"role": "user", "content": [{"type": "text", "text": "And Kubernetes?"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "It schedules containers [1]."}]},
    ]

    assert turns_from_history(history) == [
        Turn("What is Docker?", "Docker packages apps <in images> [1]."),
        Turn("And Kubernetes?", "It schedules containers [1]."),
    ]


def test_turns_skip_sources_panels_and_warnings() -> None:
    history = [
        {"role": "user", "content": "What is Docker?"},
        # A sources panel is never the answer, even with no answer text before it.
        {"role": "assistant", "content": "**[1]** Docker", "metadata": {"title": SOURCES_TITLE}},
        {"role": "user", "content": "What is Kubernetes?"},
        {"role": "assistant", "content": FAILED},
        {"role": "user", "content": "What is Helm?"},
        {"role": "assistant", "content": f"{WARNING}no index yet: run 'tutor ingest' first"},
        {"role": "user", "content": "What is MLflow?"},
        {"role": "assistant", "content": "MLflow tracks experiments [1]."},
    ]

    assert turns_from_history(history) == [Turn("What is MLflow?", "MLflow tracks experiments [1].")]


def test_turns_keep_the_planners_question_as_an_answer() -> None:
    ask = f"{ASK_PREFIX} how many hours a week you can study."
    history = [{"role": "user", "content": PLAN_REQUEST}, {"role": "assistant", "content": ask}]

    assert turns_from_history(history) == [Turn(PLAN_REQUEST, ask)]


# --- respond ----------------------------------------------------------------------------


def test_respond_streams_escaped_text_then_the_answer_and_its_sources(make_hit) -> None:
    hit = make_hit(K8S_PATH, K8S_TEXT)
    # A document can carry Markdown that would fetch from elsewhere if it were rendered.
    final = answer("Kubernetes <orchestrates> containers [1]. ![x](http://evil.example/p.png)", [hit])
    tutor = FakeTutor("Kubernetes <orch", "estrates> & more", final)

    out = list(TutorUI(tutor).respond("What is Kubernetes?", []))

    assert out[:2] == ["Kubernetes &lt;orch", "Kubernetes &lt;orchestrates&gt; &amp; more"]
    text, sources = out[2]
    assert text == {"role": "assistant", "content": escape(final.text)}
    assert live_markup(text["content"]) == []
    assert sources["metadata"] == {"title": SOURCES_TITLE}
    assert sources["content"].startswith("**[1]** Cloud Computing and MLOps › Kubernetes\n> ")
    assert "Kubernetes schedules containers across a cluster of machines." in sources["content"]
    assert len(out) == 3
    assert tutor.calls == [("What is Kubernetes?", [])]


def test_respond_shows_the_place_in_line_under_the_lead_until_the_model_writes(make_hit) -> None:
    final = answer("The roadmap covers Kubernetes. It schedules.", [make_hit(K8S_PATH, K8S_TEXT)])
    tutor = FakeTutor("The roadmap covers Kubernetes. ", Waiting(2), Waiting(1), "It schedules", final)

    out = list(TutorUI(tutor).respond("What is Kubernetes?", []))

    assert out[:4] == [
        "The roadmap covers Kubernetes. ",
        "The roadmap covers Kubernetes. \n\n*Waiting for the model (2 ahead)…*",
        "The roadmap covers Kubernetes. \n\n*Waiting for the model (1 ahead)…*",
        "The roadmap covers Kubernetes. It schedules",
    ]


def test_respond_passes_earlier_turns_to_the_tutor(make_hit) -> None:
    tutor = FakeTutor(answer("It lists Helm [1].", [make_hit(K8S_PATH, K8S_TEXT)]))
    history = [
        {"role": "user", "content": "What is Kubernetes?"},
        {"role": "assistant", "content": "Kubernetes schedules containers [1]."},
        {"role": "assistant", "content": "**[1]** Kubernetes", "metadata": {"title": SOURCES_TITLE}},
    ]

    list(TutorUI(tutor).respond("and which tools does it list?", history))

    assert tutor.calls == [
        (
            "and which tools does it list?",
            [Turn("What is Kubernetes?", "Kubernetes schedules containers [1].")],
        )
    ]


def test_respond_shows_no_sources_for_a_refusal(make_hit) -> None:
    refusal = "The roadmap does not cover that."
    # Retrieved hits on a refusal are not sources: nothing supports the text.
    tutor = FakeTutor(refusal, answer(refusal, [make_hit(K8S_PATH, K8S_TEXT)], refused=True))

    out = list(TutorUI(tutor).respond("What is the best pizza?", []))

    assert out == [refusal, [{"role": "assistant", "content": refusal}]]


def test_left_out_model_sentences_are_not_the_learners_business(make_hit) -> None:
    final = answer("Kubernetes schedules containers [1].", [make_hit(K8S_PATH, K8S_TEXT)], dropped=["x", "y"])

    *_, messages = TutorUI(FakeTutor(final)).respond("What is Kubernetes?", [])

    assert messages[1]["content"].startswith("**[1]** Cloud Computing and MLOps › Kubernetes")
    assert "left out" not in messages[0]["content"] + messages[1]["content"]


def test_respond_turns_a_tutor_error_into_one_warning_line() -> None:
    tutor = FakeTutor(TutorError("no index yet: run 'tutor ingest' first"))

    out = list(TutorUI(tutor).respond("What is Kubernetes?", []))

    assert out == [f"{WARNING}no index yet: run 'tutor ingest' first"]
    assert "\n" not in out[0]


def test_respond_logs_an_unexpected_error_and_shows_only_the_generic_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tutor = FakeTutor("Kubernetes ", RuntimeError("secret /srv/models/key.bin exploded"))

    with caplog.at_level(logging.ERROR, logger="app.web.page"):
        out = list(TutorUI(tutor).respond("What is Kubernetes?", []))

    assert out == ["Kubernetes ", FAILED]
    assert not any("secret" in str(o) or "Traceback" in str(o) for o in out)
    [record] = [r for r in caplog.records if r.name == "app.web.page"]
    assert record.levelno == logging.ERROR
    assert "What is Kubernetes?" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert "secret /srv/models/key.bin exploded" in caplog.text  # the traceback went to the log


def test_respond_asks_for_missing_plan_details_without_the_tutor(planner: StudyPlanner, no_embedder) -> None:
    tutor = FakeTutor("never streamed")

    out = list(TutorUI(tutor, planner).respond(PLAN_REQUEST, []))

    assert len(out) == 1
    assert out[0].startswith(ASK_PREFIX)
    assert "how many hours a week" in out[0] and "how many weeks" in out[0]
    assert "your goal" not in out[0]  # "for mlops engineer" named it
    assert tutor.calls == []


def test_respond_plans_once_the_details_follow(planner: StudyPlanner, no_embedder) -> None:
    tutor = FakeTutor("never streamed")
    ui = TutorUI(tutor, planner)
    [ask] = ui.respond(PLAN_REQUEST, [])
    history = [{"role": "user", "content": PLAN_REQUEST}, {"role": "assistant", "content": ask}]

    [reply] = ui.respond(PLAN_DETAILS, history)

    lines = reply.splitlines()
    assert lines[0].startswith("Here is a 20-week plan for **mlops engineer** at up to 10 h a week")
    assert "| week | starts | hours | toward | what to cover |" in lines
    weeks = [line for line in lines if re.match(r"\| \d+ \| \d{4}-\d{2}-\d{2} \|", line)]
    assert len(weeks) == 20
    assert tutor.calls == []


def test_respond_without_a_planner_sends_plan_requests_to_the_tutor() -> None:
    tutor = FakeTutor(answer("The roadmap does not cover that.", [], refused=True))

    list(TutorUI(tutor).respond(PLAN_REQUEST, []))

    assert tutor.calls == [(PLAN_REQUEST, [])]


# --- build ------------------------------------------------------------------------------


def tab_labels(demo: Any) -> list[str]:
    import gradio as gr

    return [block.label for block in demo.blocks.values() if isinstance(block, gr.Tab)]


def example_texts(demo: Any) -> list[str]:
    import gradio as gr

    return [
        str(sample[0])
        for block in demo.blocks.values()
        if isinstance(block, gr.Dataset)
        for sample in block.samples
    ]


def test_build_has_a_study_plan_tab_with_a_planner(planner: StudyPlanner, no_embedder) -> None:
    import gradio as gr

    tutor = FakeTutor()
    demo = TutorUI(tutor, planner).build()

    assert isinstance(demo, gr.Blocks)
    assert tab_labels(demo) == ["Chat", "Study plan"]
    assert PLAN_EXAMPLE in example_texts(demo)
    assert tutor.calls == []  # building answers nothing


def test_build_has_no_study_plan_tab_without_a_planner() -> None:
    import gradio as gr

    demo = TutorUI(FakeTutor(), backend="llamacpp (<b>model</b>)").build()

    assert isinstance(demo, gr.Blocks)
    assert tab_labels(demo) == ["Chat"]
    assert PLAN_EXAMPLE not in example_texts(demo)
    footers = [
        b.value for b in demo.blocks.values() if isinstance(b, gr.Markdown) and "backend" in str(b.value)
    ]
    assert footers == ["<small>LLM backend: llamacpp \\(&lt;b&gt;model&lt;/b&gt;\\)</small>"]


@pytest.mark.parametrize("login", [False, True], ids=["profiles", "login"])
def test_build_with_learners_passes_the_request_to_every_learner_event(
    planner: StudyPlanner, coach, login: bool
) -> None:
    """The whole page as `tutor serve` builds it: every event that acts for a learner gets the request."""
    import gradio as gr

    demo = TutorUI(FakeTutor(), planner, learners=coach, login=login).build()

    assert isinstance(demo, gr.Blocks)
    assert {"Chat", "Study plan", "Progress", "Quiz", "Review"} <= set(tab_labels(demo))
    plan = next(f for f in demo.fns.values() if f.api_name == "make_plan")
    assert "request" in plan.fn.__annotations__
