"""A supplementation loop taken 400 times still completes.

SpiffWorkflow's iterators stop at tree depth 1000 and each round adds about three levels: without
the raised limits (engine.runtime.library_patches) a READY task disappears after ~333 rounds and the
workflow claims to be complete (spiffworkflow-3.2 brief §0.2).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Dossier, DossierStatus, HistoryEvent
from engine.persistence.state import full_document
from engine.runtime.context import build_context
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from engine.settings import EngineSettings
from tests.conftest import LIBRARY, deploy, enterprise_start_data, open_tasks, stored_workflow
from tests.procedures.test_enterprise_registration import (
    APPRAISE_OK,
    APPRAISE_SUPPLEMENT,
    RETURN,
    SIGN,
    SUPPLEMENT,
)

ROUNDS = 400


def _complete_only_task(session_factory, ctx, dossier_id, element_id, data, staff):
    (task,) = open_tasks(session_factory, dossier_id)
    assert task.element_id == element_id
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=data)


@pytest.fixture
def ctx(clock):
    # The per-command storage check re-reads the whole tree: quadratic over 800 steps, so it is
    # off here; the final state is compared with SpiffWorkflow's own serialization at the end.
    return build_context(EngineSettings(library_path=LIBRARY), clock)


def test_four_hundred_supplementation_rounds_complete(session_factory, ctx, center, staff):
    deploy(session_factory, ctx, "enterprise_registration")
    with session_factory.begin() as session:
        dossier_id = start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                                   center_code=center.code, data=enterprise_start_data()).id
    for _ in range(ROUNDS):
        _complete_only_task(session_factory, ctx, dossier_id, "appraise_dossier", APPRAISE_SUPPLEMENT, staff)
        _complete_only_task(session_factory, ctx, dossier_id, "receive_supplement", SUPPLEMENT, staff)
    # The stored state (not only the cached workflow) still shows the next step after 400 rounds.
    ctx.workflows.clear()
    _complete_only_task(session_factory, ctx, dossier_id, "appraise_dossier", APPRAISE_OK, staff)
    _complete_only_task(session_factory, ctx, dossier_id, "approve_dossier", SIGN, staff)
    _complete_only_task(session_factory, ctx, dossier_id, "return_result", RETURN, staff)

    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier.status == DossierStatus.COMPLETED
        assert dossier.result_element_id == "result_returned"
        completions = session.scalar(
            select(func.count())
            .where(HistoryEvent.dossier_id == dossier_id, HistoryEvent.event_type == "task_completed")
        )
        assert completions == 2 * ROUNDS + 3
        restored = stored_workflow(session, ctx, dossier_id)
        assert restored.is_completed()
        assert full_document(restored) == full_document(ctx.workflows.take(dossier_id, dossier.row_version))
        assert max(task.depth for task in restored.get_tasks()) > 1000
