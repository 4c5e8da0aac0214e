"""Draft save: only the holder saves and reads a task's draft; completion clears it in its own write."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import FormInvalidError, NotFoundError, TaskNotReadyError
from engine.persistence.models import HumanTask
from engine.runtime.dossiers import start_dossier
from engine.runtime.drafts import MAX_DRAFT_BYTES, held_draft, save_draft
from engine.runtime.tasks import claim_task, complete_task
from tests.conftest import deploy, enterprise_start_data, open_tasks
from tests.procedures.test_enterprise_registration import APPRAISE_OK


def appraisal_task(session_factory, ctx, center, staff) -> HumanTask:
    """The open appraisal task of a fresh enterprise_registration dossier."""
    deploy(session_factory, ctx, "enterprise_registration")
    with session_factory.begin() as session:
        dossier = start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                                center_code=center.code, data=enterprise_start_data())
    (task,) = open_tasks(session_factory, dossier.id)
    return task


@pytest.fixture
def appraisal(session_factory, ctx, center, staff):
    """The appraisal task of a fresh dossier, claimed by the office's first specialist: (task id, holder)."""
    task = appraisal_task(session_factory, ctx, center, staff)
    holder = staff.for_task(task.id)
    with session_factory.begin() as session:
        claim_task(session, ctx, task.id, actor=holder)
    return task.id, holder


def _draft_of(session_factory, task_id, actor):
    with session_factory() as session:
        return held_draft(session, session.get(HumanTask, task_id), actor)


def test_the_holder_saves_and_reads_a_half_filled_form(session_factory, ctx, appraisal):
    task_id, holder = appraisal
    with session_factory.begin() as session:
        save_draft(session, ctx, task_id, actor=holder, data={"appraisal_opinion": "Đang xem"})
    assert _draft_of(session_factory, task_id, holder) == {"appraisal_opinion": "Đang xem"}
    with session_factory() as session:
        assert session.scalar(select(HumanTask.draft_saved_at).where(HumanTask.id == task_id)) == ctx.clock.now()


def test_a_colleague_neither_saves_nor_reads_it(session_factory, ctx, appraisal, staff):
    task_id, holder = appraisal
    with session_factory.begin() as session:
        save_draft(session, ctx, task_id, actor=holder, data={"appraisal_opinion": "Của tôi"})
    colleague = staff.of("so_tai_chinh.phong_dkkd", "specialist", 2)
    with pytest.raises(TaskNotReadyError, match="Chỉ người đang xử lý"), session_factory.begin() as session:
        save_draft(session, ctx, task_id, actor=colleague, data={"appraisal_opinion": "Của người khác"})
    assert _draft_of(session_factory, task_id, colleague) is None
    reception = staff.reception  # outside the task's scope: not found, as a missing task
    with pytest.raises(NotFoundError), session_factory.begin() as session:
        save_draft(session, ctx, task_id, actor=reception, data={})
    assert _draft_of(session_factory, task_id, holder) == {"appraisal_opinion": "Của tôi"}


def test_completion_clears_the_draft(session_factory, ctx, appraisal):
    task_id, holder = appraisal
    with session_factory.begin() as session:
        save_draft(session, ctx, task_id, actor=holder, data={"appraisal_opinion": "Nháp"})
    with session_factory.begin() as session:
        complete_task(session, ctx, task_id, actor=holder, data=APPRAISE_OK)
    with session_factory() as session:
        task = session.get(HumanTask, task_id)
        assert (task.draft, task.draft_saved_at, task.submitted_data) == (None, None, APPRAISE_OK)


def test_a_draft_is_an_object_of_bounded_size(session_factory, ctx, appraisal):
    task_id, holder = appraisal
    for bad in (["a list"], {"appraisal_opinion": "x" * MAX_DRAFT_BYTES}):
        with pytest.raises(FormInvalidError), session_factory.begin() as session:
            save_draft(session, ctx, task_id, actor=holder, data=bad)
    assert _draft_of(session_factory, task_id, holder) is None
