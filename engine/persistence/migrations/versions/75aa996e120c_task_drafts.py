"""task drafts: a half-filled form its holder saved, on the task

Revision ID: 75aa996e120c
Revises: 654122991890
Create Date: 2026-12-02 03:05:37.997646
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '75aa996e120c'
down_revision = '654122991890'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('human_task', sa.Column('draft', sa.JSON(none_as_null=True), nullable=True))
    op.add_column('human_task', sa.Column('draft_saved_at', engine.db.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('draft_saved_at')
        batch_op.drop_column('draft')
