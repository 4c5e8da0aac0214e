"""An administrator moves a dossier in incident to a corrected version of its procedure, then retries
it there; a version that lacks one of the dossier's steps is refused, naming the step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import FormInvalidError, IncidentStateError, MigrationRefusedError, PermissionDeniedError
from engine.persistence.models import Dossier, DossierStatus, Official, ProcedureVersion
from engine.runtime.command import Actor
from engine.runtime.incidents import retry_incident
from engine.runtime.migration import migrate_incident
from tests.conftest import deploy_package, history, open_tasks
from tests.fixtures import tiny_procedure
from tests.integration.engine.test_incidents import _fail_review, _start

BROKEN = tiny_procedure.package(condition='approval_flag == "yes"')  # nothing writes approval_flag
FIXED = tiny_procedure.package(condition='decision == "approve"')
# The review step renamed: a dossier waiting at "review" has no step to move to.
RENAMED = tiny_procedure.package(diagram=tiny_procedure.bpmn().replace('"review"', '"check"')
                                 .replace(">review<", ">check<"))


@pytest.fixture
def incident(session_factory, ctx, center, actor):
    """A dossier of version 1, whose gateway after the review reads a variable nothing sets."""
    deploy_package(session_factory, ctx.clock, BROKEN)
    dossier = _start(session_factory, ctx, center, actor)
    _fail_review(session_factory, ctx, dossier, actor)
    return dossier


def version_of(session_factory, dossier_id: int) -> int:
    with session_factory() as session:
        return session.scalar(select(ProcedureVersion.version).join(Dossier, Dossier.procedure_version_id ==
                                                                     ProcedureVersion.id)
                              .where(Dossier.id == dossier_id))


def test_a_dossier_moved_to_the_corrected_version_completes_when_retried(
        session_factory, ctx, actor, admin, incident):
    deploy_package(session_factory, ctx.clock, FIXED)  # version 2, the expression fixed
    (task,) = open_tasks(session_factory, incident.id)
    with session_factory.begin() as session:
        moved = migrate_incident(session, ctx, incident.code, version=2, reason="Sửa điều kiện", actor=admin)
        assert moved.status == DossierStatus.FAILED  # still an incident until retried
    assert version_of(session_factory, incident.id) == 2
    (still,) = open_tasks(session_factory, incident.id)
    assert (still.id, still.element_id) == (task.id, "review")  # the running step, matched by element id

    with session_factory.begin() as session:
        retry_incident(session, ctx, incident.code, actor=admin)
    with session_factory() as session:
        dossier = session.get(Dossier, incident.id)
        assert (dossier.status, dossier.result_element_id) == (DossierStatus.COMPLETED, "approved")
    events = history(session_factory, incident.id)
    (migrated,) = [e for e in events if e.event_type == "dossier_migrated"]
    assert migrated.payload == {"from_version": 1, "to_version": 2, "reason": "Sửa điều kiện"}
    assert migrated.actor_name == "Vũ Thị Quản"
    assert [e.event_type for e in events].index("dossier_migrated") < \
        [e.event_type for e in events].index("incident_retried")


def test_a_version_without_the_current_step_is_refused_naming_it(session_factory, ctx, admin, incident):
    deploy_package(session_factory, ctx.clock, RENAMED)
    with pytest.raises(MigrationRefusedError) as refused, session_factory.begin() as session:
        migrate_incident(session, ctx, incident.code, version=2, reason="Đổi tên bước", actor=admin)
    assert "review" in refused.value.element_ids and "(review)" in refused.value.message_en
    assert version_of(session_factory, incident.id) == 1


def test_only_a_dossier_in_incident_moves_only_to_another_version_and_only_by_an_admin(
        session_factory, ctx, center, actor, admin, incident):
    deploy_package(session_factory, ctx.clock, FIXED)
    with pytest.raises(PermissionDeniedError), session_factory.begin() as session:
        migrate_incident(session, ctx, incident.code, version=2, reason="x", actor=actor_official(session, ctx))
    with pytest.raises(FormInvalidError) as same, session_factory.begin() as session:
        migrate_incident(session, ctx, incident.code, version=1, reason="x", actor=admin)
    assert [p.field for p in same.value.problems] == ["version"]
    with pytest.raises(FormInvalidError) as reasonless, session_factory.begin() as session:
        migrate_incident(session, ctx, incident.code, version=2, reason=" ", actor=admin)
    assert [p.field for p in reasonless.value.problems] == ["reason"]
    healthy = _start(session_factory, ctx, center, actor)  # on version 2, no incident
    with pytest.raises(IncidentStateError), session_factory.begin() as session:
        migrate_incident(session, ctx, healthy.code, version=1, reason="x", actor=admin)


def actor_official(session, ctx) -> Actor:
    official = Official(username="chuyenvien2", full_name="Trần Văn Minh", password_hash="x",
                        roles=["specialist"], active=True, created_at=ctx.clock.now())
    session.add(official)
    session.flush()
    return Actor(official.id, official.full_name)
