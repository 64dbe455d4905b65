"""Graded answers and one FSRS review card per learner and item.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item_id", sa.String(40), nullable=False),
        sa.Column("topic_id", sa.String(300), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_answers_learner_item", "answers", ["learner_id", "item_id"])
    op.create_table(
        "review_cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item_id", sa.String(40), nullable=False),
        sa.Column("topic_id", sa.String(300), nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("learner_id", "item_id", name="uq_review_cards_learner_item"),
    )
    op.create_index("ix_review_cards_learner_due", "review_cards", ["learner_id", "due"])


def downgrade() -> None:
    op.drop_index("ix_review_cards_learner_due", "review_cards")
    op.drop_table("review_cards")
    op.drop_index("ix_answers_learner_item", "answers")
    op.drop_table("answers")
