"""How Decision 766 judges one dossier: early, on time or late (domain brief §2.3, §2.4). Pure.

* End of processing: the result, a refusal, a stop or a withdrawal; a dossier still open at the end
  of the period is judged at the period's end, and one waiting for the citizen at the moment its
  clock stopped (the request time counts as the end).
* The due instant is the legal one, already moved by the working time the citizen took (the engine
  shifts it at each resumption, variant a); an extension with an apology does not move it.
* A second supplementation request makes the dossier late whatever its times.
"""

from __future__ import annotations

from datetime import datetime

from engine.calendar.deadlines import Timeliness, classify_completion
from engine.calendar.working_calendar import WorkingCalendar


def finished_verdict(end: datetime, due_at: datetime | None, late_by_rule: bool,
                     calendar: WorkingCalendar) -> Timeliness:
    """The verdict of a dossier whose processing ended at ``end``.

    Without a due instant (a procedure with no time limit) the dossier cannot be late.
    """
    if late_by_rule:
        return Timeliness.LATE
    if due_at is None:
        return Timeliness.ON_TIME
    return classify_completion(end, due_at, calendar)


def running_is_late(at: datetime, due_at: datetime | None, paused_at: datetime | None, late_by_rule: bool) -> bool:
    """Whether a dossier still open at ``at`` already counts as late (an "in progress, overdue" one)."""
    if late_by_rule:
        return True
    if due_at is None:
        return False
    judged_at = paused_at if paused_at is not None and paused_at < at else at
    return due_at < judged_at
