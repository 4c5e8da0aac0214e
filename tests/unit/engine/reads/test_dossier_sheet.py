"""What a dossier's page derives from its history: the path on the diagram and the legal clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from engine.persistence.models import Dossier, DossierStatus, HistoryEvent
from engine.reads.dossier_sheet import _clock, diagram_path
from engine.reads.dossiers import StepTimes

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
ELEMENTS = {"appraise": {"name": "Thẩm định hồ sơ", "lane_name": "Phòng Đăng ký kinh doanh"},
            "approve": {"name": "Phê duyệt", "lane_name": "Lãnh đạo Sở"}}


def _events(*rows: tuple[str, str | None, dict[str, Any] | None]) -> list[HistoryEvent]:
    return [HistoryEvent(seq=n, at=T0 + timedelta(hours=n), event_type=kind, element_id=element, payload=payload,
                         actor_name="Đặng Minh Tuấn") for n, (kind, element, payload) in enumerate(rows, start=1)]


def _dossier(status: DossierStatus = DossierStatus.PROCESSING, **values: Any) -> Dossier:
    fields = {"paused_seconds": 0, "supplement_requests": 0, **values}
    return Dossier(code="000.00.00.H99-261127-0001", status=status, received_at=T0, due_at=T0 + timedelta(days=5),
                   **fields)


def _step(element: str, status: str, actor: str | None) -> StepTimes:
    return StepTimes(task_id=None, element_id=element, name=ELEMENTS[element]["name"], lane=None, status=status,
                     ready_at=T0, claimed_at=None, completed_at=None, actor=actor, due_at=None)


HISTORY = _events(("dossier_received", None, None), ("step_ready", "start", None), ("step_completed", "start", None),
                  ("step_ready", "appraise", None), ("task_completed", "appraise", None),
                  ("step_ready", "approve", None), ("task_claimed", "approve", None))


def test_the_path_marks_what_was_completed_and_who_holds_the_step_waiting_now():
    path = diagram_path(_dossier(), HISTORY, [_step("approve", "claimed", "Lê Quang Huy")], ELEMENTS)
    assert path.done == ["start", "appraise"]
    (current,) = path.current
    assert (current.element_id, current.name, current.holder, current.queue) == \
        ("approve", "Phê duyệt", "Lê Quang Huy", None)


def test_an_unclaimed_step_waits_in_its_lanes_queue_and_a_closed_dossier_waits_for_nothing():
    path = diagram_path(_dossier(), HISTORY, [_step("approve", "ready", None)], ELEMENTS)
    assert path.current[0].queue == "Lãnh đạo Sở" and path.current[0].holder is None
    assert diagram_path(_dossier(DossierStatus.WITHDRAWN), HISTORY, [], ELEMENTS).current == []


def test_the_clock_pairs_each_pause_with_its_resumption_and_lists_the_extension():
    events = _events(("clock_paused", "supplement", {"kind": "supplement", "reason": ["Điều lệ công ty"]}),
                     ("clock_resumed", "supplement", {"paused_working_seconds": 3600}),
                     ("deadline_extended", None, {"reason": "Chờ ý kiến liên ngành", "due_at": T0.isoformat(),
                                                  "new_due_at": (T0 + timedelta(days=2)).isoformat()}),
                     ("clock_paused", "pay", {"kind": "payment", "reason": "Chờ nộp phí"}))
    clock = _clock(_dossier(), events)
    first, ongoing = clock.pauses
    assert (first.kind, first.reason, first.resumed_at, first.working_seconds) == \
        ("supplement", "Điều lệ công ty", T0 + timedelta(hours=2), 3600)
    assert ongoing.kind == "payment" and ongoing.resumed_at is None
    (extension,) = clock.extensions
    assert extension.new_due_at == T0 + timedelta(days=2) and extension.by == "Đặng Minh Tuấn"
