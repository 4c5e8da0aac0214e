"""statistics: daily figures of dossiers and steps, and the indexes the dashboards read by

Revision ID: c4a8e2f6b913
Revises: 5e8a2c4b7d19
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c4a8e2f6b913'
down_revision = '5e8a2c4b7d19'
branch_labels = None
depends_on = None

NOTABLE = "event_type IN ('task_reassigned', 'dossier_stopped', 'dossier_withdrawn', 'deadline_extended')"


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def _step_counts() -> list[sa.Column]:
    return [*[_count(name) for name in ('completed', 'early', 'on_time', 'late')],
            sa.Column('worked_seconds', sa.BigInteger(), nullable=False),
            sa.Column('allotted_seconds', sa.BigInteger(), nullable=False), _count('allotted_steps')]


def upgrade() -> None:
    op.create_table(
        'stat_dossier_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('center_id', sa.Integer(), nullable=False),
        sa.Column('procedure_key', sa.String(length=128), nullable=False),
        sa.Column('unit', sa.String(length=128), nullable=False),
        *[_count(name) for name in ('received', 'received_online', 'finished', 'early', 'on_time', 'late', 'refused', 'stopped',
                                    'supplemented', 'decided')],
        sa.Column('used_seconds', sa.BigInteger(), nullable=False),
        sa.Column('allowed_seconds', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'center_id', 'procedure_key', 'unit'),
    )
    op.create_table(
        'stat_step_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('center_id', sa.Integer(), nullable=False),
        sa.Column('procedure_key', sa.String(length=128), nullable=False),
        sa.Column('unit', sa.String(length=128), nullable=False),
        sa.Column('element_id', sa.String(length=128), nullable=False),
        *_step_counts(),
        *[_count(f"h{i:02d}") for i in range(12)],
        sa.PrimaryKeyConstraint('day', 'center_id', 'procedure_key', 'unit', 'element_id'),
    )
    op.create_table(
        'stat_official_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('official_id', sa.Integer(), nullable=False),
        sa.Column('center_id', sa.Integer(), nullable=False),
        sa.Column('procedure_key', sa.String(length=128), nullable=False),
        sa.Column('unit', sa.String(length=128), nullable=False),
        sa.Column('element_id', sa.String(length=128), nullable=False),
        *_step_counts(),
        sa.PrimaryKeyConstraint('day', 'official_id', 'center_id', 'procedure_key', 'unit', 'element_id'),
    )
    op.add_column('dossier', sa.Column('reached_units', sa.JSON(), nullable=True))
    op.create_index('ix_dossier_completed', 'dossier', ['completed_at'])
    op.create_index('ix_dossier_open_due', 'dossier', ['center_id', 'due_at'],
                    postgresql_where=sa.text('completed_at IS NULL'), sqlite_where=sa.text('completed_at IS NULL'))
    op.create_index('ix_history_event_notable', 'history_event', ['event_type', 'at'],
                    postgresql_where=sa.text(NOTABLE), sqlite_where=sa.text(NOTABLE))


def downgrade() -> None:
    op.drop_index('ix_history_event_notable', table_name='history_event')
    op.drop_index('ix_dossier_open_due', table_name='dossier')
    op.drop_index('ix_dossier_completed', table_name='dossier')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('reached_units')
    op.drop_table('stat_official_day')
    op.drop_table('stat_step_day')
    op.drop_table('stat_dossier_day')
