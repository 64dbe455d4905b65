"""Alembic's environment: migrate the connection `app.learner.db.migrate` hands over.

Never run offline and never reads alembic.ini: the database is the one the
settings name, opened by the tutor itself.
"""

from __future__ import annotations

from alembic import context

from app.learner.models import Base

connection = context.config.attributes["connection"]
# SQLite cannot ALTER most things in place; batch mode copies the table instead.
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
