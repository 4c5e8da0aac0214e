"""A failure while the diagram runs leaves the dossier a visible incident, never a crash or a stuck
dossier: one test per kind of failure, then listing and retrying incidents."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import IncidentStateError, PermissionDeniedError, StepLimitError, WorkflowFailedError
from engine.persistence.models import Dossier, DossierStatus, HumanTask, Official, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.context import build_context
from engine.runtime.dossiers import start_dossier
from engine.runtime.incidents import list_incidents, record_incident, retry_incident
from engine.runtime.tasks import claim_task, complete_task
from engine.settings import EngineSettings
from tests.conftest import LIBRARY, deploy, history, open_tasks
from tests.fixtures import tiny_procedure

REVIEW = """<bpmn:{tag} id="review" name="Xem xét">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:{tag}>"""


def diagram(after_review: str, *, review_tag: str = "userTask", flows: str = "",
            nodes: tuple[str, ...] = ("step",)) -> str:
    """start → review (a person) → ``after_review`` (element ``step``, to ``done``) → done."""
    return process(("start", "review", *nodes, "done"), f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {REVIEW.format(tag=review_tag)}
    {after_review}
    <bpmn:endEvent id="done" name="Xong"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="step" />
    {flows or '<bpmn:sequenceFlow id="f3" sourceRef="step" targetRef="done" />'}""")


def process(nodes: tuple[str, ...], body: str) -> str:
    """The tiny procedure's process, its ``nodes`` in one lane, with ``body`` as its elements."""
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="http://motcua.vn/t">
  <bpmn:process id="{tiny_procedure.KEY}" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="staff" name="Chuyên viên">{refs}</bpmn:lane></bpmn:laneSet>
    {body}
  </bpmn:process>
