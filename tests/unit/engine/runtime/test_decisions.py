"""The history records a step's decision from the field its diagram declares (decisionField), never
from a field's name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.history.events import HistoryEventType
from engine.persistence.models import HumanTask, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from tests.conftest import deploy_package, history
from tests.fixtures import tiny_procedure
from tests.unit.engine.deployment.test_validate import with_property


@pytest.mark.parametrize("declared, recorded", [(True, {"decision": "approve"}), (False, None)])
def test_the_decision_is_the_declared_field(session_factory, ctx, center, clock, declared, recorded):
    diagram = with_property("decisionField", "decision") if declared else tiny_procedure.bpmn()
    deploy_package(session_factory, clock, tiny_procedure.package(diagram))
    with session_factory.begin() as session:
        dossier = start_dossier(session, ctx, tiny_procedure.KEY, actor=Actor(None, "Hệ thống"),
                                center_code=center.code, data={"applicant": {"applicant_name": "Võ Thị Sáu"}})
        dossier_id = dossier.id
    with session_factory.begin() as session:
        task = session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                      HumanTask.status == TaskStatus.READY))
        complete_task(session, ctx, task.id, actor=Actor(None, "Cán bộ"), data={"decision": "approve"})
    (completed,) = [e for e in history(session_factory, dossier_id)
                    if e.event_type == HistoryEventType.TASK_COMPLETED]
    assert completed.payload.get("decision") == recorded
