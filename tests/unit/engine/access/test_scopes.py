"""What a caller's hierarchy scopes reach: the database walks the center and unit trees from the
official's own node, so the answer is that branch and nothing beside or above it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.access.scopes import Caller
from engine.persistence.models import Center, Official, Unit


def _tree(session, model, rows: list[tuple[str, str | None]], extra) -> dict[str, int]:
    """Rows (code, parent code) added parents first; returns code -> id."""
    ids: dict[str, int] = {}
    for code, parent in rows:
        row = model(code=code, name=code, parent_id=ids[parent] if parent else None, **extra(code))
        session.add(row)
        session.flush()
        ids[code] = row.id
    return ids


def _caller(session, center_id: int | None, unit_id: int | None) -> Caller:
    official = Official(username=f"o{center_id}_{unit_id}", full_name="o", password_hash="-", roles=["unit_leader"],
                        center_id=center_id, unit_id=unit_id, created_at=datetime(2026, 11, 27, tzinfo=UTC))
    session.add(official)
    session.flush()
    return Caller(session, official, date(2026, 11, 27))


def test_centers_and_led_units_are_the_officials_branch(session_factory):
    with session_factory.begin() as session:
        centers = _tree(session, Center, [("tinh", None), ("a", "tinh"), ("b", "tinh"), ("a1", "a")],
                        lambda code: {"agency_identifier": f"000.00.{code}.H98"})
        units = _tree(session, Unit, [("so", None), ("phong", "so"), ("to", "phong"), ("so_khac", None),
                                      ("phong_khac", "so_khac")],
                      lambda code: {"kind": "department"})

        provincial = _caller(session, centers["tinh"], units["so"])
        assert provincial.centers == {centers[c] for c in ("tinh", "a", "b", "a1")}
        assert provincial.led_units == ["phong", "so", "to"]

        local = _caller(session, centers["a"], units["phong"])
        assert local.centers == {centers["a"], centers["a1"]}
        assert local.led_units == ["phong", "to"]

        leaf = _caller(session, centers["a1"], units["to"])
        assert (leaf.centers, leaf.led_units) == ({centers["a1"]}, ["to"])

        nowhere = _caller(session, None, None)
        assert (nowhere.centers, nowhere.led_units) == (frozenset(), [])


def test_a_cycle_in_the_tree_ends_the_walk(session_factory):
    # The org import refuses cycles; a walk over one written some other way still ends.
    with session_factory.begin() as session:
        units = _tree(session, Unit, [("x", None), ("y", "x")], lambda code: {"kind": "department"})
        session.get(Unit, units["x"]).parent_id = units["y"]
        session.flush()
        assert _caller(session, None, units["x"]).led_units == ["x", "y"]