</bpmn:definitions>"""


def gateway(kind: str, condition: str) -> tuple[str, str]:
    node = f'<bpmn:{kind} id="step" default="f4"><bpmn:incoming>f2</bpmn:incoming>' \
           '<bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:' + kind + '>'
    flows = (f'<bpmn:sequenceFlow id="f3" sourceRef="step" targetRef="done">'
             f'<bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:sequenceFlow id="f4" sourceRef="step" targetRef="other" />')
    return node + '<bpmn:endEvent id="other" name="Khác"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>', flows


def script(text: str, loop: str = "") -> str:
    return (f'<bpmn:scriptTask id="step" name="Tính"><bpmn:incoming>f2</bpmn:incoming>'
            f'<bpmn:outgoing>f3</bpmn:outgoing>{loop}<bpmn:script>{text}</bpmn:script></bpmn:scriptTask>')


NOT_A_COLLECTION = script("n = item", loop='<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
                          '<bpmn:loopDataInputRef>decision</bpmn:loopDataInputRef>'
                          '<bpmn:inputDataItem id="item" /></bpmn:multiInstanceLoopCharacteristics>')
# A loop that never ends: the script runs, the gateway sends it back, for ever.
RUNAWAY_NODES = (script("n = 1") + '<bpmn:exclusiveGateway id="again" default="back">'
                 '<bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>back</bpmn:outgoing>'
                 '<bpmn:outgoing>out</bpmn:outgoing></bpmn:exclusiveGateway>')
RUNAWAY_FLOWS = ('<bpmn:sequenceFlow id="f3" sourceRef="step" targetRef="again" />'
                 '<bpmn:sequenceFlow id="back" sourceRef="again" targetRef="step" />'
                 '<bpmn:sequenceFlow id="out" sourceRef="again" targetRef="done">'
                 '<bpmn:conditionExpression>n == 2</bpmn:conditionExpression></bpmn:sequenceFlow>')


def _deploy(session_factory, ctx, tmp_path, content: str) -> None:
    folder = tmp_path / tiny_procedure.KEY
    for name, body in tiny_procedure.files(diagram=content).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    deploy(session_factory, ctx, tiny_procedure.KEY, folder)


def _start(session_factory, ctx, center, actor) -> Dossier:
    with session_factory.begin() as session:
        return start_dossier(session, ctx, tiny_procedure.KEY, actor=actor, center_code=center.code,
                             data={"applicant": {"applicant_name": "Phạm Văn Bình"}, "rounds": 0})


def _fail_review(session_factory, ctx, dossier, actor) -> WorkflowFailedError:
    """Complete the review; the failure is recorded as the API does: roll back, record, commit."""
    (task,) = open_tasks(session_factory, dossier.id)
    session = session_factory()
    try:
        with pytest.raises(WorkflowFailedError) as caught:
            complete_task(session, ctx, task.id, actor=actor, data={"decision": "approve"})
        assert record_incident(session, ctx, caught.value, actor)
        session.commit()
    finally:
        session.close()
    return caught.value


def _status(session_factory, dossier_id: int) -> DossierStatus:
    with session_factory() as session:
        return session.scalar(select(Dossier.status).where(Dossier.id == dossier_id))


def _assert_incident(session_factory, dossier, error, element_id: str) -> dict:
    assert error.element_id == element_id and error.retry["kind"] == "complete"
    assert _status(session_factory, dossier.id) == DossierStatus.FAILED
    event = history(session_factory, dossier.id)[-1]
    assert (event.event_type, event.element_id) == ("dossier_failed", element_id)
    assert event.prev_hash == history(session_factory, dossier.id)[-2].hash  # chained
    assert error.message.startswith(event.payload["message"]) and "quản trị viên" in error.message
    assert error.message_en.startswith(event.payload["message_en"]) and "administrators told" in error.message_en
    assert error.incident["status"] == "failed" and error.incident["dossier"] == dossier.code
    (task,) = open_tasks(session_factory, dossier.id)  # the completion was rolled back whole
    assert task.element_id == "review" and task.completed_at is None
    return event.payload


@pytest.mark.parametrize("kind", ["exclusiveGateway", "inclusiveGateway"])
def test_a_condition_on_an_unset_variable_is_an_incident_naming_the_expression(
        session_factory, ctx, center, actor, tmp_path, kind):
    node, flows = gateway(kind, 'nowhere == "x"')
    _deploy(session_factory, ctx, tmp_path, diagram(node, flows=flows, nodes=("step", "other")))
    dossier = _start(session_factory, ctx, center, actor)
    error = _fail_review(session_factory, ctx, dossier, actor)
    payload = _assert_incident(session_factory, dossier, error, "step")
    assert payload["expression"] == 'nowhere == "x"' and "nowhere" in payload["detail"]
    assert "nowhere == \"x\"" in error.message and "biểu thức" in error.message
    assert "evaluating" in error.message_en and "Bước" not in error.message_en


def test_a_multi_instance_over_something_not_a_collection_is_an_incident(
        session_factory, ctx, center, actor, tmp_path):
    _deploy(session_factory, ctx, tmp_path, diagram(NOT_A_COLLECTION))
    dossier = _start(session_factory, ctx, center, actor)
    error = _fail_review(session_factory, ctx, dossier, actor)
    _assert_incident(session_factory, dossier, error, "step")


def test_a_script_naming_an_unset_variable_is_an_incident_at_its_line(
        session_factory, ctx, center, actor, tmp_path):
    _deploy(session_factory, ctx, tmp_path, diagram(script("a = 1\nb = nowhere + 1")))
    dossier = _start(session_factory, ctx, center, actor)
    error = _fail_review(session_factory, ctx, dossier, actor)
    payload = _assert_incident(session_factory, dossier, error, "step")
    assert "NameError" in payload["detail"] and "nowhere" in payload["detail"]


SIGNAL_THROW = ('<bpmn:intermediateThrowEvent id="step" name="Báo"><bpmn:incoming>f2</bpmn:incoming>'
                '<bpmn:outgoing>f3</bpmn:outgoing><bpmn:signalEventDefinition signalRef="sig" />'
                '</bpmn:intermediateThrowEvent>')
SIGNAL = ('</bpmn:process><bpmn:signal id="sig" name="go"><bpmn:extensionElements>'
          '<spiffworkflow:payloadExpression>nowhere</spiffworkflow:payloadExpression>'
          '</bpmn:extensionElements></bpmn:signal>')


def test_a_signal_payload_naming_an_unset_variable_is_an_incident(session_factory, ctx, center, actor, tmp_path):
    _deploy(session_factory, ctx, tmp_path, diagram(SIGNAL_THROW).replace("</bpmn:process>", SIGNAL))
    dossier = _start(session_factory, ctx, center, actor)
    error = _fail_review(session_factory, ctx, dossier, actor)
    payload = _assert_incident(session_factory, dossier, error, "step")
    assert payload["expression"] == "nowhere" and "“Báo” (step)" in error.message


def test_a_runaway_loop_stops_at_the_step_limit_as_an_incident(session_factory, clock, center, actor, tmp_path):
    ctx = build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True, max_steps_per_command=300),
                        clock)
    _deploy(session_factory, ctx, tmp_path, diagram(RUNAWAY_NODES, flows=RUNAWAY_FLOWS, nodes=("step", "again")))
    dossier = _start(session_factory, ctx, center, actor)
    error = _fail_review(session_factory, ctx, dossier, actor)
    assert isinstance(error, StepLimitError) and "300" in error.message
    _assert_incident(session_factory, dossier, error, error.element_id)
    assert error.element_id in ("step", "again")


def test_a_plain_task_waits_in_an_inbox_and_completes_like_a_user_task(
        session_factory, ctx, center, actor, tmp_path):
    _deploy(session_factory, ctx, tmp_path, diagram(script("n = 1"), review_tag="task"))
    dossier = _start(session_factory, ctx, center, actor)
    (task,) = open_tasks(session_factory, dossier.id)
    binding = tiny_procedure.METADATA["lanes"]["staff"]
    assert (task.element_id, task.department, task.candidate_role) == ("review", binding["department"], "specialist")
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=actor, data={"decision": "approve"})
    assert _status(session_factory, dossier.id) == DossierStatus.COMPLETED
    completed = [e for e in history(session_factory, dossier.id) if e.event_type == "task_completed"]
    assert [(e.element_id, e.element_type) for e in completed] == [("review", "task")]


FAILING_AT_RECEPTION = diagram(script("n = 1")).replace('targetRef="review"', 'targetRef="early"').replace(
    "<bpmn:startEvent", script("x = 1\ny = nowhere").replace('id="step"', 'id="early"').replace(
        "<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>",
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f0</bpmn:outgoing>")
    + '<bpmn:sequenceFlow id="f0" sourceRef="early" targetRef="review" /><bpmn:startEvent').replace(
    "<bpmn:flowNodeRef>start</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>start</bpmn:flowNodeRef>"
    "<bpmn:flowNodeRef>early</bpmn:flowNodeRef>")


def test_a_failed_reception_keeps_the_received_dossier_as_an_incident_naming_the_step(
        session_factory, ctx, center, actor, tmp_path):
    _deploy(session_factory, ctx, tmp_path, FAILING_AT_RECEPTION)
    session = session_factory()
    try:
        with pytest.raises(WorkflowFailedError) as caught:
            start_dossier(session, ctx, tiny_procedure.KEY, actor=actor, center_code=center.code,
                          data={"applicant": {"applicant_name": "Phạm Văn Bình"}, "rounds": 0})
        session.commit()  # what the API does with the session the failure left: the incident is kept
    finally:
        session.close()
    error = caught.value
    assert error.element_id == "early" and error.retry == {"kind": "resume"}
    with session_factory() as session:
        (dossier,) = session.scalars(select(Dossier)).all()
        assert dossier.status == DossierStatus.FAILED and dossier.applicant_name == "Phạm Văn Bình"
    assert error.incident == {"dossier": dossier.code, "status": "failed", "told": []}
    events = history(session_factory, dossier.id)
    # Received, then failed: nothing the diagram did before failing is left.
    assert [e.event_type for e in events] == ["dossier_received", "dossier_failed"]
    assert events[1].prev_hash == events[0].hash
    assert events[1].element_id == "early" and "nowhere" in events[1].payload["message_en"]
    assert events[1].payload["previous_status"] == "processing"
    assert open_tasks(session_factory, dossier.id) == []


def loop_before_review(rounds: int) -> str:
    """start → a script counting rounds, looped until ``rounds`` by a gateway → review → done."""
    review = REVIEW.format(tag="userTask").replace("<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2",
                                                   "<bpmn:incoming>out</bpmn:incoming><bpmn:outgoing>f3")
    return process(("start", "step", "again", "review", "done"), f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="step" name="Đếm"><bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>back</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>rounds = rounds + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="again" default="back"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>back</bpmn:outgoing><bpmn:outgoing>out</bpmn:outgoing></bpmn:exclusiveGateway>
    {review}
    <bpmn:endEvent id="done" name="Xong"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step" />
    <bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="again" />
    <bpmn:sequenceFlow id="back" sourceRef="again" targetRef="step" />
    <bpmn:sequenceFlow id="out" sourceRef="again" targetRef="review">
      <bpmn:conditionExpression>rounds &gt;= {rounds}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="done" />""")


