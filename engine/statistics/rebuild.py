"""Rebuild the daily figures from the dossiers and their steps, as the commands would have kept them.

For a database whose dossiers predate the figures (received before the statistics migration), or
after the figures' definition changes. Each dossier adds what its commands add
(engine.statistics.upkeep): its reception on the day it was received; each unit it reached, with
every unit above, on the day it did (the receiving official's desk at reception, any other unit
when the first of its steps there became ready); its end; and each step
completed, everyone's and its official's. The dossier's ``reached_units`` is set on the way. One
transaction: the dashboards read the old figures until it commits. ``motcua statistics rebuild``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    Channel,
    Dossier,
    DossierDayFigures,
    HumanTask,
    Official,
    OfficialDayFigures,
    ProcedureVersion,
    TaskStatus,
    table_of,
)
from engine.statistics.units import unit_code, with_ancestors
from engine.statistics.upkeep import (
    CLOSING_FACTS,
    DOSSIER_COUNTERS,
    JOURNAL_OF,
    WHOLE_DOSSIER,
    FigureRows,
    dossier_figure_rows,
    finished_counts,
    step_rows,
    upsert_rows,
)

BATCH = 500  # dossiers read, and their figures written, at a time
WRITE_CHUNK = 200  # rows of one table in one statement


@dataclass(frozen=True)
class Rebuilt:
    dossiers: int
    steps: int


def rebuild_figures(session: Session, calendar: WorkingCalendar, *, batch: int = BATCH) -> Rebuilt:
    """Replace every daily figure by what the dossiers and their steps add up to. Does not commit."""
    for table in (DossierDayFigures, OfficialDayFigures):
        session.execute(delete(table))
        session.execute(delete(JOURNAL_OF[table_of(table)]))
    versions = session.execute(select(ProcedureVersion.id, ProcedureVersion.process_id))
    procedure_keys = {row.id: row.process_id for row in versions}
    units_of_officials = {row.id: row.unit_id for row in session.execute(select(Official.id, Official.unit_id))}
    dossiers = steps = 0
    last_id = 0
    while True:
        chunk = list(session.scalars(select(Dossier).where(Dossier.id > last_id).order_by(Dossier.id).limit(batch)))
        if not chunk:
            return Rebuilt(dossiers, steps)
        tasks = _tasks_by_dossier(session, [d.id for d in chunk])
        figures: list[FigureRows] = []
        for dossier in chunk:
            key = procedure_keys[dossier.procedure_version_id]
            desk = unit_code(session, units_of_officials.get(dossier.created_by_id or 0))
            figures += _dossier_figures(session, dossier, desk, tasks[dossier.id], key, calendar)
            completed = [t for t in tasks[dossier.id] if t.status == TaskStatus.COMPLETED and t.completed_at]
            for task in completed:
                figures += step_rows(task, key, calendar)
            steps += len(completed)
        _write(session, figures)
        dossiers += len(chunk)
        last_id = chunk[-1].id
        session.flush()
        session.expunge_all()  # a province's history does not fit in one session's memory


def _tasks_by_dossier(session: Session, ids: list[int]) -> dict[int, list[HumanTask]]:
    tasks: dict[int, list[HumanTask]] = defaultdict(list)
    for task in session.scalars(select(HumanTask).where(HumanTask.dossier_id.in_(ids))
                                .order_by(HumanTask.ready_at, HumanTask.id)):
        tasks[task.dossier_id].append(task)
    return tasks


def _dossier_figures(session: Session, dossier: Dossier, desk: str | None, tasks: Sequence[HumanTask],
                     procedure_key: str, calendar: WorkingCalendar) -> list[FigureRows]:
    rows: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(DOSSIER_COUNTERS, 0))
    received = rows[(_day(dossier.received_at, calendar), WHOLE_DOSSIER)]
    received["received"] += 1
    received["received_online"] += int(dossier.channel == Channel.ONLINE)
    reached = _first_reached(session, dossier, desk, tasks)
    for unit, at in reached.items():
        rows[(_day(at, calendar), unit)]["received"] += 1
    if dossier.status in CLOSED_DOSSIER_STATUSES and dossier.completed_at is not None:
        facts = {name: getattr(dossier, name) for name in CLOSING_FACTS}
        counts = finished_counts(facts, calendar, dossier.completed_at)
        for unit in (WHOLE_DOSSIER, *reached):
            row = rows[(_day(dossier.completed_at, calendar), unit)]
            for name, value in counts.items():
                row[name] += value
    units = sorted(reached)
    if (dossier.reached_units or []) != units:
        dossier.reached_units = units or None
    return dossier_figure_rows(rows, dossier.center_id, procedure_key)


def _first_reached(session: Session, dossier: Dossier, desk: str | None,
                   tasks: Iterable[HumanTask]) -> dict[str, datetime]:
    """Each unit the dossier reached (with every unit above it) -> when it first did: the receiving
    ``desk`` at reception (engine.statistics.upkeep), each step's unit when the first of them was ready."""
    first: dict[str, datetime] = dict.fromkeys(with_ancestors(session, [desk]), dossier.received_at)
    for task in tasks:  # in the order they became ready
        for unit in with_ancestors(session, [task.department]):
            first.setdefault(unit, task.ready_at)
    return first


def _write(session: Session, figures: Sequence[FigureRows]) -> None:
    """The batch's rows, added up per table and key, a few statements per table."""
    merged: dict[Any, tuple[FigureRows, dict[tuple[Any, ...], dict[str, Any]]]] = {}
    for part in figures:
        _, by_key = merged.setdefault(part.table.name, (part, {}))
        for row in part.rows:
            key = tuple(row[column] for column in part.key)
            if key in by_key:
                for counter in part.counters:
                    by_key[key][counter] += row[counter]
            else:
                by_key[key] = dict(row)
    for part, by_key in merged.values():
        rows = list(by_key.values())
        for start in range(0, len(rows), WRITE_CHUNK):
            upsert_rows(session, part.table, part.key, part.counters, rows[start:start + WRITE_CHUNK])


def _day(instant: datetime, calendar: WorkingCalendar) -> date:
    return instant.astimezone(calendar.timezone).date()
