"""sign-in lockout counters and the dossier lookup secret

Revision ID: 3c1f0a7d9b21
Revises: 3c9d51e7a2b4
Create Date: 2026-12-01 23:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db
from engine.persistence.models import new_lookup_secret

revision = '3c1f0a7d9b21'
down_revision = '3c9d51e7a2b4'
branch_labels = None
depends_on = None

BATCH = 1000


def _give_secrets_to_existing_dossiers() -> None:
    # Receipts printed before this change carry no secret; their dossiers get one now, which
    # reception can reprint on the receipt.
    connection = op.get_bind()
    dossier = sa.table('dossier', sa.column('id', sa.Integer), sa.column('lookup_secret', sa.String))
    while True:
        ids = connection.execute(
            sa.select(dossier.c.id).where(dossier.c.lookup_secret.is_(None)).limit(BATCH)).scalars().all()
        if not ids:
            return
        connection.execute(
            dossier.update().where(dossier.c.id == sa.bindparam('row_id')).values(lookup_secret=sa.bindparam('secret')),
            [{'row_id': row_id, 'secret': new_lookup_secret()} for row_id in ids])


def upgrade() -> None:
    with op.batch_alter_table('official', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', engine.db.UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lookup_secret', sa.String(length=16), nullable=True))
    _give_secrets_to_existing_dossiers()
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.alter_column('lookup_secret', existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('lookup_secret')
    with op.batch_alter_table('official', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
