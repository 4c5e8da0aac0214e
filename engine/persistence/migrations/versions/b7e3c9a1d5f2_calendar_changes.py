"""calendar changes: who set or took back a day off or a compensating working day, when and why

Revision ID: b7e3c9a1d5f2
Revises: 8d2f4a6c1e30
Create Date: 2026-12-02 04:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = 'b7e3c9a1d5f2'
down_revision = '8d2f4a6c1e30'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('province', sa.String(length=64), nullable=True),
    sa.Column('at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['official.id'], name=op.f('fk_calendar_change_actor_id_official')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_change'))
    )
    with op.batch_alter_table('calendar_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_change_day'), ['day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calendar_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_change_day'))
    op.drop_table('calendar_change')
