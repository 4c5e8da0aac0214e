"""The statistics as callers read them: each function resolves the scope through the access policy
(``engine.statistics.reach``) and returns one part, or the whole dashboard at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import NotFoundError
from engine.persistence.models import Official, Procedure, ProcedureVersion, VersionState
from engine.statistics.exports import Table
from engine.statistics.figures import Figures, scope_figures
from engine.statistics.indicators import Indicator, indicators
from engine.statistics.lists import DossierLine, Drill, drill_down, overdue_and_due_soon
from engine.statistics.period import Period
from engine.statistics.ratings import ratings_in
from engine.statistics.reach import ScopeRequest, StatScope, resolve_scope
from engine.statistics.steps import StepFigures, step_figures
from engine.statistics.supervision import Watchlist, watchlist
from engine.statistics.tables import Row, TrendPoint, by_official, by_unit, trend


@dataclass(frozen=True)
class Reader:
    """Who reads, and the moment they read at."""

    official: Official
    now: datetime
    today: date
    calendar: WorkingCalendar


@dataclass(frozen=True)
class Dashboard:
    scope: StatScope
    period: Period
    figures: Figures
    previous: Figures  # the period of the same length just before, for the trend arrows
    trend: list[TrendPoint]
    units: list[Row]
    officials: list[Row]
    steps: list[StepFigures]
    overdue: list[DossierLine]
    due_soon: list[DossierLine]
    indicators: list[Indicator]


def scope_of(session: Session, reader: Reader, request: ScopeRequest) -> StatScope:
    return resolve_scope(session, reader.official, request, today=reader.today)


def figures_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> Figures:
    return scope_figures(session, scope_of(session, reader, request), period, now=reader.now,
                         calendar=reader.calendar)


def dashboard(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> Dashboard:
    """Every part of a leader's dashboard for one scope and period."""
    scope = scope_of(session, reader, request)
    now, calendar = reader.now, reader.calendar
    figures = scope_figures(session, scope, period, now=now, calendar=calendar)
    overdue, due_soon = overdue_and_due_soon(session, scope, now=now, calendar=calendar)
    return Dashboard(
        scope=scope, period=period, figures=figures,
        previous=scope_figures(session, scope, period.previous(), now=now, calendar=calendar),
        trend=trend(session, scope, period), units=by_unit(session, scope, period),
        officials=by_official(session, scope, period), steps=step_figures(session, scope, period),
        overdue=overdue, due_soon=due_soon,
        indicators=indicators(figures, ratings_in(session, scope, period, zone=calendar.timezone)))


def trend_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> list[TrendPoint]:
    return trend(session, scope_of(session, reader, request), period)


def units_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> list[Row]:
    return by_unit(session, scope_of(session, reader, request), period)


def officials_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> list[Row]:
    return by_official(session, scope_of(session, reader, request), period)


def steps_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> list[StepFigures]:
    return step_figures(session, scope_of(session, reader, request), period)


def overdue_of(session: Session, reader: Reader, request: ScopeRequest) -> tuple[list[DossierLine], list[DossierLine]]:
    return overdue_and_due_soon(session, scope_of(session, reader, request), now=reader.now,
                                calendar=reader.calendar)


def indicators_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> list[Indicator]:
    scope = scope_of(session, reader, request)
    figures = scope_figures(session, scope, period, now=reader.now, calendar=reader.calendar)
    return indicators(figures, ratings_in(session, scope, period, zone=reader.calendar.timezone))


def dossiers_of(session: Session, reader: Reader, request: ScopeRequest, period: Period, figure: Drill,
                limit: int) -> list[DossierLine]:
    return drill_down(session, scope_of(session, reader, request), period, figure, now=reader.now,
                      calendar=reader.calendar, limit=limit)


def watchlist_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> Watchlist:
    return watchlist(session, scope_of(session, reader, request), period, now=reader.now, calendar=reader.calendar)


@dataclass(frozen=True)
class Heatmap:
    procedure: str
    name: str
    bpmn_xml: str
    steps: list[StepFigures]


def heatmap_of(session: Session, reader: Reader, request: ScopeRequest, period: Period) -> Heatmap:
    """A procedure's diagram (its active version, else its newest) with each step's figures."""
    scope = scope_of(session, reader, request)
    row = session.execute(
        select(Procedure.name, ProcedureVersion.bpmn_xml)
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(Procedure.key == request.procedure)
        .order_by((ProcedureVersion.state == VersionState.ACTIVE).desc(), ProcedureVersion.version.desc()).limit(1)
    ).first()
    if not request.procedure or row is None:
        raise NotFoundError(f"Không tìm thấy thủ tục '{request.procedure}'",
                            message_en=f"Procedure '{request.procedure}' not found")
    return Heatmap(request.procedure, row[0], row[1], step_figures(session, scope, period))


def export_tables(board: Dashboard) -> list[Table]:
    """The dashboard as tables for CSV and XLSX (English column names: they are data, not UI)."""
    values = board.figures.as_dict()
    tables: list[Table] = [
        ("figures", ["figure", "value"], [[name, value] for name, value in values.items()]),
        ("indicators", ["code", "name", "value", "numerator", "denominator", "formula"],
         [[i.code, i.name, i.value, i.numerator, i.denominator, i.formula or i.missing] for i in board.indicators]),
        ("trend", ["from", "received", "finished", "in_time", "late"],
         [[p.starts.isoformat(), p.received, p.finished, p.in_time, p.late] for p in board.trend]),
        ("units", ["unit", "name", "steps_completed", "steps_late", "average_hours", "held", "dossiers_finished",
                   "dossiers_late"],
         [[r.key, r.name, r.completed, r.late, round(r.average_hours, 2), r.held, r.dossiers_finished,
           r.dossiers_late] for r in board.units]),
        ("officials", ["official", "name", "steps_completed", "steps_late", "average_hours", "held"],
         [[r.key, r.name, r.completed, r.late, round(r.average_hours, 2), r.held] for r in board.officials]),
        ("steps", ["procedure", "step", "name", "completed", "late", "average_hours", "p90_hours", "allotted_hours"],
         [[s.procedure, s.element_id, s.name, s.completed, s.late, round(s.average_hours, 2), _rounded(s.p90_hours),
           _rounded(s.allotted_hours)] for s in board.steps]),
        ("overdue", ["code", "procedure", "center", "due_at", "steps_waiting"],
         [[d.code, d.procedure, d.center, d.due_at, _holders(d)] for d in board.overdue + board.due_soon]),
    ]
    return tables


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _holders(line: DossierLine) -> Any:
    return "; ".join(f"{h.step} — {h.official or h.unit}" for h in line.holders)
