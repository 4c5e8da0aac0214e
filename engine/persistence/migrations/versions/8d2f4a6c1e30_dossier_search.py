"""dossier search: folded code and applicant name, and an index for newest-received-first pages

Revision ID: 8d2f4a6c1e30
Revises: 75aa996e120c
Create Date: 2026-12-02 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.org.text import fold

revision = '8d2f4a6c1e30'
down_revision = '75aa996e120c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=512), nullable=True))
        batch_op.create_index('ix_dossier_received', ['received_at', 'id'], unique=False)
    # Folding is Python's (Vietnamese diacritics, đ → d), so existing dossiers are filled here.
    dossier = sa.table('dossier', sa.column('id', sa.Integer), sa.column('code', sa.String),
                       sa.column('applicant_name', sa.String), sa.column('search_text', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(dossier.c.id, dossier.c.code, dossier.c.applicant_name)).all()
    for row in rows:
        connection.execute(dossier.update().where(dossier.c.id == row.id)
                           .values(search_text=fold(f"{row.code} {row.applicant_name}")))


def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_received')
        batch_op.drop_column('search_text')
