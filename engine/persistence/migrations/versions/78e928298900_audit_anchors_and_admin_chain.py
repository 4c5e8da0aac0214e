"""audit: signed anchors of every chain's head, and the administrative chain with its stored head

Revision ID: 78e928298900
Revises: c4a9e2d7f310
Create Date: 2026-12-02 06:29:28.401905
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '78e928298900'
down_revision = 'c4a9e2d7f310'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admin_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=255), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_event')),
    sa.UniqueConstraint('seq', name=op.f('uq_admin_event_seq'))
    )
    op.create_table('audit_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_anchor_seq'))
    )
    op.create_table('chain_head',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('last_event_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_chain_head'))
    )


def downgrade() -> None:
    op.drop_table('chain_head')
    op.drop_table('audit_anchor')
    op.drop_table('admin_event')
