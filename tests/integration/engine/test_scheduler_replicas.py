"""Two scheduler processes sweeping the same database fire every due timer exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Dossier, DossierStatus, HistoryEvent
from engine.runtime.dossiers import start_dossier
from tests.fixtures import tiny_procedure
from tests.integration.engine.test_timers import EXPIRY

DOSSIERS = 150


def test_two_scheduler_processes_fire_each_timer_once(session_factory, ctx, center, staff, tmp_path,
                                                       db_engine, is_postgresql):
    if not is_postgresql:
        pytest.skip("replicas are a PostgreSQL deployment; SQLite serialises the whole database")
    from tests.integration.engine.test_timers import _deploy_with_timer

    # A real one-second timer: the scheduler processes read the real clock.
    _deploy_with_timer(session_factory, ctx, tmp_path, EXPIRY.replace('"PT2H"', '"PT1S"'))
    with session_factory.begin() as session:
        ids = [start_dossier(session, ctx, tiny_procedure.KEY, actor=staff.reception, center_code=center.code,
                             data={"applicant": {"applicant_name": f"Người nộp {n}"}}).id
               for n in range(DOSSIERS)]
    time.sleep(1.5)

    env = {**os.environ, "MOTCUA_DATABASE_URL": db_engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "api.cli", "scheduler", "--once"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs

    with session_factory() as session:
        fired = dict(session.execute(
            select(HistoryEvent.dossier_id, func.count())
            .where(HistoryEvent.event_type == "timer_fired", HistoryEvent.dossier_id.in_(ids))
            .group_by(HistoryEvent.dossier_id)).all())
        statuses = set(session.scalars(select(Dossier.status).where(Dossier.id.in_(ids))))
    assert fired == {dossier_id: 1 for dossier_id in ids}
    assert statuses == {DossierStatus.COMPLETED}
    counts = [int(out.split()[3]) for out, _ in outputs]
    assert sum(counts) == DOSSIERS and all(c > 0 for c in counts), counts
