"""Driving a dossier of a deployed procedure through its diagram, the way the procedure tests do:
start it, look at its open tasks, do them one by one (claim + complete) with the stored state
round-tripped after each, and read back the dossier, its completed steps and its history.

Every function takes the session factory (and the engine context when it runs a command), so the
stored state is what each one reads: the procedures' `ctx` fixture turns the workflow cache off."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker, undefer

from engine.calendar.clock import FixedClock
from engine.persistence.models import Dossier, DossierStatus, HistoryEvent, HumanTask, TaskStatus
from engine.persistence.state import dump_workflow, full_document, load_workflow
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from tests.conftest import history, library_task_restore, open_tasks, restored_tasks, stored_workflow
from tests.staff import Staff

SessionFactory = sessionmaker[Session]
Lane = tuple[str, str, str]
"""Where a step is done: (lane, department, candidate role)."""
OpenTask = tuple[str | None, ...]
"""An open task as (element, lane, department, candidate role)."""
Branch = tuple[str, Lane]
"""A parallel branch's step: (element, lane)."""
Step = tuple[str, Lane, dict[str, Any]]
"""A step to do: (element, lane, form data)."""


@dataclass(frozen=True)
class Procedure:
    """A procedure of the library (its folder name) and the intake form data its dossiers start with."""

    key: str
    intake: Mapping[str, Any]

    def start_data(self, **overrides: Any) -> dict[str, Any]:
        """A fresh copy of the intake data, with `overrides` replacing whole top-level fields."""
        return {**copy.deepcopy(dict(self.intake)), **overrides}


# --------------------------------------------------------------------------- dossiers
def start(session_factory: SessionFactory, ctx: EngineContext, procedure: Procedure, center: Any, staff: Staff,
          **overrides: Any) -> int:
    """Receive a dossier of the (deployed) `procedure` at `center`, as its reception; `overrides`
    replace intake fields."""
    with session_factory.begin() as session:
        return start_dossier(session, ctx, procedure.key, actor=staff.reception, center_code=center.code,
                             data=procedure.start_data(**overrides)).id


def final(session_factory: SessionFactory, dossier_id: int) -> Dossier:
    """The dossier as stored now, with its data loaded."""
    with session_factory() as session:
        return session.scalar(select(Dossier).options(undefer(Dossier.data)).where(Dossier.id == dossier_id))


def assert_finished(session_factory: SessionFactory, dossier_id: int, status: DossierStatus, result_element_id: str,
                    result_name: str) -> Dossier:
    """The dossier as stored now (see `final`), checked to have ended with `status` at the end event
    `result_element_id`, whose name is `result_name`."""
    dossier = final(session_factory, dossier_id)
    assert dossier.status == status
    assert (dossier.result_element_id, dossier.result_name) == (result_element_id, result_name)
    return dossier


def wake_at(session_factory: SessionFactory, dossier_id: int) -> datetime | None:
    """When the scheduler next wakes the dossier (its earliest timer), if ever."""
    with session_factory() as session:
        return session.get(Dossier, dossier_id).wake_at


# --------------------------------------------------------------------------- tasks
def open_now(session_factory: SessionFactory, dossier_id: int) -> list[OpenTask]:
    """The open tasks as (element, lane, department, role), ordered by ready time then element."""
    return [(t.element_id, t.lane, t.department, t.candidate_role) for t in open_tasks(session_factory, dossier_id)]


def task_rows(session_factory: SessionFactory, dossier_id: int, element_id: str) -> list[HumanTask]:
    """Every task (open or not) the dossier ever had for `element_id`, by ready time."""
    with session_factory() as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                            HumanTask.element_id == element_id)
                                    .order_by(HumanTask.ready_at)))


