"""Fixture plugins, registered by tests/conftest.py: models, index, CLI, live server."""
