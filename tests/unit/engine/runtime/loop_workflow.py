"""enterprise_registration run in memory round its supplementation loop, straight on SpiffWorkflow."""

from __future__ import annotations

import copy

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from bench.engine_step import INTAKE, PROCEDURE_DIR, PROCESS_ID, step_payload


def enterprise_workflow_after(user_tasks: int) -> BpmnWorkflow:
    """The workflow after its intake and ``user_tasks`` user tasks (appraise, supplement, ...)."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(PROCEDURE_DIR / f"{PROCESS_ID}.bpmn"))
    workflow = BpmnWorkflow(parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID))
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data.update(copy.deepcopy(INTAKE), dossier_code="H40-261127-0001", channel="direct",
                      received_at="2026-11-27T02:00:00+00:00")
    workflow.do_engine_steps()
    for n in range(1, user_tasks + 1):
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(copy.deepcopy(step_payload(n)))
        task.run()
        workflow.do_engine_steps()
    return workflow
