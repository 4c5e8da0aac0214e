"""signed documents: a dossier's electronic result as signed with its center's certificate

Revision ID: c4a9e2d7f310
Revises: c4a8e2f6b913
Create Date: 2026-12-02 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = 'c4a9e2d7f310'
down_revision = 'c4a8e2f6b913'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'signed_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('signed_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('certificate_subject', sa.String(length=512), nullable=False),
        sa.Column('certificate_serial', sa.String(length=64), nullable=False),
        sa.Column('certificate_fingerprint', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dossier_id', 'kind', name='uq_signed_document_dossier_kind'),
    )


def downgrade() -> None:
    op.drop_table('signed_document')
