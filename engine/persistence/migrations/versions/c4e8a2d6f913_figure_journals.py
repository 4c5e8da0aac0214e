"""figure journals: commands append their counts, the scheduler folds them into the daily figures

A completion added its counts to the day's rows (an upsert, inside the dossier's UPDATE on
PostgreSQL); it now appends them to a journal with a plain INSERT, and the scheduler folds the
journal into the daily rows. Readers add the journal's rows to the daily ones, so the figures stay
exact between folds.

Revision ID: c4e8a2d6f913
Revises: a9d4e6b2c813
Create Date: 2026-12-02 13:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c4e8a2d6f913'
down_revision = 'a9d4e6b2c813'
branch_labels = None
depends_on = None

_DOSSIER_KEY = (('day', sa.Date()), ('center_id', sa.Integer()), ('procedure_key', sa.String(length=128)),
                ('unit', sa.String(length=128)))
_DOSSIER_COUNTS = ('received', 'received_online', 'finished', 'early', 'on_time', 'late', 'refused', 'stopped',
                   'supplemented', 'decided')
_OFFICIAL_KEY = (('day', sa.Date()), ('official_id', sa.Integer()), ('center_id', sa.Integer()),
                 ('procedure_key', sa.String(length=128)), ('unit', sa.String(length=128)),
                 ('element_id', sa.String(length=128)))
_STEP_COUNTS = ('completed', 'early', 'on_time', 'late', 'allotted_steps', *(f"h{i:02d}" for i in range(12)))


def upgrade() -> None:
    op.create_table(
        'stat_dossier_day_journal',
        *[sa.Column(name, type_, nullable=False) for name, type_ in _DOSSIER_KEY],
        *[sa.Column(name, sa.Integer(), nullable=False) for name in _DOSSIER_COUNTS],
        sa.Column('used_seconds', sa.BigInteger(), nullable=False),
        sa.Column('allowed_seconds', sa.BigInteger(), nullable=False),
    )
    op.create_table(
        'stat_official_day_journal',
        *[sa.Column(name, type_, nullable=False) for name, type_ in _OFFICIAL_KEY],
        *[sa.Column(name, sa.Integer(), nullable=False) for name in _STEP_COUNTS],
        sa.Column('worked_seconds', sa.BigInteger(), nullable=False),
        sa.Column('allotted_seconds', sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    # Whatever the journals still hold is added to the daily figures before they go.
    for figures, key, counts in (('stat_dossier_day', _DOSSIER_KEY, (*_DOSSIER_COUNTS, 'used_seconds',
                                                                      'allowed_seconds')),
                                 ('stat_official_day', _OFFICIAL_KEY, (*_STEP_COUNTS, 'worked_seconds',
                                                                        'allotted_seconds'))):
        keys = ", ".join(name for name, _ in key)
        sums = ", ".join(f"sum({name})" for name in counts)
        adds = ", ".join(f"{name} = {figures}.{name} + excluded.{name}" for name in counts)
        op.execute(f"INSERT INTO {figures} ({keys}, {', '.join(counts)}) SELECT {keys}, {sums} "
                   f"FROM {figures}_journal WHERE true GROUP BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {adds}")
        op.drop_table(f'{figures}_journal')
