"""inbox queue by stage: a unit's queue filtered by stage is walked in due order from an index

The queue index leads with the unit, role and status, then the due time; a stage filter is checked
further along it. PostgreSQL estimates such a filter from statistics that sample the whole task
table, in which open tasks are a fraction of a percent: at 10 million dossiers it expects one task
where the busiest queue holds thousands, so it reads every task of the queue from the table, checks
its center, and sorts them all for one page (15 ms, bench.inbox). With the stage before the due
time, and the task id after it (the page's full order), the index gives the page's tasks in order
and the scan stops at the page's end whatever the estimate (1 ms).

Revision ID: c7d2e9a4f618
Revises: b8f2d4a6c317
Create Date: 2026-12-04 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c7d2e9a4f618'
down_revision = 'b8f2d4a6c317'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('ready', 'claimed')")
COLUMNS = ['department', 'candidate_role', 'status', 'stage', 'due_at', 'id', 'center_id', 'delegated_by_id']


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_queue_stage', COLUMNS, unique=False, postgresql_where=OPEN,
                              sqlite_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_queue_stage', postgresql_where=OPEN, sqlite_where=OPEN)
