"""The legal clock of a dossier: paused while the citizen supplements, shifted by the working
time the citizen took, one extension with an apology, withdrawal; classified against the law."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.errors import ConflictError
from engine.persistence.models import Dossier, DossierStatus, HumanTask, TaskStatus
from engine.runtime.actions import extend_deadline, withdraw_dossier
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from tests.conftest import deploy, enterprise_start_data, history, open_tasks
from tests.procedures.test_enterprise_registration import (
    APPRAISE_OK,
    APPRAISE_SUPPLEMENT,
    RETURN,
    SIGN,
    SUPPLEMENT,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def dossier_id(session_factory, ctx, clock, center, staff):
    deploy(session_factory, ctx, "enterprise_registration")
    clock.set(local(27, 11, 9))  # Friday 27/11/2026, 09:00
    with session_factory.begin() as session:
        return start_dossier(session, ctx, "enterprise_registration", actor=staff.reception, center_code=center.code,
                             data=enterprise_start_data()).id


def at(clock, moment, session_factory, ctx, dossier_id, element, data, staff):
    clock.set(moment)
    (task,) = open_tasks(session_factory, dossier_id)
    assert task.element_id == element
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=data)


def dossier(session_factory, dossier_id) -> Dossier:
    with session_factory() as session:
        return session.get(Dossier, dossier_id)


def test_two_pauses_and_one_extension(session_factory, ctx, clock, dossier_id, staff):
    assert dossier(session_factory, dossier_id).due_at == local(2, 12, 17)  # 3 working days

    at(clock, local(30, 11, 9), session_factory, ctx, dossier_id, "appraise_dossier", APPRAISE_SUPPLEMENT, staff)
    paused = dossier(session_factory, dossier_id)
    assert paused.status == DossierStatus.AWAITING_SUPPLEMENT and paused.paused_at == local(30, 11, 9)
    assert paused.status.national_code == 5

    # The citizen brings the documents a working day later: the deadline moves by 8 working hours.
    at(clock, local(1, 12, 9), session_factory, ctx, dossier_id, "receive_supplement", SUPPLEMENT, staff)
    resumed = dossier(session_factory, dossier_id)
    assert resumed.status == DossierStatus.PROCESSING and resumed.paused_at is None
    assert resumed.due_at == local(3, 12, 17) and resumed.paused_seconds == 8 * 3600

    # A second request: 10:00–11:30 and 13:00–14:00 paused, 2.5 working hours; it counts as late.
    at(clock, local(1, 12, 10), session_factory, ctx, dossier_id, "appraise_dossier", APPRAISE_SUPPLEMENT, staff)
    assert dossier(session_factory, dossier_id).late_by_rule is True
    at(clock, local(1, 12, 14), session_factory, ctx, dossier_id, "receive_supplement", SUPPLEMENT, staff)
    assert dossier(session_factory, dossier_id).due_at == local(4, 12, 10)

    clock.set(local(2, 12, 9))
    with session_factory.begin() as session:
        extend_deadline(session, ctx, dossier_id, actor=staff.center_leader, new_due_at=local(7, 12, 17),
                        reason="Cần xác minh thêm thông tin ngành nghề kinh doanh")
    with session_factory.begin() as session, pytest.raises(ConflictError):
        extend_deadline(session, ctx, dossier_id, actor=staff.center_leader, new_due_at=local(9, 12, 17),
                        reason="Lần hai")
    extended = dossier(session_factory, dossier_id)
    assert extended.extended_due_at == local(7, 12, 17) and extended.due_at == local(4, 12, 10)

    at(clock, local(3, 12, 9), session_factory, ctx, dossier_id, "appraise_dossier", APPRAISE_OK, staff)
    at(clock, local(3, 12, 10), session_factory, ctx, dossier_id, "approve_dossier", SIGN, staff)
    at(clock, local(3, 12, 11), session_factory, ctx, dossier_id, "return_result", RETURN, staff)
    done = dossier(session_factory, dossier_id)
    assert done.status == DossierStatus.COMPLETED
    # Finished a day before the shifted deadline, yet late: supplementation was requested twice.
    assert done.timeliness == "late"

    events = {e.event_type: e for e in history(session_factory, dossier_id)}
    assert events["clock_resumed"].payload["paused_working_seconds"] == int(2.5 * 3600)
    assert events["deadline_extended"].payload["in_time_for_apology"] is True
    pauses = [e.payload for e in history(session_factory, dossier_id) if e.event_type == "clock_paused"]
    assert [(p["supplement_request"], p["counts_as_late"]) for p in pauses] == [(1, False), (2, True)]


def test_a_dossier_finished_before_its_deadline_is_early(session_factory, ctx, clock, dossier_id, staff):
    at(clock, local(30, 11, 9), session_factory, ctx, dossier_id, "appraise_dossier", APPRAISE_OK, staff)
    at(clock, local(30, 11, 10), session_factory, ctx, dossier_id, "approve_dossier", SIGN, staff)
    at(clock, local(30, 11, 11), session_factory, ctx, dossier_id, "return_result", RETURN, staff)
    assert dossier(session_factory, dossier_id).timeliness == "early"


def test_open_steps_already_loaded_in_the_session_read_as_cancelled(session_factory, ctx, clock, dossier_id, staff):
    clock.set(local(30, 11, 8))
    leader = staff.center_leader  # made before the session below opens (SQLite has one writer)
    with session_factory.begin() as session:
        loaded = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                         HumanTask.status == TaskStatus.READY)).all()
        withdraw_dossier(session, ctx, dossier_id, actor=leader, reason="Công dân xin rút hồ sơ")
        assert loaded and {task.status for task in loaded} == {TaskStatus.CANCELLED}


def test_an_extension_after_the_deadline_is_refused(session_factory, ctx, clock, dossier_id, staff):
    clock.set(local(3, 12, 8))
    with session_factory.begin() as session, pytest.raises(ConflictError):
        extend_deadline(session, ctx, dossier_id, actor=staff.center_leader, new_due_at=local(9, 12, 17), reason="Muộn")


def test_withdrawal_cancels_open_steps(session_factory, ctx, clock, dossier_id, staff):
    clock.set(local(30, 11, 8))
    with session_factory.begin() as session:
        withdraw_dossier(session, ctx, dossier_id, actor=staff.center_leader,
                         reason="Công dân xin rút hồ sơ để sửa tên")
    withdrawn = dossier(session_factory, dossier_id)
    assert withdrawn.status == DossierStatus.WITHDRAWN and withdrawn.status.national_code == 7
    with session_factory() as session:
        statuses = set(session.scalars(select(HumanTask.status).where(HumanTask.dossier_id == dossier_id)))
    assert statuses == {TaskStatus.CANCELLED}
    assert history(session_factory, dossier_id)[-1].event_type != "dossier_completed"
    assert any(e.event_type == "dossier_withdrawn" for e in history(session_factory, dossier_id))
