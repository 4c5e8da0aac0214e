"""applicant phone: each dossier's applicant phone as digits, indexed, for the hotline's search

The hotline finds a caller's dossiers by phone number; reading it out of every applicant's JSON
meant reading every dossier of the center. Existing dossiers get theirs from the JSON here.

Revision ID: f3b7d1c9a5e2
Revises: a7c3e9f1b264
Create Date: 2026-12-02 11:10:00.000000
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from engine.org.text import phone_number

revision = 'f3b7d1c9a5e2'
down_revision = 'a7c3e9f1b264'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('dossier') as batch_op:
        batch_op.add_column(sa.Column('applicant_phone', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_dossier_applicant_phone', ['applicant_phone'], unique=False)
    _fill_phones(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('dossier') as batch_op:
        batch_op.drop_index('ix_dossier_applicant_phone')
        batch_op.drop_column('applicant_phone')


def _fill_phones(connection: sa.Connection) -> None:
    last = 0
    while True:
        rows = connection.execute(sa.text("SELECT id, applicant FROM dossier WHERE id > :last ORDER BY id LIMIT :batch"),
                                  {"last": last, "batch": BATCH}).all()
        if not rows:
            return
        phones = [{"id": row.id, "phone": phone} for row in rows if (phone := _phone_of(row.applicant))]
        if phones:
            connection.execute(sa.text("UPDATE dossier SET applicant_phone = :phone WHERE id = :id"), phones)
        last = rows[-1].id


def _phone_of(applicant: Any) -> str | None:
    if isinstance(applicant, str):  # SQLite hands JSON back as text
        applicant = json.loads(applicant)
    return phone_number(str(applicant.get("phone") or "")) if isinstance(applicant, dict) else None
