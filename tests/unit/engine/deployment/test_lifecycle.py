"""A procedure version's life: deployed → active → retired, one active version, every change recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine.deployment.catalog import catalog_entry, version_events, version_summaries
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import activate_version, retire_version, rollback_procedure
from engine.errors import ConflictError, FormInvalidError, NotFoundError, PermissionDeniedError, ProcedureNotActiveError
from engine.persistence.models import Dossier, DossierStatus, HumanTask, Official, ProcedureVersion, VersionState
from engine.runtime.command import Actor
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from tests.fixtures import tiny_procedure

KEY = tiny_procedure.KEY
SYSTEM = Actor(None, "cli")
TODAY = date(2026, 11, 27)  # the clock fixture's day
V1, V2 = tiny_procedure.package(), tiny_procedure.package(script="total = 2 + 2")


def deploy(session_factory, clock, package=V1, actor=SYSTEM) -> int:
    with session_factory.begin() as session:
        return deploy_procedure(session, package, clock=clock, actor=actor).version.version


def activate(session_factory, clock, number, actor=SYSTEM, reason="Áp dụng theo quyết định mới"):
    with session_factory.begin() as session:
        return activate_version(session, KEY, number, actor=actor, reason=reason, clock=clock)


def retire(session_factory, clock, number, actor=SYSTEM, reason="Thủ tục bị bãi bỏ"):
    with session_factory.begin() as session:
        return retire_version(session, KEY, number, actor=actor, reason=reason, clock=clock)


def rollback(session_factory, clock, actor=SYSTEM, reason="Phiên bản mới có lỗi"):
    with session_factory.begin() as session:
        return rollback_procedure(session, KEY, actor=actor, reason=reason, clock=clock)


def start(session_factory, ctx, center, actor) -> int:
    """A new dossier of the tiny procedure; returns the version number it runs on."""
    with session_factory.begin() as session:
        dossier = start_dossier(session, ctx, KEY, actor=actor, center_code=center.code,
                                data={"applicant": {"applicant_name": "Phạm Văn Bình"}})
        return dossier.procedure_version.version


def states(session_factory) -> list[tuple[int, str]]:
    with session_factory() as session:
        return [(v.version, v.state) for v in version_summaries(session, SYSTEM, KEY, today=TODAY)]


def official(session_factory, clock, username, roles) -> Actor:
    with session_factory.begin() as session:
        row = Official(username=username, full_name=username.title(), password_hash="-", roles=roles, active=True,
                       created_at=clock.now())
        session.add(row)
        session.flush()
        return Actor(row.id, row.full_name)


def test_deploying_does_not_activate_and_new_dossiers_are_refused_until_activation(
        session_factory, clock, ctx, center, actor):
    assert deploy(session_factory, clock) == 1
    assert states(session_factory) == [(1, "deployed")]
    with pytest.raises(ProcedureNotActiveError) as refused, session_factory() as session:
        start_dossier(session, ctx, KEY, actor=actor, center_code=center.code,
                      data={"applicant": {"applicant_name": "Phạm Văn Bình"}})
    assert refused.value.message == (f"Thủ tục '{KEY}' không có phiên bản đang áp dụng nên không tiếp nhận "
                                     "hồ sơ mới")
    assert refused.value.message_en == f"Procedure '{KEY}' has no active version, so it takes no new dossiers"

    activate(session_factory, clock, 1)
    assert states(session_factory) == [(1, "active")]
    assert start(session_factory, ctx, center, actor) == 1


def test_a_new_version_waits_until_activated_and_its_activation_retires_the_old_one(
        session_factory, clock, ctx, center, actor):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    assert deploy(session_factory, clock, V2) == 2
    assert start(session_factory, ctx, center, actor) == 1

    change = activate(session_factory, clock, 2)
    assert change.changed and change.replaced is not None and change.replaced.version == 1
    assert states(session_factory) == [(1, "retired"), (2, "active")]
    assert start(session_factory, ctx, center, actor) == 2
    with session_factory() as session:
        assert catalog_entry(session, KEY).active_version == 2


def test_activating_the_active_version_changes_and_records_nothing(session_factory, clock):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    assert activate(session_factory, clock, 1).changed is False
    with session_factory() as session:
        assert [e.action for e in version_events(session, SYSTEM, KEY, today=TODAY)] == ["deploy", "activate"]


def test_rollback_reactivates_the_version_active_before_the_latest_activation(session_factory, clock, ctx, center,
                                                                              actor):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    deploy(session_factory, clock, V2)
    activate(session_factory, clock, 2)
    clock.advance(hours=1)

    change = rollback(session_factory, clock)
    assert change.version.version == 1 and change.replaced is not None and change.replaced.version == 2
    assert states(session_factory) == [(1, "active"), (2, "retired")]
    assert start(session_factory, ctx, center, actor) == 1
    with session_factory() as session:
        last = version_events(session, SYSTEM, KEY, today=TODAY)[-1]
    assert (last.version, last.action, last.from_state, last.to_state) == (1, "rollback", "retired", "active")
    assert (last.actor_name, last.reason, last.at) == ("cli", "Phiên bản mới có lỗi", clock.now())


def test_rollback_after_retiring_the_new_version_still_returns_to_the_earlier_one(session_factory, clock):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    deploy(session_factory, clock, V2)
    activate(session_factory, clock, 2)
    retire(session_factory, clock, 2)
    assert states(session_factory) == [(1, "retired"), (2, "retired")]
    assert rollback(session_factory, clock).version.version == 1


def test_rollback_without_an_earlier_active_version_is_refused(session_factory, clock):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    with pytest.raises(ConflictError) as refused:
        rollback(session_factory, clock)
    assert "no earlier active version" in refused.value.message_en
    assert states(session_factory) == [(1, "active")]


def test_retiring_refuses_new_dossiers_and_running_ones_finish_on_their_version(
        session_factory, clock, ctx, center, actor):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    with session_factory.begin() as session:
        dossier_id = start_dossier(session, ctx, KEY, actor=actor, center_code=center.code,
                                   data={"applicant": {"applicant_name": "Phạm Văn Bình"}}).id

    assert retire(session_factory, clock, 1).changed
    assert retire(session_factory, clock, 1).changed is False
    with pytest.raises(ProcedureNotActiveError), session_factory() as session:
        start_dossier(session, ctx, KEY, actor=actor, center_code=center.code,
                      data={"applicant": {"applicant_name": "Lê Văn Cường"}})

    with session_factory.begin() as session:
        task_id = session.scalar(select(HumanTask.id).where(HumanTask.dossier_id == dossier_id))
        complete_task(session, ctx, task_id, actor=actor, data={"decision": "approve"})
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier.status == DossierStatus.COMPLETED and dossier.procedure_version.version == 1
        (summary,) = version_summaries(session, SYSTEM, KEY, today=TODAY)
    assert (summary.state, summary.dossiers_running, summary.dossiers_total) == ("retired", 0, 1)
    assert summary.retired_by == "cli" and summary.activated_by == "cli"


def test_the_same_content_deployed_again_is_the_existing_version_whatever_its_state(session_factory, clock):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    deploy(session_factory, clock, V2)
    activate(session_factory, clock, 2)
    with session_factory.begin() as session:
        again = deploy_procedure(session, V1, clock=clock, actor=SYSTEM)
        assert not again.created and again.version.version == 1 and again.version.state == VersionState.RETIRED
    assert states(session_factory) == [(1, "retired"), (2, "active")]


@pytest.mark.parametrize("command, rule", [
    (lambda f, c, who: deploy(f, c, V2, actor=who), "procedure.deploy"),
    (lambda f, c, who: activate(f, c, 2, actor=who), "procedure.activate"),
    (lambda f, c, who: retire(f, c, 1, actor=who), "procedure.retire"),
    (lambda f, c, who: rollback(f, c, actor=who), "procedure.rollback"),
])
def test_only_analysts_change_versions_and_a_refusal_names_the_rule(session_factory, clock, command, rule):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    deploy(session_factory, clock, V2)
    specialist = official(session_factory, clock, "chuyenvien", ["specialist", "unit_leader"])
    with pytest.raises(PermissionDeniedError) as refused:
        command(session_factory, clock, specialist)
    assert f"({rule})" in refused.value.message and f"({rule})" in refused.value.message_en
    assert states(session_factory) == [(1, "active"), (2, "deployed")]


def test_an_analyst_changes_versions_and_is_recorded_by_id(session_factory, clock):
    analyst = official(session_factory, clock, "phantich", ["analyst"])
    deploy(session_factory, clock, actor=analyst)
    activate(session_factory, clock, 1, actor=analyst)
    with session_factory() as session:
        events = version_events(session, SYSTEM, KEY, today=TODAY)
        (summary,) = version_summaries(session, SYSTEM, KEY, today=TODAY)
    assert [(e.action, e.actor_id, e.actor_name) for e in events] == [("deploy", analyst.id, "Phantich"),
                                                                      ("activate", analyst.id, "Phantich")]
    assert (summary.deployed_by, summary.activated_by) == ("Phantich", "Phantich")


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501])
def test_a_version_change_needs_a_short_reason(session_factory, clock, reason):
    deploy(session_factory, clock)
    with pytest.raises(FormInvalidError) as refused:
        activate(session_factory, clock, 1, reason=reason)
    assert [p.field for p in refused.value.problems] == ["reason"]
    assert states(session_factory) == [(1, "deployed")]


def test_unknown_procedures_and_versions_are_named(session_factory, clock):
    deploy(session_factory, clock)
    with pytest.raises(NotFoundError) as missing:
        activate(session_factory, clock, 7)
    assert missing.value.message_en == f"Procedure '{KEY}' has no version 7"
    with pytest.raises(NotFoundError), session_factory.begin() as session:
        retire_version(session, "khong_co", 1, actor=SYSTEM, reason="x", clock=clock)


def test_the_database_holds_at_most_one_active_version_per_procedure(session_factory, clock):
    deploy(session_factory, clock)
    activate(session_factory, clock, 1)
    deploy(session_factory, clock, V2)
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.execute(update(ProcedureVersion).where(ProcedureVersion.version == 2)
                        .values(state=VersionState.ACTIVE))
    assert states(session_factory) == [(1, "active"), (2, "deployed")]
