"""Replay of real dossiers: identical when nothing was touched, the first divergence when a recorded
input or a row derived from it was altered in the database, and never a write."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import undefer

from engine.audit.replay import replay
from engine.persistence.models import Base, Dossier, HistoryEvent, HumanTask
from engine.runtime.actions import extend_deadline, withdraw_dossier
from engine.runtime.tasks import release_task
from tests.conftest import open_tasks
from tests.procedures.driver import step
from tests.procedures.test_enterprise_registration import (
    APPRAISE_OK,
    APPRAISE_SUPPLEMENT,
    ISSUE_PATH,
    LEADER,
    RECEPTION,
    SIGN,
    SPECIALIST,
    SUPPLEMENT,
)
from tests.unit.engine.audit.conftest import claim_first


def replayed(session_factory, ctx, dossier_id):
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).options(undefer(Dossier.state), undefer(Dossier.data))
                                 .where(Dossier.id == dossier_id))
        return replay(session, ctx, dossier)


def finish(session_factory, ctx, dossier_id, staff, clock):
    for element_id, lane, data in ISSUE_PATH:
        clock.advance(hours=2)
        step(session_factory, ctx, dossier_id, element_id, lane, data, staff)


def test_a_finished_dossier_replays_identical_with_its_path(session_factory, ctx, dossier_id, staff, clock):
    finish(session_factory, ctx, dossier_id, staff, clock)

    result = replayed(session_factory, ctx, dossier_id)

    assert result.divergence is None
    assert result.identical
    assert result.path == ["appraise_dossier", "approve_dossier", "return_result"]
    assert result.commands == 4  # the reception and three completions


def test_a_dossier_through_supplementation_claims_and_an_extension_replays_identical(
        session_factory, ctx, dossier_id, staff, clock):
    clock.advance(hours=1)
    actor = claim_first(session_factory, ctx, dossier_id, staff)
    task = open_tasks(session_factory, dossier_id)[0]
    clock.advance(minutes=5)
    with session_factory.begin() as session:
        release_task(session, ctx, task.id, actor=actor)
    with session_factory.begin() as session:
        extend_deadline(session, ctx, dossier_id, actor=staff.center_leader,
                        new_due_at=clock.now() + timedelta(days=20), reason="Cần xác minh thêm")
    for element_id, lane, data in [("appraise_dossier", SPECIALIST, APPRAISE_SUPPLEMENT),
                                   ("receive_supplement", RECEPTION, SUPPLEMENT),
                                   ("appraise_dossier", SPECIALIST, APPRAISE_OK), ("approve_dossier", LEADER, SIGN)]:
        clock.advance(days=1)
        step(session_factory, ctx, dossier_id, element_id, lane, data, staff)

    result = replayed(session_factory, ctx, dossier_id)

    assert result.divergence is None, result.divergence.as_dict()
    assert result.path == ["appraise_dossier", "receive_supplement", "appraise_dossier", "approve_dossier"]


def test_a_withdrawn_dossier_replays_identical(session_factory, ctx, dossier_id, staff, clock):
    clock.advance(hours=3)
    with session_factory.begin() as session:
        withdraw_dossier(session, ctx, dossier_id, actor=staff.center_leader, reason="Công dân xin rút")

    assert replayed(session_factory, ctx, dossier_id).divergence is None


def event_of(session_factory, dossier_id, event_type, element_id):
    with session_factory() as session:
        return session.scalar(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id,
                                                         HistoryEvent.event_type == event_type,
                                                         HistoryEvent.element_id == element_id))


def test_altered_completion_data_is_the_first_divergence(session_factory, ctx, dossier_id, staff, clock):
    finish(session_factory, ctx, dossier_id, staff, clock)
    completed = event_of(session_factory, dossier_id, "task_completed", "approve_dossier")
    payload = {"data": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý"},
               "decision": {"approval_decision": "sign_refusal"}}
    with session_factory.begin() as session:
        session.execute(update(HistoryEvent).where(HistoryEvent.id == completed.id).values(payload=payload))

    divergence = replayed(session_factory, ctx, dossier_id).divergence

    # The altered decision sends the replay to the refusal; the record went on to issue the certificate.
    assert divergence is not None
    assert divergence.seq > completed.seq
    assert (divergence.subject, divergence.event_type, divergence.field) == ("event", "step_ready", "element_id")
    assert (divergence.expected, divergence.found) == ("notify_refusal", "issue_certificate")


def test_an_altered_actor_of_a_completion_shows_in_the_task_row(session_factory, ctx, dossier_id, staff, clock):
    finish(session_factory, ctx, dossier_id, staff, clock)
    completed = event_of(session_factory, dossier_id, "task_completed", "approve_dossier")
    with session_factory.begin() as session:
        session.execute(update(HumanTask).where(HumanTask.id == uuid.UUID(completed.task_id))
                        .values(completed_at=completed.at - timedelta(days=3)))

    divergence = replayed(session_factory, ctx, dossier_id).divergence

    assert divergence is not None
    assert (divergence.subject, divergence.field) == ("task", f"{completed.task_id}.completed_at")
    assert divergence.expected == completed.at.isoformat()


def test_a_deleted_event_is_a_divergence(session_factory, ctx, dossier_id, staff, clock):
    finish(session_factory, ctx, dossier_id, staff, clock)
    completed = event_of(session_factory, dossier_id, "task_completed", "approve_dossier")
    with session_factory.begin() as session:
        session.execute(HistoryEvent.__table__.delete().where(HistoryEvent.id == completed.id))

    divergence = replayed(session_factory, ctx, dossier_id).divergence

    assert divergence is not None
    assert divergence.seq == completed.seq + 1


def test_altered_dossier_data_is_reported(session_factory, ctx, dossier_id, staff, clock):
    finish(session_factory, ctx, dossier_id, staff, clock)
    with session_factory() as session:
        data = dict(session.scalar(select(Dossier.data).where(Dossier.id == dossier_id)))
    data["approval_comment"] = "Không đồng ý"
    with session_factory.begin() as session:
        session.execute(update(Dossier).where(Dossier.id == dossier_id).values(data=data))

    divergence = replayed(session_factory, ctx, dossier_id).divergence

    assert divergence is not None
    assert (divergence.subject, divergence.field) == ("data", "approval_comment")
    assert (divergence.expected, divergence.found) == ("Đồng ý", "Không đồng ý")


def test_replay_writes_nothing(session_factory, db_engine, ctx, dossier_id, staff, clock):
    finish(session_factory, ctx, dossier_id, staff, clock)

    def counts():
        with session_factory() as session:
            return {table.name: session.scalar(select(func.count()).select_from(table))
                    for table in Base.metadata.sorted_tables}

    before = counts()
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(db_engine, "before_cursor_execute", seen)
    try:
        assert replayed(session_factory, ctx, dossier_id).identical
    finally:
        event.remove(db_engine, "before_cursor_execute", seen)

    assert "SELECT" in statements and set(statements) <= {"BEGIN", "SELECT"}  # SQLite's driver opens with BEGIN
    assert counts() == before
