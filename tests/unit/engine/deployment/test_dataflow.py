"""Variables a condition reads that nothing before it writes are reported as warnings."""

from __future__ import annotations

from engine.deployment.dataflow import form_fields
from engine.deployment.validate import validate_package
from tests.fixtures import tiny_procedure


def variable_warnings(**bpmn_args: str) -> list:
    validated, problems = validate_package(tiny_procedure.package(**bpmn_args))
    assert validated is not None, problems  # a warning does not stop deployment
    return [p for p in problems if p.rule == "variable"]


def test_a_condition_on_a_variable_nothing_writes_is_a_located_warning():
    (warning,) = variable_warnings(condition='verdict == "approve"')
    assert warning.severity == "warning" and warning.element_id == "f4" and warning.line is not None
    assert "verdict" in warning.message and "verdict" in warning.message_en


def test_form_fields_script_assignments_and_start_data_count_as_writes():
    assert variable_warnings(condition='decision == "approve" and total > 1 and channel == "online"') == []


def test_helpers_of_the_sandbox_are_not_variables():
    assert variable_warnings(condition='len(decision) > 0 and add_working_days(received_at, 1) != ""') == []


def test_a_write_on_another_branch_after_the_gateway_does_not_count():
    diagram = tiny_procedure.bpmn(condition="verdict == 1").replace(
        '<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="rejected" />',
        '<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="late" />'
        '<bpmn:scriptTask id="late" name="Sau"><bpmn:script>verdict = 1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f7" sourceRef="late" targetRef="rejected" />').replace(
        "<bpmn:flowNodeRef>rejected</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>rejected</bpmn:flowNodeRef><bpmn:flowNodeRef>late</bpmn:flowNodeRef>")
    validated, problems = validate_package(tiny_procedure.package(diagram))
    assert validated is not None, problems
    assert [(p.rule, p.element_id) for p in problems] == [("variable", "f4")]


def test_form_fields_include_those_of_conditional_branches():
    schema = {"type": "object", "properties": {"a": {}},
              "allOf": [{"if": {"properties": {"a": {"const": 1}}}, "then": {"properties": {"b": {}}}}],
              "oneOf": [{"properties": {"c": {}}}]}
    assert form_fields(schema) == {"a", "b", "c"}
