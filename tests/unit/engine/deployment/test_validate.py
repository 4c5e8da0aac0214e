"""Deploy-time checks: every problem is located (file, line, element) and nothing is stored."""

from __future__ import annotations

import json

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


def with_property(name: str, value: str, on: str = "review") -> str:
    """The tiny diagram with one more extension property on element ``on``."""
    marker = '<spiffworkflow:property name="allottedTime" value="PT4H" />'
    diagram = tiny_procedure.bpmn()
    if on == "review":
        return diagram.replace(marker, f'{marker}\n          <spiffworkflow:property name="{name}" value="{value}" />')
    props = (f'<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="{name}" '
             f'value="{value}" /></spiffworkflow:properties></bpmn:extensionElements>')
    return diagram.replace(f'<bpmn:endEvent id="{on}" name="Chấp thuận">',
                           f'<bpmn:endEvent id="{on}" name="Chấp thuận">{props}')


@pytest.mark.parametrize("name, value, on", [
    ("clock", "pause", "review"),
    ("outcome", "refuse", "approved"),
    ("stage", "sign", "review"),
    ("allottedTime", "4 ngày", "review"),
    ("allottedTime", "P1DT4H", "review"),
    ("alottedTime", "PT4H", "review"),
    ("outcome", "refused", "review"),
])
def test_extension_properties_outside_the_vocabulary_are_refused_on_their_line(name, value, on):
    (problem,) = [p for p in problems_of(tiny_procedure.package(with_property(name, value, on)))
                  if p.rule == "property"]
    line = next(i for i, text in enumerate(with_property(name, value, on).splitlines(), 1)
                if f'name="{name}" value="{value}"' in text)
    assert (problem.element_id, problem.line, problem.file) == (on, line, "tiny_procedure.bpmn")
    assert name in problem.message and name in problem.message_en


@pytest.mark.parametrize("name, value, on", [
    ("clock", "supplement", "review"), ("outcome", "refused", "approved"), ("stage", "appraise", "review"),
    ("allottedTime", "P2D", "review"), ("allottedTime", "PT30M", "review"), ("decisionField", "decision", "review"),
])
def test_declared_values_are_accepted(name, value, on):
    validated, problems = validate_package(tiny_procedure.package(with_property(name, value, on)))
    assert validated is not None, problems


def test_a_decision_field_must_be_a_field_of_the_steps_form():
    diagram = with_property("decisionField", "verdict")
    (problem,) = [p for p in problems_of(tiny_procedure.package(diagram)) if p.rule == "property"]
    assert problem.element_id == "review" and "verdict" in problem.message_en


def test_a_step_with_no_way_out_is_refused():
    diagram = tiny_procedure.bpmn().replace('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="decide" />', "")
    diagram = diagram.replace("<bpmn:incoming>f3</bpmn:incoming>", "").replace("<bpmn:outgoing>f3</bpmn:outgoing>", "")
    problems = problems_of(tiny_procedure.package(diagram))
    dead = [p for p in problems if p.rule == "dead_end"]
    assert [p.element_id for p in dead] == ["review"] and dead[0].line is not None


def test_an_unnamed_end_event_of_the_dossiers_pool_is_refused():
    diagram = tiny_procedure.bpmn().replace('<bpmn:endEvent id="rejected" name="Từ chối">',
                                            '<bpmn:endEvent id="rejected">')
    (problem,) = [p for p in problems_of(tiny_procedure.package(diagram)) if p.rule == "result"]
    assert problem.element_id == "rejected" and problem.line is not None


def test_an_unnamed_end_event_inside_a_subprocess_is_not_a_result():
    sub = """<bpmn:subProcess id="inner" name="Bên trong"><bpmn:incoming>f9</bpmn:incoming>
      <bpmn:outgoing>f10</bpmn:outgoing>
      <bpmn:startEvent id="inner_start"><bpmn:outgoing>f11</bpmn:outgoing></bpmn:startEvent>
      <bpmn:endEvent id="inner_end"><bpmn:incoming>f11</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="f11" sourceRef="inner_start" targetRef="inner_end" /></bpmn:subProcess>"""
    diagram = (tiny_procedure.bpmn()
               .replace('<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="rejected" />',
                        '<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="inner" />'
                        '<bpmn:sequenceFlow id="f9" sourceRef="inner" targetRef="rejected" />')
               .replace("</bpmn:laneSet>", "</bpmn:laneSet>" + sub.replace("f9", "f5").replace("f10", "f9")))
    validated, problems = validate_package(tiny_procedure.package(diagram))
    assert not [p for p in problems if p.rule == "result"], problems


def files_with(**changes: bytes | None) -> ProcedurePackage:
    files = tiny_procedure.files()
    for name, content in changes.items():
        path = name.replace("__", "/").replace("_dot_", ".")
        if content is None:
            files.pop(path, None)
        else:
            files[path] = content
    return ProcedurePackage(key=tiny_procedure.KEY, files=files)


def test_a_form_with_bad_json_is_reported_once_as_bad_json():
    package = files_with(forms__review_dot_schema_dot_json=b'{"type": "object",\n oops}')
    problems = problems_of(package)
    assert [(p.rule, p.file, p.line) for p in problems] == [("form", "forms/review.schema.json", 2)]


