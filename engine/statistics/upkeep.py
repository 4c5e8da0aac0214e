"""Keep the daily figures current: each command adds what it did, in its own transaction.

``engine.runtime.workflow.finish_command`` asks ``record_command`` what the command adds, and the
dossier's UPDATE carries it: on PostgreSQL as data-modifying CTEs of that one statement (no round
trip of its own), elsewhere as one upsert per table just before it. Either way the figures commit
or roll back with the command. Measured by ``bench.statistics`` (the cost added to a completion,
with and without the figures, in one run). Chosen over materialised views refreshed by the
scheduler because the figures are then exact at every moment, and a refresh of a year of a
province costs seconds each time where an upsert costs a fraction of a millisecond per command.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CTE, String, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.calendar.deadlines import Timeliness, classify_completion
from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    STEP_HISTOGRAM_COLUMNS,
    STEP_HOUR_BUCKETS,
    Channel,
    DossierDayFigures,
    DossierStatus,
    HumanTask,
    OfficialDayFigures,
    table_of,
)
from engine.statistics.units import with_ancestors
from engine.statistics.verdict import finished_verdict

if TYPE_CHECKING:
    from engine.runtime.command import Command

DOSSIER_COUNTERS = ("received", "received_online", "finished", "early", "on_time", "late", "refused", "stopped",
                    "supplemented", "decided", "used_seconds", "allowed_seconds")
STEP_COUNTERS = ("completed", "early", "on_time", "late", "worked_seconds", "allotted_seconds", "allotted_steps",
                 *STEP_HISTOGRAM_COLUMNS)  # of the steps' daily figures and of each official's
_DOSSIER_KEY = ("day", "center_id", "procedure_key", "unit")
_OFFICIAL_KEY = ("day", "official_id", "center_id", "procedure_key", "unit", "element_id")
WHOLE_DOSSIER = ""  # the ``unit`` of the dossier-wide rows
_DOSSIER_DAY = table_of(DossierDayFigures)
_OFFICIAL_DAY = table_of(OfficialDayFigures)


@dataclass(frozen=True)
class FigureRows:
    """Rows to add to one table of daily figures, all with the same columns and distinct keys.

    ``family`` names the rows' values for PostgreSQL (``figure_ctes``), one prefix a kind of row.
    """

    table: Table
    key: tuple[str, ...]
    counters: tuple[str, ...]
    rows: list[dict[str, Any]]
    family: str

    def groups(self) -> list[tuple[dict[str, Any], list[str]]]:
        """The rows as (values but the unit, units): a finished dossier adds the same counts to
        every unit it reached, which PostgreSQL then adds in one INSERT … SELECT unnest(units)."""
        grouped: dict[tuple[Any, ...], tuple[dict[str, Any], list[str]]] = {}
        for row in self.rows:
            common = {column: value for column, value in row.items() if column != "unit"}
            grouped.setdefault(tuple(sorted(common.items())), (common, []))[1].append(row["unit"])
        return list(grouped.values())


FigureShape = tuple[str, int, Table, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""A family, a group's number in it, a figures table, its key, its counters, its columns but the unit."""


def record_command(command: Command, values: dict[str, Any], new_tasks: list[dict[str, Any]]) -> list[FigureRows]:
    """What ``command`` adds to the daily figures: a dossier received or reaching a unit, a step
    completed, a dossier finished; nothing is written here (``write_figures``, ``figure_ctes``).
    ``values`` are the dossier columns the command is about to write (``reached_units`` is added)."""
    dossier, calendar = command.dossier, command.ctx.calendar
    finishing = values.get("status") in CLOSED_DOSSIER_STATUSES and dossier.status not in CLOSED_DOSSIER_STATUSES
    rows: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(DOSSIER_COUNTERS, 0))
    if command.starting:
        row = rows[(_day(dossier.received_at, calendar), WHOLE_DOSSIER)]
        row["received"] += 1
        row["received_online"] += int(dossier.channel == Channel.ONLINE)
    if new_tasks or finishing:
        earlier = set(dossier.reached_units or ())
        reached = with_ancestors(command.session, (row["department"] for row in new_tasks)) - earlier
        for unit in reached:
            rows[(_day(command.at, calendar), unit)]["received"] += 1
        if reached:
            values["reached_units"] = sorted(earlier | reached)
        if finishing:
            units = earlier | reached
            end = values.get("completed_at") or command.at
            counts = _finished_counts(command, values, calendar, end)
            for unit in (WHOLE_DOSSIER, *units):
                row = rows[(_day(end, calendar), unit)]
                for name, value in counts.items():
                    row[name] += value
    figures = dossier_figure_rows(rows, dossier.center_id, command.version.key)
    if command.completion is not None:
        task = command.session.get(HumanTask, command.completion.task_id)
        if task is not None and task.completed_at is not None:
            figures += step_rows(task, command.version.key, calendar)
    return figures


