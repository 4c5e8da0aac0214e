"""The demo organisation as planned: the same on every run, shaped like the province, every
README login seated where the walk-through expects it, leave covered by a colleague."""

from __future__ import annotations

import dataclasses

from demo import province
from demo.org_plan import DEMO_USERNAMES, plan_org


def _snapshot() -> tuple[list[object], ...]:
    plan = plan_org()
    return ([dataclasses.astuple(c) for c in plan.centers], [dataclasses.astuple(u) for u in plan.units],
            [dataclasses.astuple(o) for o in plan.officials], [dataclasses.astuple(v) for v in plan.leave])


def test_the_plan_is_the_same_on_every_run() -> None:
    assert _snapshot() == _snapshot()


def test_the_plan_has_the_provinces_shape() -> None:
    plan = plan_org()
    assert [c.code for c in plan.centers] == [province.PROVINCIAL_CENTER[0]] + [c for c, *_ in province.LOCAL_CENTERS]
    assert [c.kind for c in plan.centers].count("provincial") == 1
    kinds = [u.kind for u in plan.units]
    assert (len(plan.units), kinds.count("commune"), kinds.count("department")) == (182, 14, 26)
    assert len(plan.officials) == 436
    # Each local center is the one-stop desk of one of the localities it serves.
    communes = {u.code for u in plan.units if u.kind == "commune"}
    assert all(c.locality in communes for c in plan.centers if c.kind == "local")
    codes = [u.code for u in plan.units]
    assert len(set(codes)) == len(codes)
    # A unit's parent is planned before it, so it can be written in one pass.
    seen: set[str] = set()
    for unit in plan.units:
        assert unit.parent is None or unit.parent in seen, unit.code
        seen.add(unit.code)


def test_officials_are_unique_and_seated_in_planned_units() -> None:
    plan = plan_org()
    usernames = [o.username for o in plan.officials]
    assert len(set(usernames)) == len(usernames)
    assert all(u.isascii() and u == u.lower() for u in usernames)
    units, centers = plan.unit_codes(), {c.code for c in plan.centers}
    assert all(o.unit is None or o.unit in units for o in plan.officials)
    assert all(o.center in centers for o in plan.officials)
    logins = {o.username: o for o in plan.officials if o.username in DEMO_USERNAMES}
    assert {(u, n, tuple(sorted(r)), unit) for u, n, r, unit in province.DEMO_LOGINS} == \
        {(o.username, o.full_name, tuple(sorted(o.roles)), o.unit) for o in logins.values()}
    assert sum(not o.active for o in plan.officials) == 2


def test_whoever_is_away_has_a_colleague_of_the_same_seat_as_deputy() -> None:
    plan = plan_org()
    by_username = {o.username: o for o in plan.officials}
    assert len(plan.leave) == 16
    assert any(leave.starts <= 0 <= leave.ends for leave in plan.leave)
    for leave in plan.leave:
        away = by_username[leave.username]
        assert away.username not in DEMO_USERNAMES
        if leave.ends >= 0:
            deputy = by_username[leave.deputy or ""]
            assert (deputy.unit, deputy.roles) == (away.unit, away.roles) and deputy.active
        else:
            assert leave.deputy is None
