"""Workflow state: stored without the spec, as TEXT, and restored with every task's data."""

from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, text

from engine.persistence.models import Dossier
from engine.persistence.state import WorkflowCache, dump_workflow, load_workflow
from engine.persistence.task_rows import read_task_rows
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from tests.conftest import deploy, enterprise_start_data, open_tasks, stored_workflow
from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT, SUPPLEMENT


def _task_data(workflow: BpmnWorkflow) -> dict[str, dict]:
    return {str(t.id): t.data for t in workflow.get_tasks()}


@pytest.fixture
def stored_dossier(session_factory, ctx, center, actor) -> int:
    """A dossier with some history: start, supplementation requested and received."""
    deploy(session_factory, ctx, "enterprise_registration")
    with session_factory.begin() as session:
        dossier_id = start_dossier(session, ctx, "enterprise_registration", actor=actor, center_code=center.code,
                                   data=enterprise_start_data()).id
    for data in (APPRAISE_SUPPLEMENT, SUPPLEMENT):
        (task,) = open_tasks(session_factory, dossier_id)
        with session_factory.begin() as session:
            complete_task(session, ctx, task.id, actor=actor, data=data)
    return dossier_id


def _load(session_factory, ctx, dossier_id):
    """The full document SpiffWorkflow would write for the stored dossier, and its version."""
    with session_factory() as session:
        workflow = stored_workflow(session, ctx, dossier_id)
        version = ctx.version(session, session.get(Dossier, dossier_id).procedure_version_id)
        return dump_workflow(workflow), version


def test_stored_rows_hold_no_spec_and_restore_every_task(session_factory, ctx, stored_dossier):
    with session_factory() as session:
        meta = session.scalar(select(Dossier.state).where(Dossier.id == stored_dossier))
        rows = read_task_rows(session, stored_dossier)
    document = json.loads(meta)
    assert "spec" not in document and "subprocess_specs" not in document and "tasks" not in document
    assert [position for _, position, _ in rows] == sorted(position for _, position, _ in rows)
    state, version = _load(session_factory, ctx, stored_dossier)
    assert len(rows) == len(json.loads(state)["tasks"])
    workflow = load_workflow(state, version.spec, version.subprocess_specs)
    assert dump_workflow(workflow) == state
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert [t.task_spec.bpmn_id for t in ready] == ["appraise_dossier"]
    assert ready[0].data["missing_documents"] == APPRAISE_SUPPLEMENT["missing_documents"]
    assert ready[0].data["supplemented_documents"] == SUPPLEMENT["supplemented_documents"]


def test_jsonb_would_lose_task_data_but_text_keeps_it(session_factory, ctx, stored_dossier, is_postgresql):
    if not is_postgresql:
        pytest.skip("the JSONB key-reordering trap exists only on PostgreSQL")
    state, version = _load(session_factory, ctx, stored_dossier)
    expected = _task_data(load_workflow(state, version.spec, version.subprocess_specs))
    # Store the whole document in a scratch table and read it back as TEXT and through JSONB.
    with session_factory() as session:
        session.execute(text("CREATE TEMPORARY TABLE state_probe (body text)"))
        session.execute(text("INSERT INTO state_probe VALUES (:body)"), {"body": state})
        stored_text = session.execute(text("SELECT body FROM state_probe")).scalar()
        through_jsonb = session.execute(text("SELECT body::jsonb::text FROM state_probe")).scalar()
    assert _task_data(load_workflow(stored_text, version.spec, version.subprocess_specs)) == expected
    # The trap our TEXT column avoids: JSONB reorders the task map and children restore with {}.
    assert _task_data(load_workflow(through_jsonb, version.spec, version.subprocess_specs)) != expected


def test_cache_hands_out_a_workflow_once_and_only_for_its_version():
    cache = WorkflowCache(capacity=2)
    marker = object()
    cache.put(1, "v1", marker)  # type: ignore[arg-type]
    assert cache.take(1, "v0") is None
    cache.put(1, "v1", marker)  # type: ignore[arg-type]
    assert cache.take(1, "v1") is marker
    assert cache.take(1, "v1") is None
    for dossier_id in (1, 2, 3):
        cache.put(dossier_id, "v", marker)  # type: ignore[arg-type]
    assert cache.take(1, "v") is None and cache.take(3, "v") is marker
