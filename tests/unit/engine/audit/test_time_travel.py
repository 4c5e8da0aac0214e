"""A dossier as of any event: the steps it waited at and who held them, the data each saw, what the
event's command changed, and the legal clock then; for auditors and supervisors of its center."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.audit.time_travel import dossier_as_of
from engine.errors import FormInvalidError, NotFoundError, PermissionDeniedError
from engine.persistence.models import Dossier, HistoryEvent
from tests.procedures.driver import step
from tests.procedures.test_enterprise_registration import (
    APPRAISE_OK,
    APPRAISE_SUPPLEMENT,
    LEADER,
    PROCEDURE,
    RECEPTION,
    SPECIALIST,
    SUPPLEMENT,
)
from tests.unit.engine.audit.conftest import claim_first

HOUR = 3600


@pytest.fixture
def auditor(staff):
    return staff.of("trung_tam_hcc.kiem_soat", "auditor")


def code_of(session_factory, dossier_id):
    with session_factory() as session:
        return session.scalar(select(Dossier.code).where(Dossier.id == dossier_id))


def seq_of(session_factory, dossier_id, event_type, element_id=None, last=False):
    with session_factory() as session:
        seqs = session.scalars(select(HistoryEvent.seq).where(
            HistoryEvent.dossier_id == dossier_id, HistoryEvent.event_type == event_type,
            *([HistoryEvent.element_id == element_id] if element_id else [])).order_by(HistoryEvent.seq)).all()
    return seqs[-1] if last else seqs[0]


def as_of(session_factory, ctx, who, dossier_id, seq):
    with session_factory() as session:
        return dossier_as_of(session, ctx, who, code_of(session_factory, dossier_id), seq)


def test_as_of_the_reception_the_first_step_waits_in_its_queue_with_the_intake_data(
        session_factory, ctx, dossier_id, auditor):
    state = as_of(session_factory, ctx, auditor, dossier_id, 1)

    assert state.event.event_type == "dossier_received"
    assert [(s.element_id, s.status, s.holder) for s in state.active] == [("appraise_dossier", "ready", None)]
    assert state.active[0].data["enterprise_name"] == PROCEDURE.intake["enterprise_name"]
    assert state.command[0].seq == 1 and state.command[-1].seq >= state.seq
    assert state.clock.elapsed_seconds == 0 and state.clock.remaining_seconds > 0
    assert state.divergence is None


def test_a_claimed_step_names_its_holder_and_a_completion_its_data_changes(
        session_factory, ctx, dossier_id, staff, clock, auditor):
    clock.advance(hours=1)
    specialist = claim_first(session_factory, ctx, dossier_id, staff)
    clock.advance(hours=2)
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_OK, staff)

    claimed = as_of(session_factory, ctx, auditor, dossier_id, seq_of(session_factory, dossier_id, "task_claimed"))
    assert [(s.element_id, s.status, s.holder) for s in claimed.active] == [
        ("appraise_dossier", "claimed", specialist.name)]
    assert claimed.changes == []
    assert claimed.clock.elapsed_seconds == HOUR

    completed_seq = seq_of(session_factory, dossier_id, "task_completed", "appraise_dossier")
    done = as_of(session_factory, ctx, auditor, dossier_id, completed_seq)
    assert "appraise_dossier" in done.done
    assert [s.element_id for s in done.active] == ["approve_dossier"]
    assert done.active[0].data["appraisal_decision"] == "propose_approval"  # what the leader's step saw
    assert {(c.key, c.before, c.after) for c in done.changes} >= {
        ("appraisal_decision", None, "propose_approval")}
    assert done.clock.elapsed_seconds == 2.5 * HOUR  # 09:00 to 12:00, the office closed from 11:30


def test_the_clock_stands_still_while_the_citizen_supplements(session_factory, ctx, dossier_id, staff, clock,
                                                              auditor):
    clock.advance(hours=1)
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_SUPPLEMENT, staff)
    clock.advance(days=3)  # Friday 10:00 to Monday 10:00: one working day
    step(session_factory, ctx, dossier_id, "receive_supplement", RECEPTION, SUPPLEMENT, staff)

    paused = as_of(session_factory, ctx, auditor, dossier_id, seq_of(session_factory, dossier_id, "clock_paused"))
    assert paused.clock.paused and paused.status == "awaiting_supplement"
    assert paused.clock.elapsed_seconds == HOUR
    resumed = as_of(session_factory, ctx, auditor, dossier_id, seq_of(session_factory, dossier_id, "clock_resumed"))
    assert not resumed.clock.paused
    assert resumed.clock.elapsed_seconds == HOUR
    assert resumed.clock.paused_seconds == 8 * HOUR  # one working day
    assert resumed.clock.due_at > paused.clock.due_at


def test_only_auditors_and_supervisors_of_the_center_may_look(session_factory, ctx, dossier_id, staff):
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        as_of(session_factory, ctx, staff.of(LEADER[1], "unit_leader"), dossier_id, 1)
    assert as_of(session_factory, ctx, staff.of("trung_tam_hcc.kiem_soat", "supervisor"), dossier_id, 1).seq == 1


def test_an_event_the_dossier_does_not_have_is_a_clear_error(session_factory, ctx, dossier_id, auditor):
    with pytest.raises(FormInvalidError) as raised:
        as_of(session_factory, ctx, auditor, dossier_id, 999)
    assert raised.value.problems[0].field == "seq"
