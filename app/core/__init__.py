"""What every stage shares: settings, user-facing errors, prompt templates, package data, redaction.

Imports nothing else from `app`.
"""
