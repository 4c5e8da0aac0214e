"""localities: the commune or ward of a center, and the locality a dossier is handled in

Revision ID: 8d2e4b6f1a37
Revises: b7e3c9a1d5f2
Create Date: 2026-12-02 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '8d2e4b6f1a37'
down_revision = 'b7e3c9a1d5f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('center', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locality', sa.String(length=128), nullable=True))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locality', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('locality')
    with op.batch_alter_table('center', schema=None) as batch_op:
        batch_op.drop_column('locality')
