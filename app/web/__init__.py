"""The Gradio page: markup escaping, the chat and its tabs, login, and `serve`."""