def assert_state_round_trips(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int) -> None:
    """The stored state restores and re-serializes identically; its READY user tasks are our open tasks."""
    with session_factory() as session:
        workflow = stored_workflow(session, ctx, dossier_id)
        restored = load_workflow(dump_workflow(workflow), workflow.spec, workflow.subprocess_specs)
        assert full_document(restored) == full_document(workflow)
        with library_task_restore():
            as_the_library_does = stored_workflow(session, ctx, dossier_id)
        assert restored_tasks(workflow) == restored_tasks(as_the_library_does)
        ready = {t.id for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        rows = session.scalars(
            select(HumanTask.id).where(HumanTask.dossier_id == dossier_id, HumanTask.status == TaskStatus.READY)
        )
        assert ready == set(rows)


def do_task(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, task_id: uuid.UUID,
            data: dict[str, Any], staff: Staff) -> None:
    """Claim and complete one task with `data` as an official of its unit and role, each in its own
    transaction, then round-trip the state."""
    actor = staff.for_task(task_id)
    with session_factory.begin() as session:
        claim_task(session, ctx, task_id, actor=actor)
    with session_factory.begin() as session:
        complete_task(session, ctx, task_id, actor=actor, data=data)
    assert_state_round_trips(session_factory, ctx, dossier_id)


def step(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, element_id: str,
         expected: Lane, data: dict[str, Any], staff: Staff) -> None:
    """Check the single open task is `element_id` in the expected lane/department/role, then do it."""
    tasks = open_tasks(session_factory, dossier_id)
    assert [(t.element_id, t.lane, t.department, t.candidate_role) for t in tasks] == [(element_id, *expected)]
    do_task(session_factory, ctx, dossier_id, tasks[0].id, data, staff)


def steps(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
          plan: Iterable[Step]) -> None:
    """Do the steps of `plan` one after the other, each with `step` (the single open task, in its lane)."""
    for element_id, expected, data in plan:
        step(session_factory, ctx, dossier_id, element_id, expected, data, staff)


def complete_one_of(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, element_id: str,
                    data: dict[str, Any], staff: Staff, department: str | None = None,
                    expected: Lane | None = None) -> None:
    """Do the open task `element_id` while others are open beside it.

    With `department`, the instance open in that department (when several are open). With `expected`
    (lane, department, role), `element_id` must be open exactly once, there."""
    tasks = [t for t in open_tasks(session_factory, dossier_id)
             if t.element_id == element_id and department in (None, t.department)]
    if expected is not None:
        assert [(t.lane, t.department, t.candidate_role) for t in tasks] == [expected]
    do_task(session_factory, ctx, dossier_id, tasks[0].id, data, staff)


def do_branches(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
                branches: Mapping[str, Branch], answers: Mapping[str, dict[str, Any]], order: Sequence[str]) -> None:
    """All parallel `branches` are open at once (and nothing else); do them in `order`, checking after
    each one that exactly the branches not yet done are still open (the join waits for them)."""
    assert open_now(session_factory, dossier_id) == sorted((element, *lane) for element, lane in branches.values())
    for done, name in enumerate(order, start=1):
        complete_one_of(session_factory, ctx, dossier_id, branches[name][0], answers[name], staff)
        waiting = [branches[other] for other in order[done:]]
        if waiting:
            assert open_now(session_factory, dossier_id) == sorted((element, *lane) for element, lane in waiting)


# --------------------------------------------------------------------------- history
def completed_steps(session_factory: SessionFactory, dossier_id: int) -> list[str]:
    """The elements of the completed tasks, in order."""
    return [e.element_id for e in history(session_factory, dossier_id) if e.event_type == "task_completed"]


def decisions(session_factory: SessionFactory, dossier_id: int) -> list[tuple[str | None, dict[str, Any]]]:
    """(step, decision fields) of every completed step that decided something, in order."""
    return [(e.element_id, e.payload["decision"]) for e in history(session_factory, dossier_id)
            if e.event_type == "task_completed" and "decision" in (e.payload or {})]


def task_decisions(session_factory: SessionFactory, dossier_id: int) -> list[tuple[str | None, dict[str, str] | None]]:
    """(step, decision fields or None) of every completed step, in order."""
    return [(e.element_id, e.payload.get("decision")) for e in history(session_factory, dossier_id)
            if e.event_type == "task_completed"]


def events_of(session_factory: SessionFactory, dossier_id: int, *event_types: str) -> list[HistoryEvent]:
    """The dossier's history events of the given types, in order."""
    return [e for e in history(session_factory, dossier_id) if e.event_type in event_types]


def numbered_history(session_factory: SessionFactory, dossier_id: int) -> list[HistoryEvent]:
    """The dossier's whole history, checked to be numbered 1..n without gaps."""
    events = history(session_factory, dossier_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    return events


def finished_history(session_factory: SessionFactory, dossier_id: int) -> list[HistoryEvent]:
    """The whole history of a finished dossier, checked: received first, completed last, numbered 1..n."""
    events = history(session_factory, dossier_id)
    assert events[0].event_type == "dossier_received" and events[-1].event_type == "dossier_completed"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    return events


def event_types(events: Sequence[HistoryEvent], element_id: str) -> list[str]:
    """The types of the `events` about `element_id`, in order (a script step: ready, then completed)."""
    return [e.event_type for e in events if e.element_id == element_id]


# --------------------------------------------------------------------------- time
def move_time_to(traveller: Any, clock: FixedClock, instant: datetime) -> None:
    """Move real time (for SpiffWorkflow) and the engine clock together."""
    delta = instant - clock.now()
    traveller.shift(delta)
    clock.advance(seconds=delta.total_seconds())


def working_days_after(ctx: EngineContext, start_iso: str, days: int) -> datetime:
    """What the diagrams' add_working_days(start, days) yields: the end of the n-th working day, in UTC."""
    day = ctx.calendar.add_working_days(datetime.fromisoformat(start_iso), days)
    return ctx.calendar.end_of_working_day(day).astimezone(UTC)
