"""The learner: who they are, what they know, their quizzes, spaced review, placement and "what next".

Stored in a real database (SQLAlchemy 2, Alembic migrations; SQLite under
TUTOR_HOME by default, any SQLAlchemy URL through TUTOR_DATABASE_URL). Quiz
keys come from the shipped data and answers are graded by code; the model
never writes either.
"""
