"""The learner store's Alembic environment, shipped as package data and run on start (`app.learner.db`)."""
