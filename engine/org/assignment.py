"""Assignment policies of a lane binding: shared pool, round-robin, least-loaded, fixed official."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.org.directory import candidate_ids, deputy_for
from engine.persistence.models import HumanTask, Official, TaskStatus

POOL, ROUND_ROBIN, LEAST_LOADED, FIXED = "pool", "round_robin", "least_loaded", "fixed"
OPEN = (TaskStatus.READY, TaskStatus.CLAIMED)


def choose_assignee(session: Session, binding: dict[str, Any], unit_code: str | None, day: date,
                    exclude: set[int] | None = None, center_id: int | None = None) -> int | None:
    """The official a new task goes to, or None when it waits in the unit's shared queue.

    ``exclude`` removes officials who may not take this step (four-eyes); ``center_id`` (the
    dossier's center) keeps to the officials who serve it. An absent fixed official's
    deputy takes the task; if nobody can, the task stays in the pool so it is never stranded.
    """
    policy = binding.get("policy", POOL)
    exclude = exclude or set()
    if policy == FIXED:
        official_id = session.scalar(select(Official.id).where(Official.username == binding.get("official")))
        if official_id is None:
            return None
        deputy = deputy_for(session, official_id, day)
        chosen = deputy if deputy is not None else official_id
        available = deputy is not None or chosen in candidate_ids(session, unit_code, binding.get("role"), day,
                                                                 center_id)
        return chosen if available and chosen not in exclude else None
    if policy not in (ROUND_ROBIN, LEAST_LOADED):
        return None
    candidates = [c for c in candidate_ids(session, unit_code, binding.get("role"), day, center_id)
                  if c not in exclude]
    if not candidates:
        return None
    if policy == LEAST_LOADED:
        load = dict(session.execute(
            select(HumanTask.assignee_id, func.count())
            .where(HumanTask.assignee_id.in_(candidates), HumanTask.status.in_(OPEN))
            .group_by(HumanTask.assignee_id)).all())
        return min(candidates, key=lambda c: (load.get(c, 0), c))
    last = dict(session.execute(
        select(HumanTask.assignee_id, func.max(HumanTask.assigned_at))
        .where(HumanTask.assignee_id.in_(candidates))
        .group_by(HumanTask.assignee_id)).all())
    # Round-robin: whoever has waited longest since their last assignment (never assigned first).
    return min(candidates, key=lambda c: (last.get(c) is not None, last.get(c) or 0, c))
