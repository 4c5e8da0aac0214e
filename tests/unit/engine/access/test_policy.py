"""The access policy on a small province: a provincial center above two local centers that share
the same units, and one official of each kind. Each finding of the access review has a test here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.policy import authorize, dossier_scope, task_scope
from engine.access.rules import Action
from engine.errors import NotFoundError, PermissionDeniedError
from engine.persistence.models import Center, Dossier, HumanTask, Official, Unit
from engine.runtime.actions import extend_deadline, stop_dossier, withdraw_dossier
from engine.runtime.assignments import reassign_tasks
from engine.runtime.command import Actor
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from tests.conftest import deploy_package
from tests.fixtures import tiny_procedure

OFFICE, LEADERSHIP, DESK = "phong_thu_nghiem", "so_thu_nghiem", "mot_cua"
PEOPLE = {  # username: (roles, unit, center)
    "tn_a": (["reception"], DESK, "hcc_a"),
    "tn_b": (["reception"], DESK, "hcc_b"),
    "cv_a": (["specialist"], OFFICE, "hcc_a"),
    "cv_a2": (["specialist"], OFFICE, "hcc_a"),
    "cv_b": (["specialist"], OFFICE, "hcc_b"),
    "cv_tinh": (["specialist"], OFFICE, "hcc_tinh"),
    "ld_a": (["unit_leader"], LEADERSHIP, "hcc_a"),
    "gd_a": (["center_leader"], DESK, "hcc_a"),
    "gd_b": (["center_leader"], DESK, "hcc_b"),
    "kt": (["auditor"], None, "hcc_tinh"),
    "gs": (["supervisor"], None, "hcc_a"),
    "qt": (["admin"], None, None),
    "pt": (["analyst"], None, None),
}


@pytest.fixture
def people(session_factory, clock) -> dict[str, Official]:
    with session_factory.begin() as session:
        province = Center(code="hcc_tinh", name="Tỉnh", agency_identifier="000.00.00.H98", kind="provincial")
        session.add(province)
        session.flush()
        centers = {"hcc_tinh": province}
        for code, agency in (("hcc_a", "000.00.01.H98"), ("hcc_b", "000.00.02.H98")):
            centers[code] = Center(code=code, name=code, agency_identifier=agency, parent_id=province.id)
            session.add(centers[code])
        leadership = Unit(code=LEADERSHIP, name="Sở thử nghiệm", kind="department")
        desk = Unit(code=DESK, name="Một cửa", kind="desk")
        session.add_all([leadership, desk])
        session.flush()
        office = Unit(code=OFFICE, name="Phòng thử nghiệm", kind="division", parent_id=leadership.id)
        session.add(office)
        session.flush()
        units = {OFFICE: office, LEADERSHIP: leadership, DESK: desk}
        result = {}
        for username, (roles, unit, center) in PEOPLE.items():
            result[username] = Official(username=username, full_name=username, password_hash="-", roles=roles,
                                        unit_id=units[unit].id if unit else None,
                                        center_id=centers[center].id if center else None, active=True,
                                        created_at=clock.now())
            session.add(result[username])
    lanes = {"staff": {"department": OFFICE, "role": "specialist"}}
    deploy_package(session_factory, clock, tiny_procedure.package(metadata={**tiny_procedure.METADATA, "lanes": lanes}))
    return result


def as_actor(people, username: str) -> Actor:
    return Actor(people[username].id, username)


def receive(session_factory, ctx, people, center: str, by: str) -> Dossier:
    with session_factory.begin() as session:
        return start_dossier(session, ctx, tiny_procedure.KEY, actor=as_actor(people, by), center_code=center,
                             data={"applicant": {"applicant_name": "Trần Dân"}})


def task_of(session_factory, dossier: Dossier) -> HumanTask:
    with session_factory() as session:
        return session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier.id))


def test_reception_receives_only_at_its_own_center(session_factory, ctx, people):
    assert receive(session_factory, ctx, people, "hcc_a", "tn_a").code
    for username in ("tn_a", "cv_a", "gd_a", "kt", "gs", "qt", "pt"):
        with pytest.raises(PermissionDeniedError) as refused:
            receive(session_factory, ctx, people, "hcc_b", username)
        assert "dossier.start" in refused.value.message and "dossier.start" in refused.value.message_en
        assert "tiếp nhận" in refused.value.message and "reception" in refused.value.message_en


def test_local_centers_sharing_a_unit_see_and_claim_only_their_own_tasks(session_factory, ctx, people):
    task = task_of(session_factory, receive(session_factory, ctx, people, "hcc_a", "tn_a"))
    with session_factory.begin() as session, pytest.raises(NotFoundError):
        claim_task(session, ctx, task.id, actor=as_actor(people, "cv_b"))  # same unit, the other local center
    with session_factory() as session:
        def seen_by(username: str) -> list:
            official = session.get(Official, people[username].id)
            return list(session.scalars(select(HumanTask.id).where(task_scope(session, official, ctx.today()))))

        assert seen_by("cv_b") == []
        seen = seen_by("cv_tinh")
        assert list(seen) == [task.id]  # the provincial center's staff serve the local centers below it
    with session_factory.begin() as session:
        claim_task(session, ctx, task.id, actor=as_actor(people, "cv_a"))
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError, match="task.complete"):
        complete_task(session, ctx, task.id, actor=as_actor(people, "cv_a2"), data={"decision": "approve"})
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=as_actor(people, "cv_a"), data={"decision": "approve"})


def test_a_center_leader_reassigns_only_at_their_own_center(session_factory, ctx, people):
    task = task_of(session_factory, receive(session_factory, ctx, people, "hcc_a", "tn_a"))
    for username in ("gd_b", "qt"):
        with session_factory.begin() as session, pytest.raises(NotFoundError):
            reassign_tasks(session, ctx, [task.id], actor=as_actor(people, username),
                           to_official_id=people["cv_a"].id, reason="Phân công")
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError, match="task.reassign"):
        reassign_tasks(session, ctx, [task.id], actor=as_actor(people, "cv_a"), to_official_id=people["cv_a"].id,
                       reason="Phân công")
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError, match="cv_b"):
        reassign_tasks(session, ctx, [task.id], actor=as_actor(people, "gd_a"), to_official_id=people["cv_b"].id,
                       reason="Sang trung tâm khác")  # nobody of another local center can be given the task
    with session_factory.begin() as session:
        reassign_tasks(session, ctx, [task.id], actor=as_actor(people, "gd_a"), to_official_id=people["cv_a"].id,
                       reason="Phân công")
    with session_factory() as session:
        assert session.get(HumanTask, task.id).assignee_id == people["cv_a"].id


@pytest.mark.parametrize("command", ["withdraw", "stop", "extend"])
def test_withdraw_stop_and_extend_by_the_center_leader_or_the_unit_leader_holding_the_dossier(
        session_factory, ctx, people, command):
    def run(dossier: Dossier, username: str) -> None:
        actor = as_actor(people, username)
        with session_factory.begin() as session:
            if command == "extend":
                extend_deadline(session, ctx, dossier.code, actor=actor, reason="Cần xác minh",
                                new_due_at=dossier.due_at.replace(year=dossier.due_at.year + 1))
            else:
                (withdraw_dossier if command == "withdraw" else stop_dossier)(
                    session, ctx, dossier.code, actor=actor, reason="Theo đề nghị")

    first, second = (receive(session_factory, ctx, people, "hcc_a", "tn_a") for _ in range(2))
    for username in ("tn_a", "cv_a", "kt", "gs"):  # they see the dossier, and may not do this
        with pytest.raises(PermissionDeniedError, match=f"dossier.{command}"):
            run(first, username)
    for username in ("gd_b", "cv_b", "tn_b", "qt", "pt"):  # they do not even see it
        with pytest.raises(NotFoundError):
            run(first, username)
    run(first, "ld_a")  # the unit leader whose unit holds the dossier's open task
    run(second, "gd_a")


def test_who_sees_which_dossiers(session_factory, ctx, people):
    at_a = receive(session_factory, ctx, people, "hcc_a", "tn_a")
    at_b = receive(session_factory, ctx, people, "hcc_b", "tn_b")
    expected = {"tn_a": {at_a.id}, "tn_b": {at_b.id}, "cv_a": {at_a.id}, "cv_a2": {at_a.id}, "cv_b": {at_b.id},
                "cv_tinh": {at_a.id, at_b.id}, "ld_a": {at_a.id}, "gd_a": {at_a.id}, "gd_b": {at_b.id},
                "kt": {at_a.id, at_b.id}, "gs": {at_a.id}, "qt": set(), "pt": set()}
    with session_factory() as session:
        seen = {username: set(session.scalars(select(Dossier.id).where(
            dossier_scope(session, session.get(Official, people[username].id), ctx.today()))))
            for username in PEOPLE}
    assert seen == expected


def test_the_system_is_never_refused_and_an_inactive_account_always_is(session_factory, ctx, people):
    with session_factory.begin() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.id == receive(session_factory, ctx, people, "hcc_a",
                                                                             "tn_a").id))
        authorize(session, Actor(None, "Hệ thống"), Action.DOSSIER_STOP, dossier, today=ctx.today())
        session.get(Official, people["gd_a"].id).active = False
        session.flush()
        with pytest.raises(PermissionDeniedError):
            authorize(session, as_actor(people, "gd_a"), Action.DOSSIER_STOP, dossier, today=ctx.today())


def _statements(db_engine, work) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()[:6]))

    event.listen(db_engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(db_engine, "before_cursor_execute", note)
    return seen


def test_one_transaction_asks_for_the_officials_centers_and_deputies_once(session_factory, ctx, people, db_engine):
    from engine.persistence.models import Deputy

    day = ctx.today()
    with session_factory() as session:
        official = session.get(Official, people["cv_a"].id)
        first = _statements(db_engine, lambda: task_scope(session, official, day))
        again = _statements(db_engine, lambda: task_scope(session, official, day))
        assert any("center_below" in s for s in first) and any("deputy" in s for s in first)
        assert not [s for s in again if "center_below" in s or "deputy" in s]
        # A change written in the transaction (here a deputy) is seen by the next question.
        session.add(Deputy(official_id=people["cv_a2"].id, deputy_id=official.id, valid_from=day, valid_to=day))
        session.flush()
        after_write = _statements(db_engine, lambda: task_scope(session, official, day))
        assert any("deputy" in s for s in after_write)
        session.rollback()
        # So is whatever another transaction changed before the next one.
        next_transaction = _statements(db_engine, lambda: task_scope(session, official, day))
        assert any("center_below" in s for s in next_transaction)


def test_a_command_checks_that_the_task_is_visible_once(session_factory, ctx, people, db_engine):
    dossier = receive(session_factory, ctx, people, "hcc_a", "tn_a")
    task = task_of(session_factory, dossier)
    with session_factory.begin() as session:
        seen = _statements(db_engine, lambda: claim_task(session, ctx, task.id, actor=as_actor(people, "cv_a")))
    checks = [s for s in seen if s.startswith("SELECT human_task.id FROM human_task")]
    assert checks == []  # may see it, may claim it: judged on the row it locked, in Python


def test_a_task_checked_in_python_gets_the_answer_of_the_sql_clause(session_factory, ctx, people):
    """``task_reaches`` (a command's check on its locked row) and ``task_clause`` (lists) are one rule:
    for every official, every scope and tasks ready, claimed, held for an absent official, delegated
    and done, at both local centers."""
    from engine.access.rules import Scope
    from engine.access.scopes import Caller, task_clause, task_reaches
    from engine.persistence.models import Deputy

    day = ctx.today()
    tasks = [task_of(session_factory, receive(session_factory, ctx, people, center, by))
             for center, by in (("hcc_a", "tn_a"), ("hcc_a", "tn_a"), ("hcc_a", "tn_a"), ("hcc_b", "tn_b"))]
    with session_factory.begin() as session:
        claim_task(session, ctx, tasks[1].id, actor=as_actor(people, "cv_a"))
        claim_task(session, ctx, tasks[2].id, actor=as_actor(people, "cv_a2"))
    with session_factory.begin() as session:
        complete_task(session, ctx, tasks[1].id, actor=as_actor(people, "cv_a"), data={"decision": "approve"})
        held = session.get(HumanTask, tasks[2].id)
        held.delegated_by_id = people["cv_tinh"].id
        session.get(Official, people["cv_a2"].id).active = False  # away: cv_a deputises
        session.add(Deputy(official_id=people["cv_a2"].id, deputy_id=people["cv_a"].id, valid_from=day, valid_to=day))
    with session_factory() as session:
        every_task = list(session.scalars(select(HumanTask)))
        assert {task.status for task in every_task} == {"ready", "claimed", "completed"}
        for username in PEOPLE:
            caller = Caller(session, session.get(Official, people[username].id), day)
            for scope in Scope:
                by_sql = set(session.scalars(select(HumanTask.id).where(task_clause(caller, scope))))
                in_python = {task.id for task in every_task if task_reaches(caller, scope, task)}
                assert in_python == by_sql, (username, scope)
