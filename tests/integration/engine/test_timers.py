"""Boundary timers fire from the scheduler's sweep, once, and the dossier moves on.

SpiffWorkflow compares timers with the real ``datetime.now()``, so the tests move real time
(time-machine) together with the engine's clock.
"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from engine.persistence.models import Dossier, DossierStatus, HumanTask, TaskStatus
from engine.runtime.dossiers import start_dossier
from engine.scheduling import fire_due_timers
from tests.conftest import deploy, history
from tests.fixtures import tiny_procedure

EXPIRY = """<bpmn:boundaryEvent id="no_reply" name="Hết thời hạn trả lời" attachedToRef="review">
      <bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:timerEventDefinition id="no_reply_timer">
        <bpmn:timeDuration>"PT2H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="deemed_agreed" name="Coi như đồng ý"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="no_reply" targetRef="deemed_agreed" />"""


def _deploy_with_timer(session_factory, ctx, tmp_path, extra=EXPIRY):
    folder = tmp_path / tiny_procedure.KEY
    for name, content in tiny_procedure.files(extra_process=extra).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    deploy(session_factory, ctx, tiny_procedure.KEY, folder)


def test_a_boundary_timer_fires_once_when_due(session_factory, ctx, clock, center, staff, tmp_path):
    with time_machine.travel(clock.now(), tick=False) as traveller:
        _deploy_with_timer(session_factory, ctx, tmp_path)
        with session_factory.begin() as session:
            dossier_id = start_dossier(session, ctx, tiny_procedure.KEY, actor=staff.reception, center_code=center.code,
                                       data={"applicant": {"applicant_name": "Phạm Văn Bình"}}).id
        with session_factory() as session:
            wake_at = session.get(Dossier, dossier_id).wake_at
        assert wake_at == clock.now() + timedelta(hours=2)

        assert fire_due_timers(session_factory, ctx) == 0  # not due yet

        traveller.shift(timedelta(hours=2, minutes=1))
        clock.advance(hours=2, minutes=1)
        assert fire_due_timers(session_factory, ctx) == 1
        assert fire_due_timers(session_factory, ctx) == 0  # never twice

    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier.status == DossierStatus.COMPLETED and dossier.result_name == "Coi như đồng ý"
        assert dossier.wake_at is None
        review = session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier_id))
        assert review.status == TaskStatus.CANCELLED
    fired = [e for e in history(session_factory, dossier_id) if e.event_type == "timer_fired"]
    assert [(e.element_id, e.actor_name) for e in fired] == [("no_reply", "Hệ thống")]
