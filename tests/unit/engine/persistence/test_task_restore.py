"""engine.persistence.state restores a task map itself (cheaper per task than SpiffWorkflow's own
converter); what it gives must be exactly what the library gives, typed values and waiting events
included. Every procedure test checks the same after each step (tests/procedures/driver.py)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from SpiffWorkflow.util.task import TaskState

from engine.persistence.models import Dossier
from engine.persistence.state import load_stored_workflow, serializer
from engine.persistence.task_rows import read_task_rows
from engine.runtime.dossiers import start_dossier
from tests.conftest import deploy, library_task_restore, restored_tasks, stored_workflow
from tests.fixtures import tiny_procedure
from tests.integration.engine.test_timers import EXPIRY


def _start_tiny(session_factory, ctx, center, staff, tmp_path, data):
    folder = tmp_path / tiny_procedure.KEY
    for name, content in tiny_procedure.files(extra_process=EXPIRY).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    deploy(session_factory, ctx, tiny_procedure.KEY, folder)
    with session_factory.begin() as session:
        return start_dossier(session, ctx, tiny_procedure.KEY, actor=staff.reception, center_code=center.code,
                             data=data).id


def _both(session_factory, ctx, dossier_id):
    with session_factory() as session:
        ours = stored_workflow(session, ctx, dossier_id)
        with library_task_restore():
            library = stored_workflow(session, ctx, dossier_id)
    return ours, library


def test_a_waiting_timer_restores_as_the_library_restores_it(session_factory, ctx, center, staff, tmp_path):
    data = {"applicant": {"applicant_name": "Phạm Văn Bình"}, "note": 'chứa chữ "typename" trong câu'}
    dossier_id = _start_tiny(session_factory, ctx, center, staff, tmp_path, data)
    ours, library = _both(session_factory, ctx, dossier_id)

    waiting = [t for t in library.tasks.values() if t.has_state(TaskState.WAITING)]
    assert [t.task_spec.bpmn_id for t in waiting] == ["no_reply"]  # the path that registers a waiting event
    assert set(library.event_manager.tasks) == {t.id for t in waiting}
    assert restored_tasks(ours) == restored_tasks(library)
    assert set(ours.event_manager.tasks) == {t.id for t in waiting}
    assert ours.last_task.data["note"] == 'chứa chữ "typename" trong câu'


def test_restored_tasks_do_not_share_their_data(session_factory, ctx, center, staff, tmp_path):
    dossier_id = _start_tiny(session_factory, ctx, center, staff, tmp_path,
                             {"applicant": {"applicant_name": "Phạm Văn Bình"}, "documents": ["don"]})
    ours, _ = _both(session_factory, ctx, dossier_id)
    tasks = [t for t in ours.tasks.values() if "documents" in t.data]
    assert len(tasks) >= 2
    tasks[-1].data["documents"].append("ban_sao")
    tasks[-1].data["applicant"]["applicant_name"] = "Khác"
    assert all(t.data["documents"] == ["don"] for t in tasks[:-1])
    # One level is copied, as SpiffWorkflow's DeepMerge.merge({}, parent.data) copies it: nested
    # dicts below the first level are shared by the library too.
    _, library = _both(session_factory, ctx, dossier_id)
    lib_tasks = [t for t in library.tasks.values() if "documents" in t.data]
    lib_tasks[-1].data["documents"].append("ban_sao")
    assert all(t.data["documents"] == ["don"] for t in lib_tasks[:-1])


def test_typed_values_in_a_row_restore_as_the_library_restores_them(session_factory, ctx, center, staff, tmp_path):
    """A row holding a typed value (internal data is converted through the registry when stored) is
    restored through the registry; the rows around it are taken as parsed."""
    dossier_id = _start_tiny(session_factory, ctx, center, staff, tmp_path,
                             {"applicant": {"applicant_name": "Phạm Văn Bình"}})
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        rows = read_task_rows(session, dossier_id)
        version = ctx.version(session, dossier.procedure_version_id)
        meta = dossier.state
    typed = {"fee": Decimal("150000.50"), "issued_on": date(2026, 11, 30)}
    edited = []
    for task_id, position, body in rows:
        document = json.loads(body)
        if document["task_spec"] == "review":
            document["internal_data"] = serializer().registry.convert(typed)
        edited.append((task_id, position, json.dumps(document, ensure_ascii=False)))

    ours = load_stored_workflow(meta, edited, version.spec, version.subprocess_specs)
    with library_task_restore():
        library = load_stored_workflow(meta, edited, version.spec, version.subprocess_specs)
    assert restored_tasks(ours) == restored_tasks(library)
    (review,) = [t for t in ours.tasks.values() if t.task_spec.bpmn_id == "review"]
    assert review.internal_data == typed and type(review.internal_data["fee"]) is Decimal