def test_a_wrongly_named_form_file_is_reported_as_such_and_not_as_missing():
    package = files_with(forms__review_dot_schema_dot_json=None,
                         forms__review_dot_json=json.dumps(tiny_procedure.FORM).encode())
    problems = problems_of(package)
    (misnamed,) = [p for p in problems if p.file == "forms/review.json"]
    assert misnamed.rule == "form" and ".schema.json" in misnamed.message_en
    missing = [p for p in problems if "does not exist" in p.message_en]
    assert [p.element_id for p in missing] == ["review"]


def test_a_form_named_with_another_case_is_missing_with_a_hint():
    package = files_with(forms__review_dot_schema_dot_json=None,
                         forms__Review_dot_schema_dot_json=json.dumps(tiny_procedure.FORM).encode())
    (problem,) = [p for p in problems_of(package) if p.rule == "step"]
    assert "Review.schema.json" in problem.message_en and problem.element_id == "review"


def test_an_invalid_procedure_json_does_not_hide_the_lane_and_form_checks():
    metadata = {**tiny_procedure.METADATA, "time_limit": {"value": "three", "unit": "working_days"}}
    diagram = tiny_procedure.bpmn().replace('<bpmn:lane id="staff"', '<bpmn:lane id="unbound"').replace(
        'value="review.schema.json"', 'value="absent.schema.json"')
    rules = {p.rule for p in problems_of(tiny_procedure.package(diagram, metadata))}
    messages = " ".join(p.message_en for p in problems_of(tiny_procedure.package(diagram, metadata)))
    assert "procedure" in rules and "not bound" in messages and "absent.schema.json" in messages


def test_extra_keys_in_procedure_json_are_refused_on_their_line():
    metadata = {**tiny_procedure.METADATA, "time_limits": [{"value": 2, "unit": "working_days"}]}
    files = tiny_procedure.files(metadata=metadata)
    files["procedure.json"] = json.dumps(metadata, ensure_ascii=False, indent=2).encode()
    (problem,) = problems_of(ProcedurePackage(key=tiny_procedure.KEY, files=files))
    assert problem.rule == "procedure" and "time_limits" in problem.message and "time_limits" in problem.message_en
    assert problem.line == next(i for i, text in enumerate(files["procedure.json"].decode().splitlines(), 1)
                                if '"time_limits"' in text)


@pytest.mark.parametrize("package", [
    files_with(tiny_procedure_dot_bpmn=None),
    files_with(procedure_dot_json=None),
    files_with(procedure_dot_json=b"{\n  \"key\": oops\n}"),
    files_with(procedure_dot_json=json.dumps({**tiny_procedure.METADATA, "key": "other"}).encode()),
    files_with(forms__review_dot_schema_dot_json=b'{"type": "object", "properties": {"decision": {"type": "x"}}}'),
    ProcedurePackage(key="other_key", files=tiny_procedure.files(
        metadata={**tiny_procedure.METADATA, "key": "other_key"})),
], ids=["no_diagram", "no_procedure_json", "procedure_json_syntax", "key_mismatch", "form_schema", "no_process"])
def test_every_refusal_names_a_line(package):
    problems = problems_of(package)
    assert problems and all(p.line for p in problems), problems


def test_problems_of_procedure_json_and_forms_are_each_in_one_language():
    metadata = {**tiny_procedure.METADATA, "time_limit": {"value": 3, "unit": "fortnights"}, "extra": 1}
    files = tiny_procedure.files(metadata=metadata)
    files["forms/review.schema.json"] = b'{"type": "object",\n oops}'
    problems = problems_of(ProcedurePackage(key=tiny_procedure.KEY, files=files))
    english_words = ("is not", "Expecting", "property", "one of", "were unexpected")
    for problem in problems:
        assert not any(word in problem.message for word in english_words), problem.message
        assert problem.message_en.isascii() or "'" in problem.message_en, problem.message_en


def test_sandbox_refusals_are_each_in_one_language():
    for package in (tiny_procedure.package(script="import os"), tiny_procedure.package(condition="a ===")):
        (problem,) = [p for p in problems_of(package) if p.rule == "sandbox"]
        assert problem.message_en.isascii(), problem.message_en
        assert "invalid syntax" not in problem.message


def test_schema_problems_of_a_diagram_are_worded_in_vietnamese_in_the_vietnamese_message():
    diagram = tiny_procedure.bpmn().replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />',
                                            '<bpmn:sequenceFlow id="f1" targetRef="compute" />')
    problems = [p for p in problems_of(tiny_procedure.package(diagram)) if p.rule == "xsd"]
    assert problems and all("is required" not in p.message and "sourceRef" in p.message for p in problems)
    assert all("sourceRef" in p.message_en for p in problems)


def test_a_form_field_role_outside_the_vocabulary_is_located():
    form = {**tiny_procedure.FORM, "properties": {"decision": {**tiny_procedure.FORM["properties"]["decision"],
                                                               "x-motcua-role": "verdict"}}}
    package = files_with(forms__review_dot_schema_dot_json=json.dumps(form, indent=2).encode())
    (problem,) = problems_of(package)
    assert (problem.rule, problem.file, problem.element_id) == ("form", "forms/review.schema.json", "decision")
    assert problem.line and "verdict" in problem.message and "verdict" in problem.message_en
