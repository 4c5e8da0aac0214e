"""Keep the daily figures current: each command adds what it did, in its own transaction.

``engine.runtime.workflow.finish_command`` asks ``record_command`` what the command adds, and the
dossier's UPDATE carries it: on PostgreSQL as a data-modifying CTE of that one statement (no round
trip of its own), elsewhere as one INSERT per table just before it. Either way the counts commit
or roll back with the command.

They are appended to the figures' journals, not added to the day's rows: a plain INSERT into a
table without index costs the command less than an upsert that finds, locks and rewrites the
day's row (``bench.statistics`` measures the cost added to a completion, with and without the
figures, in one run), and concurrent commands never wait on each other's day rows. The scheduler
folds the journals into the day's rows (engine.statistics.fold) and readers add the two
(engine.statistics.daily), so the figures are exact at every moment. Chosen over materialised
views refreshed by the scheduler, which would be stale between refreshes and cost seconds a
refresh over a year of a province.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CTE, String, Table, Text, bindparam, cast, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from engine.calendar.deadlines import Timeliness, classify_completion
from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    DOSSIER_DAY_JOURNAL,
    OFFICIAL_DAY_JOURNAL,
    STEP_HISTOGRAM_COLUMNS,
    STEP_HOUR_BUCKETS,
    Channel,
    DossierDayFigures,
    DossierStatus,
    HumanTask,
    OfficialDayFigures,
    table_of,
)
from engine.statistics.units import receiving_unit, with_ancestors
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
JOURNAL_OF = {_DOSSIER_DAY: DOSSIER_DAY_JOURNAL, _OFFICIAL_DAY: OFFICIAL_DAY_JOURNAL}
"""Each table of daily figures' journal, where commands append what they add to it."""


@dataclass(frozen=True)
class FigureRows:
    """Rows to add to one table of daily figures, all with the same columns and distinct keys."""

    table: Table
    key: tuple[str, ...]
    counters: tuple[str, ...]
    rows: list[dict[str, Any]]


def record_command(command: Command, values: dict[str, Any], new_tasks: list[dict[str, Any]]) -> list[FigureRows]:
    """What ``command`` adds to the daily figures: a dossier received or reaching a unit, a step
    completed, a dossier finished; nothing is written here (``write_figures``, ``journal_ctes``).
    ``values`` are the dossier columns the command is about to write (``reached_units`` is added)."""
    dossier, calendar = command.dossier, command.ctx.calendar
    finishing = values.get("status") in CLOSED_DOSSIER_STATUSES and dossier.status not in CLOSED_DOSSIER_STATUSES
    rows: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(DOSSIER_COUNTERS, 0))
    departments = [row["department"] for row in new_tasks]
    if command.starting:
        row = rows[(_day(dossier.received_at, calendar), WHOLE_DOSSIER)]
        row["received"] += 1
        row["received_online"] += int(dossier.channel == Channel.ONLINE)
        # The desk that received the dossier has it from that day: its figures count it received
        # then, not when a later step (returning the result) comes back to it.
        departments.append(receiving_unit(command.session, dossier.created_by_id))
    if departments or finishing:
        earlier = set(dossier.reached_units or ())
        reached = with_ancestors(command.session, departments) - earlier
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
        task = command.completion.task or command.session.get(HumanTask, command.completion.task_id)
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
    return [FigureRows(_DOSSIER_DAY, _DOSSIER_KEY, DOSSIER_COUNTERS, dossier_rows)]


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
    row["official_id"] = task.completed_by_id or 0
    return [FigureRows(_OFFICIAL_DAY, _OFFICIAL_KEY, STEP_COUNTERS, [row])]


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
    """Append ``figures`` to their journals, one statement per table (where the dossier's UPDATE
    cannot carry them)."""
    connection = session.connection()
    for part in figures:
        connection.execute(insert(JOURNAL_OF[part.table]), part.rows)


def journal_rows(figures: Sequence[FigureRows]) -> tuple[tuple[Table, ...], dict[str, str]]:
    """What the dossier's UPDATE needs to carry ``figures`` on PostgreSQL: the journals it appends
    to (``journal_ctes``) and, for each, its rows as one JSON parameter: an array of arrays, each
    row's values in the journal's column order (object keys cost a completion more to write out,
    and the server more to read, than the values themselves)."""
    rows: dict[Table, list[dict[str, Any]]] = {}
    for part in figures:
        rows.setdefault(JOURNAL_OF[part.table], []).extend(part.rows)
    journals = tuple(journal for journal in _JOURNALS if journal in rows)
    return journals, {_rows_parameter(journal): _json_rows(journal, rows[journal]) for journal in journals}


def _json_rows(journal: Table, rows: list[dict[str, Any]]) -> str:
    names = _COLUMNS_OF[journal]
    return json.dumps([[row[name] for name in names] for row in rows], default=date.isoformat)


_JOURNALS = tuple(sorted(JOURNAL_OF.values(), key=lambda journal: journal.name))  # the order the CTEs come in
_COLUMNS_OF = {journal: tuple(journal.columns.keys()) for journal in _JOURNALS}


def journal_ctes(journals: Sequence[Table]) -> list[CTE]:
    """Appending to ``journals`` as PostgreSQL data-modifying CTEs for the dossier's UPDATE to carry
    (PostgreSQL runs each exactly once with the statement, read or not).

    Each reads its rows from one JSON parameter (``jsonb_array_elements``, each value cast to its
    column's type), whatever their number and values: the statement has a handful of shapes, each
    compiled once, and SQLAlchemy keys and binds one parameter a journal rather than one a value.
    """
    return [_journal_cte(journal) for journal in journals]


@functools.lru_cache(maxsize=8)
def _journal_cte(journal: Table) -> CTE:
    elements = func.jsonb_array_elements(cast(bindparam(_rows_parameter(journal), type_=Text()), JSONB))
    row = elements.table_valued("value").alias("new_rows").c.value
    # Text stays text: an explicit cast to VARCHAR(n) would cut a long value short, the INSERT refuses it.
    values = [cast(row.op("->>")(literal_column(str(index))),
                   Text() if isinstance(column.type, String) else column.type)
              for index, column in enumerate(journal.columns)]
    appended = insert(journal).from_select(journal.columns.keys(), select(*values))
    return appended.cte(f"{journal.name}_appended")


def _rows_parameter(journal: Table) -> str:
    return f"{journal.name}_rows"


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
