"""A dossier of enterprise_registration for the audit tests, and an official to claim its first step."""

from __future__ import annotations

import pytest

from engine.runtime.command import Actor
from engine.runtime.tasks import claim_task
from tests.conftest import deploy, open_tasks
from tests.procedures.driver import start
from tests.procedures.test_enterprise_registration import PROCEDURE


@pytest.fixture
def dossier_id(session_factory, ctx, center, staff):
    deploy(session_factory, ctx, PROCEDURE.key)
    return start(session_factory, ctx, PROCEDURE, center, staff)


def claim_first(session_factory, ctx, dossier_id, staff) -> Actor:
    """The official of the first open step's unit claims it; returns them."""
    task = open_tasks(session_factory, dossier_id)[0]
    actor = staff.for_task(task.id)
    with session_factory.begin() as session:
        claim_task(session, ctx, task.id, actor=actor)
    return actor
