"""official step histogram: an official's daily step figures keep the working-hours histogram too

So the p90 of a step is known for one official's steps as for everyone's. Rows written before have
an empty histogram; engine.statistics.steps gives no p90 where the histogram does not cover every
step counted.

Revision ID: e2c6a4f8b153
Revises: d5b1f3a7c920
Create Date: 2026-12-02 10:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'e2c6a4f8b153'
down_revision = 'd5b1f3a7c920'
branch_labels = None
depends_on = None

COLUMNS = tuple(f"h{i:02d}" for i in range(12))  # engine.persistence.models.STEP_HISTOGRAM_COLUMNS


def upgrade() -> None:
    with op.batch_alter_table('stat_official_day') as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text('0')))


def downgrade() -> None:
    with op.batch_alter_table('stat_official_day') as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
