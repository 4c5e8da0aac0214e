"""reached units: every dossier's list filled in, and on PostgreSQL an index of the open ones by unit

A unit leader's in-progress count asks which open dossiers reached their unit. The daily figures
keep ``dossier.reached_units`` since the statistics migration; dossiers older than it get theirs
here, from their steps' units and every unit above them (a department that is no unit stands for
itself, as in engine.statistics.units). PostgreSQL then answers the question from a GIN index of
open dossiers instead of reading their task rows.

Revision ID: d5b1f3a7c920
Revises: 78e928298900
Create Date: 2026-12-02 10:30:00.000000
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = 'd5b1f3a7c920'
down_revision = '78e928298900'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    connection = op.get_bind()
    _fill_reached_units(connection)
    if connection.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_dossier_open_reached ON dossier USING gin "
                   "((CAST(reached_units AS JSONB)) jsonb_path_ops) WHERE completed_at IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_dossier_open_reached")


def _fill_reached_units(connection: sa.Connection) -> None:
    above = _units_above(connection)
    last = 0
    while True:
        ids = connection.execute(sa.text(
            "SELECT id FROM dossier WHERE (reached_units IS NULL OR CAST(reached_units AS TEXT) = 'null') "
            "AND id > :last ORDER BY id LIMIT :batch"),
            {"last": last, "batch": BATCH}).scalars().all()
        if not ids:
            return
        reached: dict[int, set[str]] = defaultdict(set)
        for dossier_id, department in connection.execute(sa.text(
                "SELECT DISTINCT dossier_id, department FROM human_task "
                "WHERE dossier_id >= :first AND dossier_id <= :last AND department IS NOT NULL"),
                {"first": ids[0], "last": ids[-1]}):
            reached[dossier_id].update(above.get(department, (department,)))
        rows = [{"id": dossier_id, "units": json.dumps(sorted(reached[dossier_id]))}
                for dossier_id in ids if reached.get(dossier_id)]
        if rows:
            connection.execute(sa.text("UPDATE dossier SET reached_units = :units WHERE id = :id"), rows)
        last = ids[-1]


def _units_above(connection: sa.Connection) -> dict[str, tuple[str, ...]]:
    """Unit code -> that unit and every unit above it. The walk of engine.statistics.units, written
    out again: a migration must keep doing what it did when the code beside it changes."""
    rows = connection.execute(sa.text("SELECT id, parent_id, code FROM unit")).all()
    parent = {row.id: row.parent_id for row in rows}
    code = {row.id: row.code for row in rows}
    chains: dict[str, tuple[str, ...]] = {}
    for unit_id, unit_code in code.items():
        chain, seen, current = [], set(), unit_id
        while current is not None and current not in seen:
            seen.add(current)
            chain.append(code[current])
            current = parent.get(current)
        chains[unit_code] = tuple(chain)
    return chains
