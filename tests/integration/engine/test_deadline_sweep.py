"""The scheduler marks due-soon and overdue work and asks for the apology before the deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.persistence.models import Dossier, HumanTask
from engine.runtime.actions import extend_deadline
from engine.runtime.dossiers import start_dossier
from engine.scheduling import sweep
from tests.conftest import deploy, enterprise_start_data, history

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_due_soon_then_overdue_with_one_apology_requirement(session_factory, ctx, clock, center, staff):
    deploy(session_factory, ctx, "enterprise_registration")
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=HANOI))  # due Wednesday 2/12 17:00
    with session_factory.begin() as session:
        dossier_id = start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                                   center_code=center.code, data=enterprise_start_data()).id
    done = sweep(session_factory, ctx)
    assert done.pop("figures_folded") > 0  # the reception's counts, into the day's figures
    assert not any(done.values())

    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=HANOI))  # the appraisal step (2 working days) is close
    assert sweep(session_factory, ctx)["tasks_marked"] == 1
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=HANOI))  # less than a working day before the deadline
    done = sweep(session_factory, ctx)
    assert done["dossiers_marked"] == 1 and done["tasks_marked"] == 1  # the task is now overdue
    assert sweep(session_factory, ctx)["dossiers_marked"] == 0  # idempotent
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert (dossier.deadline_state, dossier.apology_required) == ("due_soon", True)
        assert session.scalar(select(HumanTask.deadline_state).where(HumanTask.dossier_id == dossier_id)) == "overdue"

    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=HANOI))
    with session_factory.begin() as session:
        extend_deadline(session, ctx, dossier_id, actor=staff.center_leader,
                        new_due_at=datetime(2026, 12, 4, 17, tzinfo=HANOI), reason="Chờ ý kiến cơ quan thuế")
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=HANOI))
    assert sweep(session_factory, ctx)["dossiers_marked"] == 1
    kinds = [e.event_type for e in history(session_factory, dossier_id)]
    assert kinds.count("apology_required") == 1 and kinds.count("dossier_due_soon") == 1
    assert kinds[-1] == "dossier_overdue"  # the legal deadline passed, extension or not


def test_a_pause_longer_than_the_procedure_allows_is_flagged_then_stopped(session_factory, ctx, clock, center,
                                                                          staff, tmp_path):
    import json
    import shutil

    from engine.persistence.models import DossierStatus
    from engine.runtime.actions import stop_dossier
    from engine.runtime.tasks import complete_task
    from tests.conftest import LIBRARY, open_tasks
    from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT

    folder = tmp_path / "enterprise_registration"
    shutil.copytree(LIBRARY / "enterprise_registration", folder)
    metadata = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))
    metadata["max_pause"] = {"value": 5, "unit": "working_days"}
    (folder / "procedure.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    deploy(session_factory, ctx, "enterprise_registration", folder)
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=HANOI))
    with session_factory.begin() as session:
        dossier_id = start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                                   center_code=center.code, data=enterprise_start_data()).id
    (task,) = open_tasks(session_factory, dossier_id)
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=APPRAISE_SUPPLEMENT)

    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=HANOI))  # four working days into the pause
    assert sweep(session_factory, ctx)["pauses_expired"] == 0
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=HANOI))  # six working days
    assert sweep(session_factory, ctx)["pauses_expired"] == 1
    assert sweep(session_factory, ctx)["pauses_expired"] == 0
    with session_factory.begin() as session:
        stop_dossier(session, ctx, dossier_id, actor=staff.center_leader,
                     reason="Công dân không bổ sung hồ sơ trong thời hạn")
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).status == DossierStatus.STOPPED
    kinds = [e.event_type for e in history(session_factory, dossier_id)]
    assert kinds.count("pause_expired") == 1 and "dossier_stopped" in kinds
