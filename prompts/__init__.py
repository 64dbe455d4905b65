"""Prompt templates, loaded by name by `app.core.prompts` (package data)."""
