"""The "Review" tab: what FSRS says is due, and a review session over it (the Quiz tab's loop)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.learner.store import now
from app.web.markup import WARNING, escape
from app.web.profile import Profiles, takes_request
from app.web.quiz_tab import ItemFlow

if TYPE_CHECKING:
    import pandas as pd

    from app.learner.coach import Coach

WEEK = 7
HEADERS = ["due", "topic", "question"]


class ReviewTab:
    def __init__(self, coach: Coach, profiles: Profiles) -> None:
        self.coach = coach
        self.profiles = profiles
        self.flow = ItemFlow(coach, profiles)

    def due(self, profile: str, request: Any = None) -> tuple[str, pd.DataFrame]:
        """How many items are due now and this week, and the week's list (questions only)."""
        import pandas as pd

        try:
            learner = self.profiles.who(profile, request)
            week = self.coach.due_items(learner, now() + timedelta(days=WEEK))
        except TutorError as exc:
            return f"{WARNING}{escape(str(exc))}", pd.DataFrame(columns=HEADERS)
        moment = now()
        due_now = sum(d.due <= moment for d in week)
        summary = (
            f"**{due_now} due now**, {len(week)} in the next {WEEK} days. "
            "Each question you answer is a card: FSRS schedules it again, sooner when you missed it."
        )
        if not week:
            summary = (
                "Nothing is due in the next week. Answer quiz questions and they come back here to review."
            )
        rows = [
            [
                d.due.astimezone().strftime("%Y-%m-%d %H:%M %Z"),  # the server's zone, named
                self.coach.tree[d.item.topic_id].title,
                d.item.question,
            ]
            for d in week
        ]
        return summary, pd.DataFrame(rows, columns=HEADERS)

    def build(self, profile: Any) -> list:
        import gradio as gr

        summary = gr.Markdown()
        table = gr.Dataframe(headers=HEADERS, interactive=False, wrap=True, max_height=260)
        with gr.Row():
            start = gr.Button("Review what is due now", variant="primary")
            refresh = gr.Button("Refresh")
        parts = self.flow.build(profile, "review")
        start.click(
            takes_request(lambda profile, request: self.flow.review(profile, request)),
            [profile],
            parts["outputs"],
            api_name="review_start",
        )
        show = takes_request(lambda profile, request: self.due(profile, request))
        refresh.click(show, [profile], [summary, table], api_name="review_due")
        return [show, [profile], [summary, table]]