def dossier_figure_rows(rows: dict[tuple[date, str], dict[str, int]], center_id: int,
                        procedure_key: str) -> list[FigureRows]:
    """A dossier's counts per (day, unit) as the rows of its daily figures (none: nothing to add)."""
    if not rows:
        return []
    base = {"center_id": center_id, "procedure_key": procedure_key}
    dossier_rows = [{**base, "day": day, "unit": unit, **counts} for (day, unit), counts in rows.items()]
    return [FigureRows(_DOSSIER_DAY, _DOSSIER_KEY, DOSSIER_COUNTERS, dossier_rows, "dossier")]


def _finished_counts(command: Command, values: dict[str, Any], calendar: WorkingCalendar,
                     end: datetime) -> dict[str, int]:
    dossier = command.dossier
    facts = {name: values.get(name, getattr(dossier, name)) for name in CLOSING_FACTS}
    facts["timeliness"] = values.get("timeliness")  # stored by this command, or judged below
    return finished_counts(facts, calendar, end)


CLOSING_FACTS = ("received_at", "status", "due_at", "late_by_rule", "timeliness", "supplement_requests",
                 "paused_seconds")


def finished_counts(facts: dict[str, Any], calendar: WorkingCalendar, end: datetime) -> dict[str, int]:
    """What a dossier closed at ``end`` adds to the day's figures, from its ``CLOSING_FACTS``."""
    status = facts["status"]
    stored = facts.get("timeliness")
    verdict = Timeliness(stored) if stored else finished_verdict(end, facts["due_at"], bool(facts["late_by_rule"]),
                                                                 calendar)
    decided = status in (DossierStatus.COMPLETED, DossierStatus.REFUSED)
    counts = {"finished": 1, verdict.value: 1, "refused": int(status == DossierStatus.REFUSED),
              "stopped": int(status in (DossierStatus.STOPPED, DossierStatus.WITHDRAWN)),
              "supplemented": int((facts["supplement_requests"] or 0) > 0), "decided": int(decided)}
    if decided:
        paused = int(facts["paused_seconds"] or 0)
        counts["used_seconds"] = max(0, _seconds(calendar, facts["received_at"], end) - paused)
        if facts["due_at"] is not None:
            counts["allowed_seconds"] = max(0, _seconds(calendar, facts["received_at"], facts["due_at"]) - paused)
    return counts


def step_rows(task: HumanTask, procedure_key: str, calendar: WorkingCalendar) -> list[FigureRows]:
    """What a completed step adds to its official's day (which, added up, is everyone's)."""
    assert task.completed_at is not None
    worked = _seconds(calendar, task.ready_at, task.completed_at)
    row: dict[str, Any] = dict.fromkeys(STEP_COUNTERS, 0)
    row.update(day=_day(task.completed_at, calendar), center_id=task.center_id or 0, procedure_key=procedure_key,
               unit=task.department or "", element_id=task.element_id, completed=1, worked_seconds=worked)
    if task.due_at is not None:
        row[classify_completion(task.completed_at, task.due_at, calendar).value] = 1
        row["allotted_seconds"] = max(0, _seconds(calendar, task.ready_at, task.due_at))
        row["allotted_steps"] = 1
    else:
        row["on_time"] = 1
    row[hour_bucket(worked)] = 1
    return [FigureRows(_OFFICIAL_DAY, _OFFICIAL_KEY, STEP_COUNTERS, [{**row, "official_id": task.completed_by_id or 0}],
                       "step")]


