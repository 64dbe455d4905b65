"""The states a roadmap topic can be in for a learner (light: the CLI's parser needs them at once)."""

STATES = ("not_started", "learning", "done", "skipped")
SOURCES = ("learner", "quiz", "placement", "import")  # who set a state
