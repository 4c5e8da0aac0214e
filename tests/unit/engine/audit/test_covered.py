"""Task and dossier rows re-derived from the chained events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from engine.audit.chain import BreakKind
from engine.audit.covered import ChainedEvent, check_dossier, check_tasks

T0 = datetime(2026, 12, 1, 2, tzinfo=UTC)
TASK = str(uuid.uuid4())


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


EVENTS = [
    ChainedEvent(1, "dossier_received", at(0), 5, None, {"data": {}, "due_at": "2026-12-04T17:00:00+07:00"}),
    ChainedEvent(2, "step_ready", at(0), 5, TASK, None),
    ChainedEvent(3, "task_claimed", at(10), 9, TASK, None),
    ChainedEvent(4, "task_released", at(20), 9, TASK, None),
    ChainedEvent(5, "task_completed", at(30), 11, TASK, {"data": {"ok": True}}),
    ChainedEvent(6, "dossier_completed", at(30), 11, None, {"status": "completed", "timeliness": "early"},
                 "end_issued"),
]
ROW = {"id": TASK, "name": "Thẩm định", "status": "completed", "assignee_id": 11, "ready_at": at(0),
       "claimed_at": at(30), "completed_at": at(30), "completed_by_id": 11, "submitted_data": {"ok": True}}
DOSSIER = {"status": "completed", "received_at": at(0), "due_at": datetime(2026, 12, 4, 10, tzinfo=UTC),
           "paused_at": None, "paused_seconds": 0, "completed_at": at(30), "timeliness": "early",
           "result_element_id": "end_issued", "extended_due_at": None}


def test_rows_that_follow_from_the_events_pass():
    assert check_tasks("HS-1", EVENTS, [ROW]) is None
    assert check_dossier("HS-1", EVENTS, DOSSIER) is None


def test_a_task_completed_by_someone_else_names_the_event():
    broken = check_tasks("HS-1", EVENTS, [{**ROW, "completed_by_id": 12}])
    assert (broken.kind, broken.field, broken.seq, broken.expected, broken.found) == (
        BreakKind.ROW, "human_task.completed_by_id", 5, "11", "12")


def test_a_task_row_without_events_is_forged():
    broken = check_tasks("HS-1", EVENTS, [{**ROW, "id": str(uuid.uuid4())}])
    assert broken.field == "human_task.id"


def test_a_moved_deadline_or_reopened_dossier_is_caught():
    assert check_dossier("HS-1", EVENTS, {**DOSSIER, "due_at": datetime(2026, 12, 9, tzinfo=UTC)}).field == \
        "dossier.due_at"
    assert check_dossier("HS-1", EVENTS[:5], {**DOSSIER, "completed_at": None, "result_element_id": None,
                                             "status": "completed"}).field == "dossier.status"