def hour_bucket(worked_seconds: float) -> str:
    """The histogram column a step of ``worked_seconds`` of working time counts in."""
    hours = worked_seconds / 3600
    for column, bound in zip(STEP_HISTOGRAM_COLUMNS, STEP_HOUR_BUCKETS, strict=False):
        if hours <= bound:
            return column
    return STEP_HISTOGRAM_COLUMNS[-1]


def _seconds(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    return int(calendar.working_time_between(start, end).total_seconds())


def _day(instant: datetime, calendar: WorkingCalendar) -> date:
    return instant.astimezone(calendar.timezone).date()


def write_figures(session: Session, figures: Sequence[FigureRows]) -> None:
    """Add ``figures`` with one statement per table (where the dossier's UPDATE cannot carry them)."""
    for part in figures:
        upsert_rows(session, part.table, part.key, part.counters, part.rows)


def figure_statement_parts(figures: Sequence[FigureRows]) -> tuple[tuple[FigureShape, ...], dict[str, Any]]:
    """What the dossier's UPDATE needs to carry ``figures`` on PostgreSQL: the shapes of its CTEs
    (``figure_ctes``, compiled once per shape) and their parameters."""
    shapes: list[FigureShape] = []
    params: dict[str, Any] = {}
    for part in figures:
        for number, (common, units) in enumerate(part.groups()):
            prefix = f"{part.family}{number}_"
            shapes.append((part.family, number, part.table, part.key, part.counters, tuple(sorted(common))))
            params.update({f"{prefix}{column}": value for column, value in common.items()})
            params[f"{prefix}{part.table.name}_units"] = units
    return tuple(shapes), params


def figure_ctes(shapes: Sequence[FigureShape]) -> list[CTE]:
    """Figures of ``shapes`` as PostgreSQL data-modifying CTEs for the dossier's UPDATE to carry
    (PostgreSQL runs each exactly once with the statement, read or not).

    Each adds one group's rows with INSERT … SELECT unnest(units), whatever their number: an
    INSERT of several VALUES rows has no cache key in SQLAlchemy, so the whole UPDATE would be
    compiled again at every command (milliseconds); this is compiled once per shape.
    """
    return [_upsert_cte(*shape) for shape in shapes]


@functools.lru_cache(maxsize=256)
def _upsert_cte(family: str, number: int, table: Table, key: tuple[str, ...], counters: tuple[str, ...],
                columns: tuple[str, ...]) -> CTE:
    prefix = f"{family}{number}_"
    units = func.unnest(bindparam(f"{prefix}{table.name}_units", type_=postgresql.ARRAY(String())))
    selected = select(*[bindparam(f"{prefix}{c}", type_=table.c[c].type) for c in columns], units)
    statement = postgresql.insert(table).from_select([*columns, "unit"], selected)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: table.c[name] + statement.excluded[name] for name in counters})
    return statement.cte(f"{table.name}_{number}")


def upsert_rows(session: Session, table: Table, key: Iterable[str], counters: Iterable[str],
                rows: list[dict[str, Any]]) -> None:
    """Add ``rows`` (all with the same columns) to the figures of ``table``, in one statement."""
    if not rows:
        return
    columns = tuple(sorted(rows[0]))
    connection = session.connection()
    sql, order = _upsert_sql(connection.dialect, table, tuple(key), tuple(counters), columns, len(rows))
    values = {f"{c}_{i}": row[c] for i, row in enumerate(rows) for c in columns}
    connection.exec_driver_sql(sql, tuple(values[name] for name in order) if order else values)


@functools.lru_cache(maxsize=64)
def _upsert_sql(dialect: Any, table: Table, key: tuple[str, ...], counters: tuple[str, ...],
                columns: tuple[str, ...], count: int) -> tuple[str, tuple[str, ...] | None]:
    """INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE adding to the days' rows, compiled once per shape.

    One statement, not executemany (psycopg runs that as a pipeline, more round trips than rows).
    Compiled to the driver's SQL once and sent as is: SQLAlchemy does not cache the compilation of
    an ON CONFLICT … excluded statement, and compiling it cost more than running it. Returns the
    SQL and, for a driver with positional parameters (SQLite), the order of their names.
    """
    module: Any = postgresql if dialect.name == "postgresql" else sqlite
    statement = module.insert(table).values([{c: bindparam(f"{c}_{i}") for c in columns} for i in range(count)])
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in counters},
    )
    compiled = statement.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    return str(compiled), order