# --- Listing and retrying ----------------------------------------------------------------------

# Forty rounds of a loop: past a limit of 100 steps, well within the default one.
COUNTED_NODES = RUNAWAY_NODES.replace("n = 1", "rounds = rounds + 1")
COUNTED_FLOWS = RUNAWAY_FLOWS.replace("n == 2", "rounds &gt;= 40")


def test_an_incident_is_listed_refuses_other_commands_and_retries_once_the_cause_is_fixed(
        session_factory, clock, center, actor, admin, tmp_path):
    tight = build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True, max_steps_per_command=100),
                          clock)
    _deploy(session_factory, tight, tmp_path, diagram(COUNTED_NODES, flows=COUNTED_FLOWS, nodes=("step", "again")))
    dossier = _start(session_factory, tight, center, actor)
    error = _fail_review(session_factory, tight, dossier, actor)
    assert isinstance(error, StepLimitError) and error.incident["told"] == ["Vũ Thị Quản"]

    with session_factory() as session:
        (incident,) = list_incidents(session, admin)
        assert (incident.dossier_code, incident.element_id, incident.payload["error"]) == (
            dossier.code, error.element_id, "step_limit_exceeded")
        with pytest.raises(PermissionDeniedError):
            list_incidents(session, _official_actor(session, ctx=tight))
    (task,) = open_tasks(session_factory, dossier.id)
    with pytest.raises(IncidentStateError), session_factory.begin() as session:
        claim_task(session, tight, task.id, actor=actor)

    with pytest.raises(WorkflowFailedError) as again, session_factory.begin() as session:
        retry_incident(session, tight, dossier.code, actor=admin)  # nothing fixed yet: fails again
    with session_factory() as session:
        assert record_incident(session, tight, again.value, admin)
        session.commit()
    assert _status(session_factory, dossier.id) == DossierStatus.FAILED

    fixed = build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True), clock)
    with session_factory.begin() as session:
        retry_incident(session, fixed, dossier.code, actor=admin)
    assert _status(session_factory, dossier.id) == DossierStatus.COMPLETED
    events = [(e.event_type, e.actor_name) for e in history(session_factory, dossier.id)]
    assert ("incident_retried", "Vũ Thị Quản") in events
    assert ("task_completed", actor.name) in events  # the official's decision, re-run in their name
    with session_factory() as session:
        assert list_incidents(session, admin) == []
        assert session.get(HumanTask, task.id).status == TaskStatus.COMPLETED
    with pytest.raises(IncidentStateError), session_factory.begin() as session:
        retry_incident(session, fixed, dossier.code, actor=admin)


