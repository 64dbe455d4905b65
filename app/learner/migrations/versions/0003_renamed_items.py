"""Answers and review cards of a self-check whose question was read wrongly move to its fixed id.

Self-check questions used to lose the underscores of code names
("traintestsplit"); read by CommonMark's rules they keep them, and an item's id,
a hash of its question, changes with the text. The ids are listed here as they
were when this ran, not imported: a migration stays what it was.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RENAMED = {"efa17e9dae8": "eba85480145"}  # "Which train_test_split argument enables stratification?"


def upgrade() -> None:
    _move(RENAMED)


def downgrade() -> None:
    _move({new: old for old, new in RENAMED.items()})


def _move(ids: dict[str, str]) -> None:
    for table in ("answers", "review_cards"):
        for old, new in ids.items():
            op.execute(
                sa.text(f"UPDATE {table} SET item_id = :new WHERE item_id = :old").bindparams(
                    old=old, new=new
                )
            )
