"""Elements the engine cannot run as drawn are refused at deploy, located; a plain task deploys."""

from __future__ import annotations

import pytest

from engine.deployment.validate import validate_bpmn_file, validate_package
from tests.fixtures import tiny_procedure

REVIEW_OPEN = '<bpmn:userTask id="review" name="Xem xét">'


def _with_review_as(tag: str) -> str:
    return tiny_procedure.bpmn().replace(REVIEW_OPEN, f'<bpmn:{tag} id="review" name="Xem xét">').replace(
        "</bpmn:userTask>", f"</bpmn:{tag}>")


def _execution_problems(diagram: str) -> list:
    validated, problems = validate_package(tiny_procedure.package(diagram))
    assert validated is None, "the package should have been refused"
    return [p for p in problems if p.rule == "execution"]


@pytest.mark.parametrize("tag", ["serviceTask", "businessRuleTask"])
def test_a_task_nothing_can_run_is_refused_at_its_line(tag):
    (problem,) = _execution_problems(_with_review_as(tag))
    assert problem.file == "tiny_procedure.bpmn" and problem.element_id == "review"
    assert problem.line == tiny_procedure.bpmn().splitlines().index(
        next(line for line in tiny_procedure.bpmn().splitlines() if REVIEW_OPEN in line)) + 1
    assert tag in problem.message and "scriptTask" in problem.message
    assert "no way to run it" in problem.message_en


def test_the_same_refusal_appears_when_one_file_is_validated():
    problems = validate_bpmn_file(_with_review_as("serviceTask").encode(), "tiny_procedure.bpmn")
    assert [(p.rule, p.element_id) for p in problems if p.rule == "execution"] == [("execution", "review")]


def test_a_plain_task_is_a_human_step_and_deploys():
    validated, problems = validate_package(tiny_procedure.package(_with_review_as("task")))
    assert validated is not None, problems
    assert validated.elements["review"]["type"] == "task"


def test_a_plain_task_outside_a_bound_lane_is_refused_like_a_user_task():
    diagram = _with_review_as("task").replace("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", "")
    validated, problems = validate_package(tiny_procedure.package(diagram))
    assert validated is None
    assert [(p.rule, p.element_id) for p in problems if p.severity == "error"] == [("step", "review")]


CALL_SELF = '<bpmn:callActivity id="again" calledElement="tiny_procedure" />'
SECOND_PROCESS = """</bpmn:process>
  <bpmn:process id="helper" isExecutable="true">
    <bpmn:startEvent id="h_start" />
    <bpmn:callActivity id="back" calledElement="tiny_procedure" />
"""


def test_a_call_activity_calling_its_own_process_is_refused():
    (problem,) = _execution_problems(tiny_procedure.bpmn(extra_process=CALL_SELF))
    assert problem.element_id == "again" and problem.line is not None
    assert "tiny_procedure → tiny_procedure" in problem.message and "recursive" in problem.message_en


def test_a_call_activity_calling_back_through_another_process_is_refused():
    extra = '<bpmn:callActivity id="to_helper" calledElement="helper" />' + SECOND_PROCESS
    problems = _execution_problems(tiny_procedure.bpmn(extra_process=extra))
    assert sorted((p.element_id, p.message_en.split("(")[1].split(")")[0]) for p in problems) == [
        ("back", "helper → tiny_procedure → helper"),
        ("to_helper", "tiny_procedure → helper → tiny_procedure"),
    ]
