"""procedure drafts: the studio's working copy of a procedure, with the tag each save is based on

Revision ID: c4d8e2f6a9b1
Revises: 8d2e4b6f1a37
Create Date: 2026-12-02 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = 'c4d8e2f6a9b1'
down_revision = '8d2e4b6f1a37'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('procedure_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_key', sa.String(length=128), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('based_on_version', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('updated_at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['official.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('procedure_key')
    )


def downgrade() -> None:
    op.drop_table('procedure_draft')
