"""inbox indexes carry what the inbox filters on: a queue or a holder's tasks counted from the index

The access policy lets an official see a task of their unit's queue at one of their centers, or one
they delegated; the queue's count reads both columns for every task of the queue, and a search reads
the folded text. With ``delegated_by_id`` and ``search_text`` in the queue index, and a holder's open
tasks indexed with their due time and text, PostgreSQL counts the busiest queue and the busiest
official's tasks, searched or not, with index-only scans instead of visiting each task's row
(bench.inbox).

Revision ID: a7c3e9f1b264
Revises: e2c6a4f8b153
Create Date: 2026-12-02 10:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a7c3e9f1b264'
down_revision = 'e2c6a4f8b153'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('ready', 'claimed')")
CLAIMED = sa.text("status = 'claimed'")
COLUMNS = ['department', 'candidate_role', 'status', 'due_at', 'procedure_key', 'stage', 'center_id']


def upgrade() -> None:
    _recreate([*COLUMNS, 'delegated_by_id', 'search_text'])
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_held', ['assignee_id', 'due_at', 'search_text'], unique=False,
                              postgresql_where=CLAIMED, sqlite_where=CLAIMED)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_held', postgresql_where=CLAIMED, sqlite_where=CLAIMED)
    _recreate(COLUMNS)


def _recreate(columns: list[str]) -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_queue', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_human_task_queue', columns, unique=False, postgresql_where=OPEN,
                              sqlite_where=OPEN)
