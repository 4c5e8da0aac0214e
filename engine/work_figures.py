"""Figures of the work in hand, for monitoring: due timers, how late the scheduler is, open tasks.

Read from the database when Prometheus asks rather than kept in a process: they are then the same
whichever process (web worker or scheduler replica) changed them last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.persistence.models import OPEN_TASK_STATUSES, Center, Dossier, HumanTask
from engine.scheduling import OPEN_STATUSES


@dataclass(frozen=True)
class WorkFigures:
    due_timers: int  # open dossiers whose next timer is due and not fired yet
    scheduler_lag_seconds: float  # how long the oldest of them has waited (0 when none)
    open_tasks_by_center: dict[str, int]


def work_figures(session: Session, now: datetime) -> WorkFigures:
    due, oldest = session.execute(
        select(func.count(), func.min(Dossier.wake_at))
        .where(Dossier.wake_at <= now, Dossier.status.in_(OPEN_STATUSES))
    ).one()
    by_center = session.execute(
        select(Center.code, func.count())
        .select_from(HumanTask).outerjoin(Center, HumanTask.center_id == Center.id)
        .where(HumanTask.status.in_(OPEN_TASK_STATUSES)).group_by(Center.code)
    ).all()
    lag = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return WorkFigures(due, lag, {code or "": count for code, count in by_center})
