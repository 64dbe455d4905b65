"""The "Quiz" tab: questions one at a time, graded by code, the key shown only after answering.

`ItemFlow` is the question-answer-next loop; the Review tab reuses it for due
items. What the browser receives before an answer is the question (and, for
a multiple-choice variant, its choices): the flow's state, which names the
items, stays on the server (`gr.State`). After grading, the key is shown and
the learner may override the grade. Placement runs the same loop, one
adaptive question at a time, and ends with the units it proposes as known.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.learner.placement import Placed
from app.web.markup import WARNING, escape
from app.web.profile import Profiles, takes_request

if TYPE_CHECKING:
    from app.learner.coach import Coach

log = logging.getLogger(__name__)

FAILED = WARNING + "something went wrong; details are in the server log"
START = "Pick a topic (or leave it empty for what is next for you) and start a quiz."
REVIEW_START = "Press *Review what is due now* to answer the questions that are due, one by one."
MAX_QUESTIONS = 20


def _fresh(mode: str, items: list[str], choices: bool = False) -> dict:
    return {
        "mode": mode,
        "items": items,
        "at": 0,
        "choices": choices,
        "placed": [],
        "answer_id": None,
        "right": 0,
    }


class ItemFlow:
    """One question at a time over a list of items (quiz, review) or adaptively (placement)."""

    def __init__(self, coach: Coach, profiles: Profiles) -> None:
        self.coach = coach
        self.profiles = profiles

    # --- what each step shows ------------------------------------------------------

    def show(self, state: dict, note: str = "") -> tuple:
        """The outputs for the current question: state, question, answer box, choices, result, buttons."""
        import gradio as gr

        item = self.coach.item(state["items"][state["at"]])
        total = "" if state["mode"] == "placement" else f" of {len(state['items'])}"
        node = self.coach.tree[item.topic_id]
        # "Core Concepts" names eight units: say whose.
        title = f"{self.coach.tree[node.parent].title} › {node.title}" if node.parent else node.title
        question = f"{note}**Question {state['at'] + 1}{total}** · {escape(title)}\n\n{escape(item.question)}"
        choices = self.coach.choices(item) if state["choices"] else []
        return (
            state,
            question,
            gr.update(value="", visible=not choices, interactive=True),
            gr.update(choices=choices, value=None, visible=bool(choices), interactive=True),
            "",
            gr.update(visible=True),  # submit
            gr.update(visible=False),  # override row
            gr.update(visible=False),  # next
            gr.update(visible=False),  # confirm placement
        )

    def idle(self, state: dict | None, message: str) -> tuple:
        import gradio as gr

        hidden = gr.update(visible=False)
        return (state, message, hidden, hidden, "", hidden, hidden, hidden, hidden)

    # --- events --------------------------------------------------------------------

    def start(self, profile: str, topic: str, n: float, choices: bool, request: Any = None) -> tuple:
        try:
            learner = self.profiles.who(profile, request)
            items = self.coach.quiz(learner, (topic or "").strip() or None, int(n or 5))
            if not items:
                return self.idle(None, "Nothing to quiz you on there yet.")
            return self.show(_fresh("quiz", [i.id for i in items], bool(choices)))
        except TutorError as exc:
            return self.idle(None, f"{WARNING}{escape(str(exc))}")
        except Exception:
            log.exception("starting a quiz failed")
            return self.idle(None, FAILED)

    def review(self, profile: str, request: Any = None) -> tuple:
        try:
            due = self.coach.due_items(self.profiles.who(profile, request))
            if not due:
                return self.idle(None, "Nothing is due for review now.")
            return self.show(_fresh("review", [d.item.id for d in due]))
        except TutorError as exc:
            return self.idle(None, f"{WARNING}{escape(str(exc))}")

    def placement(self, profile: str, request: Any = None) -> tuple:
        try:
            learner = self.profiles.who(profile, request)
            unit = self.coach.placement(learner).next_unit([])
            if unit is None:
                return self.idle(None, "There is nothing to place you in.")
            note = "Placement: up to 15 questions, about one per unit; a miss skips what builds on it.\n\n"
            return self.show(_fresh("placement", [self.coach.placement_item(unit).id]), note)
        except TutorError as exc:
            return self.idle(None, f"{WARNING}{escape(str(exc))}")

    def submit(self, profile: str, state: dict | None, text: str, choice: str | None, request: Any = None):
        import gradio as gr

        if not state:
            return self.idle(None, START)
        item_id = state["items"][state["at"]]
        try:
            learner = self.profiles.who(profile, request)
            given = choice if state["choices"] else text
            result = self.coach.answer(
                learner, item_id, given or "", choice=state["choices"], kind=state["mode"]
            )
        except TutorError as exc:
            return (
                state,
                gr.update(),
                gr.update(),
                gr.update(),
                f"{WARNING}{escape(str(exc))}",
                *(gr.update(),) * 4,
            )
        state = {**state, "answer_id": result.answer_id, "right": state["right"] + result.correct}
        if state["mode"] == "placement":
            unit = self.coach.bank.by_id[item_id].unit_id
            state["placed"] = [*state["placed"], [unit, result.correct]]
        verdict = "**Right.**" if result.correct else "**Not quite.**"
        shown = (
            f"{verdict} The key: {escape(result.key)}\n\n"
            f"Next review: {result.next_due.date().isoformat()}"
            + (" · this topic is now done." if result.done else "")
        )
        return (
            state,
            gr.update(),
            gr.update(interactive=False),
            gr.update(interactive=False),
            shown,
            gr.update(visible=False),
            gr.update(visible=True),
            gr.update(visible=True),
            gr.update(visible=False),
        )

    def override(self, profile: str, state: dict | None, correct: bool, request: Any = None) -> str:
        if not state or state.get("answer_id") is None:
            return "Answer a question first."
        try:
            result = self.coach.override(self.profiles.who(profile, request), state["answer_id"], correct)
        except TutorError as exc:
            return f"{WARNING}{escape(str(exc))}"
        mark = "right" if correct else "wrong"
        return (
            f"Marked as {mark} by you. The key: {escape(result.key)}\n\n"
            f"Next review: {result.next_due.date().isoformat()}"
        )

    def next(self, profile: str, state: dict | None, request: Any = None) -> tuple:
        import gradio as gr

        if not state:
            return self.idle(None, START)
        if state["mode"] == "placement":
            learner = self.profiles.who(profile, request)
            placement = self.coach.placement(learner)
            placed = [Placed(u, c) for u, c in state["placed"]]
            unit = placement.next_unit(placed)
            if unit is not None:
                state = {**state, "items": [*state["items"], self.coach.placement_item(unit).id]}
                return self.show({**state, "at": state["at"] + 1})
            known = placement.known(placed)
            titles = ", ".join(escape(self.coach.tree.label(u)) for u in known) or "none yet"
            message = (
                f"Placement done: {len(placed)} questions. "
                f"Proposed as known ({len(known)} units): {titles}.\n\n"
                "Confirm to mark them done; the planner and *what next* then treat them as known."
            )
            outputs = list(self.idle({**state, "known": known}, message))
            outputs[8] = gr.update(visible=bool(known))
            return tuple(outputs)
        if state["at"] + 1 < len(state["items"]):
            return self.show({**state, "at": state["at"] + 1})
        done = (
            f"Done: {state['right']} of {len(state['items'])} right. The Progress tab shows where you stand."
        )
        return self.idle(None, done)

    def confirm(self, profile: str, state: dict | None, request: Any = None) -> tuple:
        if not state or not state.get("known"):
            return self.idle(None, "Nothing to confirm.")
        learner = self.profiles.who(profile, request)
        self.coach.confirm_placement(learner, state["known"])
        return self.idle(None, f"Marked {len(state['known'])} units as known. See the Progress tab.")

    # --- the components ------------------------------------------------------------

    def build(self, profile: Any, prefix: str) -> dict[str, Any]:
        """The question area and its events; returns the components by name."""
        import gradio as gr

        state = gr.State(None)
        question = gr.Markdown(REVIEW_START if prefix == "review" else START)
        text = gr.Textbox(label="Your answer", visible=False, max_length=2000, lines=2)
        choice = gr.Radio(label="Your choice", choices=[], value=None, visible=False)
        submit = gr.Button("Check my answer", variant="primary", visible=False)
        result = gr.Markdown()
        with gr.Row(visible=False) as override_row:
            mark_right = gr.Button("I was right", size="sm")
            mark_wrong = gr.Button("I was wrong", size="sm")
        following = gr.Button("Next question", visible=False)
        confirm = gr.Button("Confirm: mark these units known", variant="primary", visible=False)
        outputs = [state, question, text, choice, result, submit, override_row, following, confirm]
        answer = takes_request(
            lambda profile, state, text, choice, request: self.submit(profile, state, text, choice, request)
        )
        submit.click(answer, [profile, state, text, choice], outputs, api_name=f"{prefix}_answer")
        text.submit(answer, [profile, state, text, choice], outputs, api_visibility="private")
        mark_right.click(
            takes_request(lambda profile, state, request: self.override(profile, state, True, request)),
            [profile, state],
            result,
            api_name=f"{prefix}_mark_right",
        )
        mark_wrong.click(
            takes_request(lambda profile, state, request: self.override(profile, state, False, request)),
            [profile, state],
            result,
            api_name=f"{prefix}_mark_wrong",
        )
        following.click(
            takes_request(lambda profile, state, request: self.next(profile, state, request)),
            [profile, state],
            outputs,
            api_name=f"{prefix}_next",
        )
        confirm.click(
            takes_request(lambda profile, state, request: self.confirm(profile, state, request)),
            [profile, state],
            outputs,
            api_name=f"{prefix}_confirm",
        )
        return {"outputs": outputs, "state": state}


class QuizTab:
    """A quiz on a topic (or on what is next), and the placement quiz."""

    def __init__(self, coach: Coach, profiles: Profiles) -> None:
        self.flow = ItemFlow(coach, profiles)

    def build(self, profile: Any) -> None:
        import gradio as gr

        with gr.Row(equal_height=True):
            topic = gr.Textbox(label="Topic", placeholder="e.g. transformers, SQL, Kubernetes", scale=3)
            count = gr.Slider(1, MAX_QUESTIONS, value=5, step=1, label="Questions", scale=2)
            choices = gr.Checkbox(label="Multiple choice", value=False, scale=1)
        with gr.Row():
            start = gr.Button("Start quiz", variant="primary")
            placement = gr.Button("Placement: what do I already know?")
        parts = self.flow.build(profile, "quiz")
        start.click(
            takes_request(
                lambda profile, topic, questions, choices, request: self.flow.start(
                    profile, topic, questions, choices, request
                )
            ),
            [profile, topic, count, choices],
            parts["outputs"],
            api_name="quiz_start",
        )
        placement.click(
            takes_request(lambda profile, request: self.flow.placement(profile, request)),
            [profile],
            parts["outputs"],
            api_name="placement_start",
        )
