"""steps from officials' figures: everyone's daily step figures are each official's added up

Each completion wrote the same counts twice, to the steps' daily figures and to its official's;
since the officials' rows carry the working-hours histogram too (e2c6a4f8b153), the steps' table is
dropped and its figures read as the sum of the officials'. A downgrade gives the table back empty:
`motcua statistics rebuild` of that version fills it again.

Revision ID: a9d4e6b2c813
Revises: f3b7d1c9a5e2
Create Date: 2026-12-02 11:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a9d4e6b2c813'
down_revision = 'f3b7d1c9a5e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('stat_step_day')


def downgrade() -> None:
    counts = ('completed', 'early', 'on_time', 'late', 'allotted_steps', *(f"h{i:02d}" for i in range(12)))
    op.create_table(
        'stat_step_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('center_id', sa.Integer(), nullable=False),
        sa.Column('procedure_key', sa.String(length=128), nullable=False),
        sa.Column('unit', sa.String(length=128), nullable=False),
        sa.Column('element_id', sa.String(length=128), nullable=False),
        sa.Column('worked_seconds', sa.BigInteger(), nullable=False),
        sa.Column('allotted_seconds', sa.BigInteger(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in counts],
        sa.PrimaryKeyConstraint('day', 'center_id', 'procedure_key', 'unit', 'element_id'),
    )
