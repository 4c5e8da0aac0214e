"""receiving desk reached: a dossier reaches the unit of the official who received it, at reception

A unit's figures counted a dossier received when one of its steps became ready, so the desk that
received a dossier counted it only when the result came back to it for return, weeks later. The
commands now count the receiving official's unit (and every unit above it) at reception; this adds
that unit to the reached units of the dossiers already received. The daily figures of the days
before the upgrade keep the old count until ``motcua statistics rebuild`` recounts them.

Revision ID: b8f2d4a6c317
Revises: c4e8a2d6f913
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = 'b8f2d4a6c317'
down_revision = 'c4e8a2d6f913'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    add_receiving_desks(op.get_bind())


def downgrade() -> None:
    """Nothing to undo: a desk a dossier reached stays a unit it reached (only the day counted moves)."""


def add_receiving_desks(connection: sa.Connection) -> None:
    above = _units_above(connection)
    last = 0
    while True:
        rows = connection.execute(sa.text(
            "SELECT dossier.id, dossier.reached_units, unit.code FROM dossier "
            "JOIN official ON official.id = dossier.created_by_id JOIN unit ON unit.id = official.unit_id "
            "WHERE dossier.id > :last ORDER BY dossier.id LIMIT :batch"),
            {"last": last, "batch": BATCH}).all()
        if not rows:
            return
        changed = []
        for dossier_id, stored, desk in rows:
            earlier = set((json.loads(stored) if isinstance(stored, str) else stored) or ())
            units = earlier | set(above.get(desk, (desk,)))
            if units != earlier:
                changed.append({"id": dossier_id, "units": json.dumps(sorted(units))})
        if changed:
            connection.execute(sa.text("UPDATE dossier SET reached_units = :units WHERE id = :id"), changed)
        last = rows[-1][0]


def _units_above(connection: sa.Connection) -> dict[str, tuple[str, ...]]:
    """Unit code -> that unit and every unit above it (the walk of engine.statistics.units, written
    out again: a migration must keep doing what it did when the code beside it changes)."""
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
