"""Deploy-time checks: every problem is located (file, line, element) and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.deployment.deploy import deploy_procedure
from engine.deployment.package import ProcedurePackage
from engine.deployment.validate import validate_package
from engine.errors import DeploymentError
from engine.persistence.models import Procedure, ProcedureVersion
from engine.runtime.command import Actor
from tests.fixtures import tiny_procedure

DEPLOYER = Actor(None, "test")

XXE = """<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="tiny_procedure" isExecutable="true" name="&xxe;"/>
</bpmn:definitions>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="tiny_procedure" isExecutable="true" name="&lol4;"/>
</bpmn:definitions>"""

CALL_MISSING = """<bpmn:callActivity id="call_other" calledElement="does_not_exist" />"""


def problems_of(package):
    validated, problems = validate_package(package)
    assert validated is None, "the package should have been refused"
    return [p for p in problems if p.severity == "error"]


def test_the_tiny_procedure_is_valid():
    validated, problems = validate_package(tiny_procedure.package())
    assert validated is not None, problems
    assert validated.elements["review"]["lane"] == "staff"


def test_malformed_xml_is_located_by_line():
    broken = tiny_procedure.bpmn().replace("</bpmn:scriptTask>", "", 1)
    (problem,) = problems_of(tiny_procedure.package(broken))
    assert problem.rule == "xml" and problem.file == "tiny_procedure.bpmn"
    assert problem.line is not None and problem.line > 10
    assert "XML không đúng cú pháp" in problem.message


def test_dangling_sequence_flow_names_the_flow():
    (problem,) = [p for p in problems_of(tiny_procedure.package(review_target="nowhere")) if p.rule == "structure"]
    assert problem.element_id == "f2" and "nowhere" in problem.message
    assert problem.line is not None and problem.file == "tiny_procedure.bpmn"


def test_missing_call_activity_target_names_the_call_activity():
    (problem,) = [p for p in problems_of(tiny_procedure.package(extra_process=CALL_MISSING)) if p.rule == "structure"]
    assert problem.element_id == "call_other" and problem.line is not None
    assert "does_not_exist" in problem.message


@pytest.mark.parametrize("payload", [XXE, BILLION_LAUGHS], ids=["xxe", "billion_laughs"])
def test_doctype_payloads_are_refused_before_parsing_entities(payload):
    (problem,) = problems_of(tiny_procedure.package(payload))
    assert problem.rule == "xml" and problem.line == 2
    assert "DOCTYPE" in problem.message


@pytest.mark.parametrize(
    "script, words",
    [
        ("m = __import__('os')", "__import__"),
        ("import os", "import"),
        ("secret = open('/etc/passwd').read()", "open"),
        ("x = ().__class__.__base__.__subclasses__()", "__class__"),
        ("exec('y = 1')", "exec"),
        ("z = eval('1 + 1')", "eval"),
    ],
)
def test_unsafe_scripts_are_refused_at_deploy(script, words):
    problems = problems_of(tiny_procedure.package(script=script))
    (problem,) = [p for p in problems if p.rule == "sandbox"]
    assert problem.element_id == "compute" and problem.line is not None
    assert words in problem.message


@pytest.mark.parametrize("condition", ["decision.__class__ == 1", "__import__('os')", "[x for x in decision]"])
def test_unsafe_conditions_are_refused_at_deploy(condition):
    problems = problems_of(tiny_procedure.package(condition=condition))
    (problem,) = [p for p in problems if p.rule == "sandbox"]
    assert problem.element_id == "f4"


def test_a_step_outside_bound_lanes_and_without_form_is_refused():
    diagram = tiny_procedure.bpmn().replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json" />', ""
    ).replace('<bpmn:lane id="staff"', '<bpmn:lane id="unbound"')
    messages = [p.message_en for p in problems_of(tiny_procedure.package(diagram))]
    assert any("not bound" in m for m in messages) and any("names no form" in m for m in messages)


def test_nothing_is_stored_when_deployment_fails(session_factory, clock):
    with session_factory() as session:
        with pytest.raises(DeploymentError) as raised:
            deploy_procedure(session, tiny_procedure.package(script="import os"), clock=clock, actor=DEPLOYER)
        session.rollback()
        assert raised.value.problems
        assert session.scalar(select(func.count(Procedure.id))) == 0
        assert session.scalar(select(func.count(ProcedureVersion.id))) == 0


def test_same_content_is_the_same_version_and_new_content_a_new_one(session_factory, clock):
    with session_factory.begin() as session:
        first = deploy_procedure(session, tiny_procedure.package(), clock=clock, actor=DEPLOYER)
        again = deploy_procedure(session, tiny_procedure.package(), clock=clock, actor=DEPLOYER)
        changed = deploy_procedure(session, tiny_procedure.package(script="total = 2 + 2"), clock=clock, actor=DEPLOYER)
        assert (first.created, again.created, changed.created) == (True, False, True)
        assert again.version.id == first.version.id
        assert (first.version.version, changed.version.version) == (1, 2)


def test_a_gateway_branch_without_condition_or_default_is_located():
    diagram = tiny_procedure.bpmn().replace('<bpmn:exclusiveGateway id="decide" default="f5">',
                                            '<bpmn:exclusiveGateway id="decide">')
    (problem,) = [p for p in problems_of(tiny_procedure.package(diagram)) if p.rule == "gateway"]
    assert problem.element_id == "f5" and problem.line is not None


TIMER = """<bpmn:boundaryEvent id="reminder" attachedToRef="review" cancelActivity="false">
      <bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:timerEventDefinition id="reminder_timer">
        <bpmn:timeDuration>{timer}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="reminded" name="Đã nhắc"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="reminder" targetRef="reminded" />"""


@pytest.mark.parametrize("timer", ["PT4H", '"four hours"', ""])
def test_timer_expressions_must_parse(timer):
    problems = problems_of(tiny_procedure.package(extra_process=TIMER.format(timer=timer)))
    (problem,) = [p for p in problems if p.rule == "timer"]
    assert problem.element_id == "reminder" and problem.line is not None


def test_a_quoted_iso_duration_timer_is_accepted():
    validated, problems = validate_package(tiny_procedure.package(extra_process=TIMER.format(timer='"PT4H"')))
    assert validated is not None, problems


def test_unreachable_elements_are_located():
    orphan = '<bpmn:userTask id="orphan" name="Bị bỏ quên"><bpmn:incoming>nothing</bpmn:incoming></bpmn:userTask>'
    problems = problems_of(tiny_procedure.package(extra_process=orphan.replace(
        "<bpmn:incoming>nothing</bpmn:incoming>", "")))
    assert any(p.rule == "reachability" and p.element_id == "orphan" for p in problems)


def test_a_process_not_marked_executable_is_refused():
    diagram = tiny_procedure.bpmn().replace('isExecutable="true"', 'isExecutable="false"')
    problems = problems_of(tiny_procedure.package(diagram))
    assert any(p.rule == "executable" and p.element_id == "tiny_procedure" for p in problems)


COLLABORATION = """<bpmn:collaboration id="collab">
    <bpmn:participant id="office" processRef="tiny_procedure" />
    <bpmn:messageFlow id="m1" sourceRef="review" targetRef="approved" />
  </bpmn:collaboration>
  <bpmn:process"""


def test_a_message_flow_must_end_at_a_receiver():
    diagram = tiny_procedure.bpmn().replace("<bpmn:process", COLLABORATION, 1)
    (problem,) = [p for p in problems_of(tiny_procedure.package(diagram)) if p.rule == "message"]
    assert problem.element_id == "m1" and "approved" in problem.message


def test_an_invalid_form_schema_is_located_in_its_file():
    files = tiny_procedure.files()
    files["forms/review.schema.json"] = b'{"type": "object", "properties": {"decision": {"type": "nonsense"}}}'
    package = ProcedurePackage(key=tiny_procedure.KEY, files=files)
    (problem,) = [p for p in problems_of(package) if p.rule == "form"]
    assert problem.file == "forms/review.schema.json" and "2020-12" in problem.message


def test_a_form_that_is_not_json_gets_its_line():
    files = tiny_procedure.files()
    files["forms/review.schema.json"] = b'{\n  "type": "object",\n  "title": oops\n}'
    (problem,) = [p for p in problems_of(ProcedurePackage(key=tiny_procedure.KEY, files=files)) if p.rule == "form"]
    assert problem.line == 3


def test_procedure_json_is_checked_against_its_schema():
    metadata = {**tiny_procedure.METADATA, "time_limit": {"value": 3, "unit": "fortnights"},
                "lanes": {"staff": {"department": "x", "role": "boss"}}}
    problems = [p for p in problems_of(tiny_procedure.package(metadata=metadata)) if p.rule == "procedure"]
    fields = " ".join(p.message for p in problems)
    assert "time_limit/unit" in fields and "lanes/staff/role" in fields
