"""A task's form as one official sees it: the schema, the declared decision field and its choices,
and what the policy lets them do."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import NotFoundError
from engine.persistence.models import Official
from engine.reads.task_forms import Choice, choices, task_form
from engine.runtime.tasks import claim_task
from tests.unit.engine.runtime.test_drafts import appraisal_task


def test_choices_read_one_of_with_titles_or_a_plain_enum():
    assert choices({"oneOf": [{"const": "a", "title": "Một"}, {"const": 2}]}) == (Choice("a", "Một"), Choice("2", "2"))
    assert choices({"enum": ["x", "y"]}) == (Choice("x", "x"), Choice("y", "y"))
    assert choices({"type": "string"}) == () and choices(None) == ()


def _official(session, actor):
    return session.scalar(select(Official).where(Official.id == actor.id))


def test_the_task_form_names_the_decisions_and_what_the_official_may_do(session_factory, ctx, center, staff):
    task = appraisal_task(session_factory, ctx, center, staff)
    specialist, reception = staff.for_task(task.id), staff.reception
    colleague = staff.of("so_tai_chinh.phong_dkkd", "specialist", 2)
    with session_factory() as session:
        view = task_form(session, ctx, _official(session, specialist), task.id)
        assert view.schema["title"] == "Thẩm định hồ sơ" and view.decision_field == "appraisal_decision"
        assert [d.value for d in view.decisions] == ["request_supplement", "propose_approval", "propose_refusal"]
        assert (view.may_claim, view.may_complete, view.held, view.draft) == (True, False, False, None)
        with pytest.raises(NotFoundError):
            task_form(session, ctx, _official(session, reception), task.id)
    with session_factory.begin() as session:
        claim_task(session, ctx, task.id, actor=specialist)
    with session_factory() as session:
        view = task_form(session, ctx, _official(session, specialist), task.id)
        assert (view.may_claim, view.may_complete, view.held) == (False, True, True)
        assert task_form(session, ctx, _official(session, colleague), task.id).may_complete is False
