"""Verification catches each way of editing the history behind the engine's back, naming the dossier
and the event (or the row) that differs; an untouched database verifies OK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.audit.chain import BreakKind
from engine.audit.verify import verify_all, verify_center, verify_dossier
from engine.errors import NotFoundError, PermissionDeniedError
from engine.history.recorder import chain_hash
from engine.persistence.models import Dossier, HistoryEvent, HumanTask
from engine.runtime.command import Actor
from tests.integration.engine.audit.conftest import add, change, sql

SYSTEM = Actor(None, "cli")


def _verify_all(session_factory, ctx):
    with session_factory() as session:
        return verify_all(session, SYSTEM, today=ctx.today(), settings=ctx.settings)


def _event(session_factory, dossier_id, seq) -> HistoryEvent:
    with session_factory() as session:
        return session.scalar(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id,
                                                         HistoryEvent.seq == seq))


def _only_break(result, code):
    assert not result.ok
    (broken,) = result.breaks
    assert broken.chain == code
    return broken


def test_an_untouched_database_verifies(session_factory, ctx, dossiers, center):
    result = _verify_all(session_factory, ctx)
    assert result.ok, result.breaks
    assert result.chains == 3 and result.events > 30  # two dossiers and the administrative chain
    with session_factory() as session:
        assert verify_dossier(session, SYSTEM, dossiers.finished, today=ctx.today(), settings=ctx.settings).ok
        assert verify_center(session, SYSTEM, center.code, today=ctx.today(), settings=ctx.settings).chains == 2


def test_a_changed_payload_names_the_event(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.finished]
    completed = next(e for e in _all_events(session_factory, dossier_id) if e.event_type == "task_completed")
    change(session_factory, HistoryEvent, HistoryEvent.id == completed.id,
           payload={"data": {"appraisal_decision": "propose_refusal"}})
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    assert (broken.kind, broken.seq, broken.event_id, broken.field) == (BreakKind.ALTERED, completed.seq,
                                                                       completed.id, "hash")


def test_a_time_moved_back_three_days_is_caught(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.finished]
    event = _event(session_factory, dossier_id, 5)
    change(session_factory, HistoryEvent, HistoryEvent.id == event.id, at=event.at - timedelta(days=3))
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    assert (broken.kind, broken.seq) == (BreakKind.ALTERED, 5)


def test_a_deleted_event_leaves_a_gap(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.running]
    sql(session_factory, "DELETE FROM history_event WHERE dossier_id = :d AND seq = 3", d=dossier_id)
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.running)
    assert (broken.kind, broken.seq, broken.expected, broken.found) == (BreakKind.GAP, 4, "3", "4")


def test_a_forged_event_inserted_in_the_middle_breaks_the_link(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.finished]
    events = _all_events(session_factory, dossier_id)
    # Make room at 4 (numbers move up from the end, so the unique (dossier, seq) holds), then forge
    # an event that links properly to event 3 and carries its own correct hash.
    for event in reversed(events[3:]):
        sql(session_factory, "UPDATE history_event SET seq = seq + 1 WHERE id = :id", id=event.id)
    forged = {"dossier_id": dossier_id, "seq": 4, "at": events[2].at, "event_type": "task_completed",
              "actor_id": None, "actor_name": "Kẻ giả mạo", "element_id": None, "element_name": None,
              "element_type": None, "lane": None, "task_id": None, "payload": {"data": {"forged": True}}}
    add(session_factory, HistoryEvent, **forged, prev_hash=events[2].hash, hash=chain_hash(events[2].hash, forged))
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    # The forged event itself is consistent; the event after it no longer links to its predecessor.
    assert (broken.kind, broken.seq, broken.event_id) == (BreakKind.LINK, 5, events[3].id)


def test_a_forged_event_appended_at_the_end_contradicts_the_stored_head(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.running]
    events = _all_events(session_factory, dossier_id)
    last = events[-1]
    forged = {"dossier_id": dossier_id, "seq": last.seq + 1, "at": last.at, "event_type": "dossier_withdrawn",
              "actor_id": None, "actor_name": "Kẻ giả mạo", "element_id": None, "element_name": None,
              "element_type": None, "lane": None, "task_id": None, "payload": None}
    add(session_factory, HistoryEvent, **forged, prev_hash=last.hash, hash=chain_hash(last.hash, forged))
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.running)
    assert broken.kind is BreakKind.HEAD and broken.seq == last.seq + 1


def test_a_truncated_tail_contradicts_the_stored_head(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.finished]
    count = len(_all_events(session_factory, dossier_id))
    sql(session_factory, "DELETE FROM history_event WHERE dossier_id = :d AND seq > :keep", d=dossier_id,
        keep=count - 4)
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    assert (broken.kind, broken.seq, broken.expected.split(":")[0]) == (BreakKind.HEAD, count - 4, str(count))


def test_two_events_swapped_are_caught_at_the_first(session_factory, ctx, dossiers):
    dossier_id = dossiers.ids[dossiers.finished]
    fifth, sixth = _event(session_factory, dossier_id, 5), _event(session_factory, dossier_id, 6)
    sql(session_factory, "UPDATE history_event SET seq = -1 WHERE id = :id", id=fifth.id)
    sql(session_factory, "UPDATE history_event SET seq = 5 WHERE id = :id", id=sixth.id)
    sql(session_factory, "UPDATE history_event SET seq = 6 WHERE id = :id", id=fifth.id)
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    assert broken.seq == 5 and broken.event_id == sixth.id and broken.kind in (BreakKind.LINK, BreakKind.ALTERED)


@pytest.mark.parametrize("column", ["completed_at", "completed_by_id", "claimed_at", "ready_at"])
def test_an_edited_task_row_is_caught(session_factory, ctx, dossiers, staff, column):
    dossier_id = dossiers.ids[dossiers.finished]
    value = staff.center_leader.id if column == "completed_by_id" else datetime(2026, 11, 20, 1, tzinfo=UTC)
    approval = (HumanTask.dossier_id == dossier_id) & (HumanTask.element_id == "approve_dossier")
    change(session_factory, HumanTask, approval, **{column: value})
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    assert broken.kind is BreakKind.ROW and broken.field == f"human_task.{column}"
    assert "approve" in broken.message_en.lower() or "phê duyệt" in broken.message.lower() or broken.seq


@pytest.mark.parametrize(("column", "value"), [("received_at", datetime(2026, 11, 28, 1, tzinfo=UTC)),
                                               ("completed_at", datetime(2026, 11, 30, 1, tzinfo=UTC)),
                                               ("status", "refused"), ("paused_seconds", 0),
                                               ("due_at", datetime(2026, 12, 31, 10, tzinfo=UTC))])
def test_an_edited_dossier_row_is_caught(session_factory, ctx, dossiers, column, value):
    change(session_factory, Dossier, Dossier.code == dossiers.finished, **{column: value})
    broken = _only_break(_verify_all(session_factory, ctx), dossiers.finished)
    assert broken.kind is BreakKind.ROW and broken.field == f"dossier.{column}"


def test_only_auditors_and_supervisors_verify(session_factory, ctx, dossiers, staff):
    with session_factory() as session, pytest.raises(PermissionDeniedError):
        verify_all(session, staff.reception, today=ctx.today(), settings=ctx.settings)
    with session_factory() as session, pytest.raises(NotFoundError):
        verify_dossier(session, SYSTEM, "KHONG-CO", today=ctx.today(), settings=ctx.settings)


def _all_events(session_factory, dossier_id) -> list[HistoryEvent]:
    with session_factory() as session:
        return list(session.scalars(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id)
                                    .order_by(HistoryEvent.seq)))
