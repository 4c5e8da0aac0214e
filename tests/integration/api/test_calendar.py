"""The working calendar over HTTP: a year's holidays and changes for any official; admins alone set
or take back a day off or a compensating working day, with a reason, recorded; deadlines follow."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine.calendar.changes import calendar_year, set_calendar_day
from engine.calendar.store import load_calendar
from engine.persistence.models import CalendarChange, CalendarOverride
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.scheduling import sweep
from tests.integration.api.conftest import add_official, login


@pytest.fixture
def admin(client, session_factory, ctx, password_hash) -> dict[str, str]:
    add_official(session_factory, ctx, password_hash, "quantri", ["admin"], center=None, name="Vũ Minh Quân")
    return login(client, "quantri")


def year(client: Any, headers: dict[str, str], number: int = 2026) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/calendar/{number}", headers=headers)
    assert response.status_code == 200, response.json
    return list(response.json)


def test_a_year_lists_the_national_holidays(client, reception):
    days = {row["day"]: row for row in year(client, reception)}
    assert days["2026-09-02"]["kind"] == "holiday" and days["2026-09-02"]["province"] is None
    assert days["2026-01-01"]["kind"] == "holiday"
    assert all(row["day"].startswith("2026-") for row in days.values())


def test_an_admin_sets_a_day_off_and_a_compensating_working_day_and_deadlines_follow(
        client, admin, reception, session_factory, ctx):
    friday, saturday = "2026-11-27", "2026-11-28"
    assert ctx.calendar.is_working_day(ctx.clock.now())
    off = client.post("/api/v1/calendar/days", json={"day": friday, "kind": "day_off", "reason": "Nghỉ bù lễ"},
                      headers=admin)
    assert off.status_code == 200, off.json
    assert off.json == {"day": friday, "kind": "day_off", "name": "Nghỉ bù lễ", "province": None}
    worked = client.post("/api/v1/calendar/days", headers=admin,
                         json={"day": saturday, "kind": "working_day", "reason": "Làm bù cho ngày 27/11"})
    assert worked.status_code == 200, worked.json
    listed = {row["day"]: row["kind"] for row in year(client, reception)}
    assert listed[friday] == "day_off" and listed[saturday] == "working_day"
    assert not ctx.calendar.is_working_day(ctx.clock.now())
    assert ctx.calendar.is_working_day(ctx.clock.now().replace(day=28))

    with session_factory() as session:
        changes = session.scalars(select(CalendarChange).order_by(CalendarChange.id)).all()
        assert [(c.day.isoformat(), c.kind, c.action, c.reason, c.actor_name) for c in changes] == [
            (friday, "day_off", "set", "Nghỉ bù lễ", "Vũ Minh Quân"),
            (saturday, "working_day", "set", "Làm bù cho ngày 27/11", "Vũ Minh Quân")]
        assert changes[0].at == ctx.clock.now()


def test_setting_a_day_again_replaces_its_change(client, admin, session_factory):
    for kind in ("day_off", "working_day"):
        assert client.post("/api/v1/calendar/days", json={"day": "2026-12-05", "kind": kind, "reason": "Quyết định"},
                           headers=admin).status_code == 200
    with session_factory() as session:
        assert [row.kind for row in session.scalars(select(CalendarOverride))] == ["working_day"]


def test_an_admin_takes_a_change_back_with_a_reason(client, admin, reception, session_factory, ctx):
    client.post("/api/v1/calendar/days", json={"day": "2026-11-27", "kind": "day_off", "reason": "Nghỉ"},
                headers=admin)
    removed = client.delete("/api/v1/calendar/days/2026-11-27", json={"reason": "Nhập nhầm"}, headers=admin)
    assert removed.status_code == 204
    assert "2026-11-27" not in {row["day"] for row in year(client, reception)}
    assert ctx.calendar.is_working_day(ctx.clock.now())
    with session_factory() as session:
        last = session.scalars(select(CalendarChange).order_by(CalendarChange.id.desc())).first()
        assert (last.action, last.kind, last.reason) == ("remove", "day_off", "Nhập nhầm")
    missing = client.delete("/api/v1/calendar/days/2026-11-27", json={"reason": "Lần nữa"}, headers=admin)
    assert missing.status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"day": "2026-12-05", "kind": "holiday", "reason": "x"}, "kind"),
    ({"day": "2026-12-05", "kind": "day_off"}, "reason"),
    ({"day": "2026-12-05", "kind": "day_off", "reason": ""}, "reason"),
    ({"day": "1800-01-01", "kind": "day_off", "reason": "x"}, "day"),
])
def test_bad_changes_are_422_naming_the_field(client, admin, body, field):
    response = client.post("/api/v1/calendar/days", json=body, headers=admin)
    assert response.status_code == 422 and field in response.json["errors"]["json"], response.json


def test_a_bad_day_in_the_url_is_422(client, admin):
    response = client.delete("/api/v1/calendar/days/27-11-2026", json={"reason": "x"}, headers=admin)
    assert response.status_code == 422 and "day" in str(response.json["errors"])


def test_only_admins_change_the_calendar_and_nothing_is_recorded_then(client, reception, leader, session_factory):
    for headers in (reception, leader):
        refused = client.post("/api/v1/calendar/days", json={"day": "2026-12-05", "kind": "day_off", "reason": "x"},
                              headers=headers)
        assert refused.status_code == 403 and "calendar.change" in refused.json["message"]
    with session_factory() as session:
        assert session.scalars(select(CalendarChange)).all() == []
        assert session.scalars(select(CalendarOverride)).all() == []


def test_reading_the_calendar_needs_a_sign_in(client):
    assert client.get("/api/v1/calendar/2026").status_code == 401


def test_a_provinces_change_wins_over_the_countrys_on_the_same_day(session_factory):
    system, day = Actor(None, "cli"), date(2026, 12, 5)
    now, today = datetime(2026, 11, 27, tzinfo=UTC), date(2026, 11, 27)
    with session_factory.begin() as session:
        set_calendar_day(session, system, day=day, kind="working_day", reason="Làm bù toàn quốc", province=None,
                         now=now, today=today)
        set_calendar_day(session, system, day=day, kind="day_off", reason="Nghỉ của tỉnh", province="quang_ninh",
                         now=now, today=today)
    with session_factory() as session:
        assert not load_calendar(session, "quang_ninh").is_working_day(day)
        assert load_calendar(session, None).is_working_day(day)
        listed = calendar_year(session, system, 2026, province="quang_ninh", today=today)
        assert [(d.kind, d.province) for d in listed if d.day == day] == [
            ("working_day", None), ("day_off", "quang_ninh")]


def test_another_worker_picks_the_change_up_within_its_refresh_interval(client, admin, session_factory, ctx):
    other_worker = EngineContext(settings=ctx.settings, clock=ctx.clock)
    with session_factory() as session:
        other_worker.reload_calendar(session)
    assert not other_worker.refresh_calendar(session_factory, every_seconds=0)  # nothing changed yet
    assert client.post("/api/v1/calendar/days", json={"day": "2026-11-27", "kind": "day_off",
                                                      "reason": "Nghỉ bù lễ"}, headers=admin).status_code == 200
    assert other_worker.calendar.is_working_day(ctx.clock.now())
    assert not other_worker.refresh_calendar(session_factory)  # checked a moment ago: not again yet
    assert other_worker.refresh_calendar(session_factory, every_seconds=0)
    assert not other_worker.calendar.is_working_day(ctx.clock.now())
    assert other_worker.calendar_revision == ctx.calendar_revision > 0


def test_the_scheduler_picks_the_change_up_on_its_tick(client, admin, session_factory, ctx):
    scheduler = EngineContext(settings=ctx.settings, clock=ctx.clock)
    with session_factory() as session:
        scheduler.reload_calendar(session)
    assert client.post("/api/v1/calendar/days", json={"day": "2026-11-27", "kind": "day_off",
                                                      "reason": "Nghỉ bù lễ"}, headers=admin).status_code == 200
    scheduler.calendar_checked_at = 0.0  # its minute has passed
    sweep(session_factory, scheduler)
    assert not scheduler.calendar.is_working_day(ctx.clock.now())
