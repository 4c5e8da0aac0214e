"""The administrative chain: deploys, activations, calendar and organisation changes are events of a
chain of their own, verified and anchored like a dossier's."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select, update

from engine.audit.admin_chain import admin_events
from engine.audit.anchors import write_anchor
from engine.audit.chain import BreakKind
from engine.audit.org_changes import act_as, record_org_changes
from engine.audit.verify import verify_all
from engine.calendar.changes import set_calendar_day
from engine.persistence.models import AdminEvent, ChainHead, Official, table_of
from engine.runtime.command import Actor
from tests.conftest import deploy

SYSTEM = Actor(None, "cli")


@pytest.fixture(autouse=True)
def org_changes_recorded():
    record_org_changes()  # as the composition root (api.app.create_app) does


def _events(session_factory) -> list[tuple[str, str | None, str | None]]:
    with session_factory() as session:
        return [(e.event_type, e.subject, e.actor_name) for e in reversed(admin_events(session))]


def _verify(session_factory, ctx):
    with session_factory() as session:
        return verify_all(session, SYSTEM, today=ctx.today(), settings=ctx.settings)


@pytest.fixture
def changes(session_factory, ctx, center):
    deploy(session_factory, ctx, "enterprise_registration")
    with session_factory.begin() as session:
        set_calendar_day(session, Actor(None, "Hệ thống"), day=date(2026, 12, 24), kind="day_off",
                         reason="Nghỉ bù", province=None, now=ctx.clock.now(), today=ctx.today())
    with session_factory.begin() as session:
        act_as(session, Actor(7, "Vũ Thị Quản"))
        session.add(Official(username="moi", full_name="Cán bộ mới", password_hash="x", roles=["specialist"],
                             active=True, created_at=ctx.clock.now()))
    with session_factory.begin() as session:
        act_as(session, Actor(7, "Vũ Thị Quản"))
        official = session.scalar(select(Official).where(Official.username == "moi"))
        official.roles = ["specialist", "unit_leader"]
        official.failed_logins = 3  # not administration: no event


def test_administration_is_recorded_in_order_with_who_did_it(session_factory, ctx, changes):
    assert _events(session_factory) == [
        ("center_created", "center:hcc_test", "Hệ thống"),
        ("version_deploy", "procedure:enterprise_registration:1", "test"),
        ("version_activate", "procedure:enterprise_registration:1", "test"),
        ("calendar_day_set", "calendar:national:2026-12-24", "Hệ thống"),
        ("official_created", "official:moi", "Vũ Thị Quản"),
        ("roles_changed", "official:moi", "Vũ Thị Quản"),
    ]
    with session_factory() as session:
        granted = admin_events(session, limit=1)[0].payload
    assert granted == {"roles": {"granted": ["unit_leader"], "revoked": []}}
    result = _verify(session_factory, ctx)
    assert result.ok and result.chains == 1 and result.events == 6


def test_an_edited_administrative_event_is_named(session_factory, ctx, changes):
    with session_factory.begin() as session:
        events = table_of(AdminEvent)
        session.execute(update(events).where(events.c.seq == 3).values(actor_name="Người khác"))
    (broken,) = _verify(session_factory, ctx).breaks
    assert (broken.chain, broken.kind, broken.seq) == ("@admin", BreakKind.ALTERED, 3)


def test_the_administrative_chain_is_anchored(session_factory, signed, changes):
    with session_factory() as session:
        written = write_anchor(session, signed.settings, SYSTEM, now=signed.clock.now(), today=signed.today())
        session.commit()
    assert written.changed == 1  # no dossier yet: the administrative chain alone
    # Its last two events removed and its head moved back: only the anchor can tell.
    with session_factory.begin() as session:
        session.execute(delete(AdminEvent).where(AdminEvent.seq > 4))
        fourth = session.scalar(select(AdminEvent.hash).where(AdminEvent.seq == 4))
        session.execute(update(table_of(ChainHead)).values(event_count=4, last_event_hash=fourth))
    (broken,) = _verify(session_factory, signed).breaks
    assert (broken.chain, broken.kind, broken.expected.split(":")[0]) == ("@admin", BreakKind.ANCHOR, "6")
