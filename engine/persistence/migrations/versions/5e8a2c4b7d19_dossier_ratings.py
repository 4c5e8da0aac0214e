"""dossier ratings: the citizen's one satisfaction rating of a returned dossier and of its official

Revision ID: 5e8a2c4b7d19
Revises: c4d8e2f6a9b1
Create Date: 2026-12-02 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '5e8a2c4b7d19'
down_revision = 'c4d8e2f6a9b1'
branch_labels = None
depends_on = None

LEVELS = ('very_satisfied', 'satisfied', 'dissatisfied')


def upgrade() -> None:
    op.create_table('dossier_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('procedure_key', sa.String(length=128), nullable=False),
    sa.Column('level', sa.Enum(*LEVELS, name='satisfactionlevel', native_enum=False, length=32), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('official_level', sa.Enum(*LEVELS, name='satisfactionlevel', native_enum=False, length=32),
              nullable=True),
    sa.Column('comment', sa.String(length=1000), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['center.id'], name=op.f('fk_dossier_rating_center_id_center')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_rating_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], name=op.f('fk_dossier_rating_official_id_official')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['official.id'], name=op.f('fk_dossier_rating_taken_by_id_official')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_rating')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_dossier_rating_dossier_id'))
    )
    with op.batch_alter_table('dossier_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_rating_center_id'), ['center_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_rating_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_rating_rated_at'), ['rated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_rating_rated_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_rating_official_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_rating_center_id'))
    op.drop_table('dossier_rating')
