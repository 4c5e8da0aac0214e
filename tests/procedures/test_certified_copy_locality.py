"""Chứng thực bản sao at commune level, in the demo province's real organisation: a dossier received
at phường Hạ Long's center goes, step by step, to that ward's own justice and civil status officer,
chairman and one-stop desk, who take it to its result; officials of phường Hồng Gai, served by the
same center, neither see nor can claim any of its tasks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from demo.org_plan import plan_org
from demo.org_seed import apply_org
from engine.access.policy import task_scope
from engine.errors import FormInvalidError, NotFoundError
from engine.persistence.models import DossierStatus, HumanTask, Official, TaskStatus, Unit
from engine.runtime.command import Actor
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from tests.conftest import deploy, history, open_tasks
from tests.procedures.driver import final
from tests.procedures.test_certified_copy import APPRAISE_OK, KEY, PROCEDURE, RETURN, SIGN

HA_LONG, HONG_GAI = "ubnd_phuong_ha_long", "ubnd_phuong_hong_gai"
# (step, the unit below the ward's committee ("" for the committee itself), role, the Hạ Long official)
STEPS = [("appraise_dossier", ".tu_phap_ho_tich", "specialist", "tuphap_halong", APPRAISE_OK),
         ("approve_dossier", "", "unit_leader", "chutich_halong", SIGN),
         ("return_result", ".mot_cua", "reception", "tiepnhan_halong", RETURN)]


@pytest.fixture
def province(session_factory, clock):
    with session_factory.begin() as session:
        apply_org(session, plan_org(), clock.now(), clock.now().date(), "-")


def official(session, username: str) -> Official:
    return session.scalar(select(Official).where(Official.username == username))


def officials_of(session, unit: str, role: str) -> list[Official]:
    return [o for o in session.scalars(select(Official).join(Unit, Official.unit_id == Unit.id)
                                       .where(Unit.code == unit, Official.active.is_(True)))
            if role in o.roles]


def visible_tasks(session, who: Official, day) -> set:
    """The open tasks the access policy lets ``who`` see (the inbox and task lists filter with it)."""
    return set(session.scalars(select(HumanTask.id).where(
        task_scope(session, who, day), HumanTask.status.in_((TaskStatus.READY, TaskStatus.CLAIMED)))))


def test_a_commune_dossier_is_handled_by_its_own_ward_and_hidden_from_the_neighbour(
        session_factory, ctx, clock, province):
    deploy(session_factory, ctx, KEY)  # checked against the province: every ward has the units
    day = clock.now().date()
    with session_factory.begin() as session:
        receptionist = official(session, "tiepnhan_halong")
        dossier = start_dossier(session, ctx, KEY, actor=Actor.of(receptionist), center_code="hcc_ha_long",
                                data=PROCEDURE.start_data())
        dossier_id = dossier.id
        assert dossier.locality == HA_LONG

    for element, suffix, role, username, data in STEPS:
        [task] = open_tasks(session_factory, dossier_id)
        assert (task.element_id, task.department, task.candidate_role) == (element, HA_LONG + suffix, role)
        with session_factory() as session:
            neighbours = officials_of(session, HONG_GAI + suffix, role)
            assert neighbours and all(n.center_id == task.center_id for n in neighbours)  # same center
            for neighbour in neighbours:
                assert task.id not in visible_tasks(session, neighbour, day)
            doer = official(session, username)
            assert task.id in visible_tasks(session, doer, day)
        for neighbour in neighbours:
            with session_factory.begin() as session, pytest.raises(NotFoundError):
                claim_task(session, ctx, task.id, actor=Actor.of(neighbour))
        with session_factory.begin() as session:
            claim_task(session, ctx, task.id, actor=Actor.of(doer))
        with session_factory.begin() as session:
            complete_task(session, ctx, task.id, actor=Actor.of(doer), data=data)

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED and dossier.result_element_id == "result_returned"
    received = [e for e in history(session_factory, dossier_id) if e.event_type == "dossier_received"]
    assert received[0].payload["locality"] == HA_LONG


def test_the_provincial_center_cannot_receive_a_commune_level_dossier(session_factory, ctx, clock, province):
    deploy(session_factory, ctx, KEY)
    with session_factory.begin() as session:
        receptionist = official(session, "tiepnhan")
        with pytest.raises(FormInvalidError) as refused:
            start_dossier(session, ctx, KEY, actor=Actor.of(receptionist), center_code="hcc_tinh",
                          data=PROCEDURE.start_data())
    assert [p.field for p in refused.value.problems] == ["center"]
