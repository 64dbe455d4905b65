"""Who the learner is on the page: the login user, or a named local profile the browser remembers.

With a login (TUTOR_AUTH / TUTOR_AUTH_FILE) the learner is always the signed-in
user, read from the request on the server; nothing the page sends can change
it. Without one, the learner types a profile name (default `me`), which the
browser keeps in its local storage (`gr.BrowserState`) for the next visit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.learner.store import check_name
from app.web.markup import escape

if TYPE_CHECKING:
    import gradio as gr

DEFAULT_PROFILE = "me"
STORAGE_KEY = "skills-tutor-profile"


def takes_request(fn: Callable) -> Callable:
    """Mark `fn`'s `request` parameter for Gradio, which passes the request to one annotated `gr.Request`.

    This package imports gradio only inside functions (and postpones annotations), so
    the annotation Gradio looks up is set here, where gradio is imported. A bound method's
    annotations are its function's, so those are set.
    """
    import gradio as gr

    getattr(fn, "__func__", fn).__annotations__ = {"request": gr.Request}
    return fn


class Profiles:
    """The profile box and how a request maps to a learner."""

    def __init__(self, login: bool) -> None:
        self.login = login
        self.box: Any = None

    def who(self, profile: str | None, request: gr.Request | None) -> str:
        """The learner a request acts for; a bad profile name is the user's mistake."""
        if self.login:
            user = getattr(request, "username", None)
            if not user:
                raise TutorError("sign in first")
            return str(user)
        return check_name(profile or DEFAULT_PROFILE)

    def build(self, demo: gr.Blocks) -> Any:
        """The profile row; returns the component every learner event takes as input."""
        import gradio as gr

        if self.login:
            self.box = gr.Textbox(value="", visible=False)
            signed_in = gr.Markdown()

            def greet(request):
                user = escape(str(request.username))
                return f"Signed in as **{user}**: your quizzes and progress are yours alone."

            demo.load(takes_request(greet), None, signed_in, api_visibility="private")
            return self.box
        with gr.Row(equal_height=True):
            self.box = gr.Textbox(
                value=DEFAULT_PROFILE,
                label="Learner profile",
                info="Your progress is kept under this name on this tutor; the browser remembers it.",
                max_length=200,
                scale=3,
            )
        stored = gr.BrowserState(DEFAULT_PROFILE, storage_key=STORAGE_KEY)
        demo.load(lambda saved: saved or DEFAULT_PROFILE, stored, self.box, api_visibility="private")
        self.box.change(lambda name: name, self.box, stored, api_visibility="private")
        return self.box