def test_a_failed_reception_is_retried_from_the_start_once_the_cause_is_fixed(
        session_factory, clock, center, actor, admin, tmp_path):
    tight = build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True, max_steps_per_command=100),
                          clock)
    _deploy(session_factory, tight, tmp_path, loop_before_review(40))
    session = session_factory()
    try:
        with pytest.raises(StepLimitError) as caught:
            start_dossier(session, tight, tiny_procedure.KEY, actor=actor, center_code=center.code,
                          data={"applicant": {"applicant_name": "Phạm Văn Bình"}, "rounds": 0})
        session.commit()
    finally:
        session.close()
    code = caught.value.incident["dossier"]
    with session_factory() as session:
        (incident,) = list_incidents(session, admin)
        assert (incident.dossier_code, incident.payload["retry"]) == (code, {"kind": "resume"})

    fixed = build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True), clock)
    with session_factory.begin() as session:
        dossier = retry_incident(session, fixed, code, actor=admin)
        assert dossier.status == DossierStatus.PROCESSING
    (task,) = open_tasks(session_factory, dossier.id)
    assert task.element_id == "review"
    with session_factory() as session:
        data = session.get(Dossier, dossier.id).data
        assert data["rounds"] == 40 and data["dossier_code"] == code  # run from the start, on the intake data
    events = [e.event_type for e in history(session_factory, dossier.id)]
    assert events[:3] == ["dossier_received", "dossier_failed", "incident_retried"]


def _official_actor(session, ctx) -> Actor:
    official = Official(username="chuyenvien", full_name="Trần Văn Minh", password_hash="x", roles=["specialist"],
                        active=True, created_at=ctx.clock.now())
    session.add(official)
    session.flush()
    return Actor(official.id, official.full_name)
