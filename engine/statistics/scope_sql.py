"""A resolved scope as SQL conditions on the daily figures, on dossiers and on tasks."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, ColumnElement, FunctionElement, String, bindparam, exists, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from engine.persistence.models import (
    Dossier,
    HumanTask,
    Procedure,
    ProcedureVersion,
)
from engine.statistics.daily import DossierDays, OfficialDays
from engine.statistics.period import Period
from engine.statistics.reach import StatScope


def dossier_day_filter(scope: StatScope, period: Period) -> list[ColumnElement[bool]]:
    table = DossierDays
    where = [table.day >= period.first, table.day <= period.last, table.unit == scope.unit]
    if scope.center_ids is not None:
        where.append(table.center_id.in_(sorted(scope.center_ids)))
    if scope.procedure:
        where.append(table.procedure_key == scope.procedure)
    return where


def step_day_filter(scope: StatScope, period: Period) -> list[ColumnElement[bool]]:
    """The scope on the daily step figures (OfficialDays: each official's rows, which add up
    to everyone's)."""
    table = OfficialDays
    where = [table.day >= period.first, table.day <= period.last]
    if scope.center_ids is not None:
        where.append(table.center_id.in_(sorted(scope.center_ids)))
    if scope.units is not None:
        where.append(table.unit.in_(scope.units))
    if scope.official_id is not None:
        where.append(table.official_id == scope.official_id)
    if scope.procedure:
        where.append(table.procedure_key == scope.procedure)
    return where


class reached_unit(FunctionElement[bool]):  # noqa: N801 - a SQL function, named as SQL names them
    """``dossier.reached_units`` holds the unit: its official received the dossier, or a step of the
    dossier was in it, or in a unit below it (engine.statistics.upkeep keeps the list, the receiving
    desk and each step's unit with every unit above them).

    On PostgreSQL a JSONB containment the partial GIN index ``ix_dossier_open_reached`` answers for
    open dossiers (a unit leader's in-progress count reads no task row); elsewhere json_each.
    """

    type = Boolean()
    inherit_cache = True
    name = "reached_unit"


@compiles(reached_unit, "postgresql")
def _reached_unit_postgresql(element: reached_unit, compiler: SQLCompiler, **kw: Any) -> str:
    column, units = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST({column} AS JSONB) @> CAST({units} AS JSONB)"


@compiles(reached_unit)
def _reached_unit_elsewhere(element: reached_unit, compiler: SQLCompiler, **kw: Any) -> str:
    column, units = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = json_extract({units}, '$[0]'))"


def reached(unit: str) -> ColumnElement[bool]:
    """Dossiers that reached ``unit`` (it, or a unit below it, received them or held one of their steps)."""
    return reached_unit(Dossier.reached_units, bindparam(None, json.dumps([unit]), type_=String()))


def dossier_filter(scope: StatScope) -> list[ColumnElement[bool]]:
    """Dossiers of the scope: at its centers, of its procedure, worked on by its unit (or one below)."""
    where: list[ColumnElement[bool]] = []
    if scope.center_ids is not None:
        where.append(Dossier.center_id.in_(sorted(scope.center_ids)))
    if scope.procedure:
        where.append(Dossier.procedure_version_id.in_(
            select(ProcedureVersion.id).join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
            .where(Procedure.key == scope.procedure)))
    if scope.units is not None:
        where.append(reached(scope.unit))
    if scope.official_id is not None:
        where.append(exists().where(HumanTask.dossier_id == Dossier.id,
                                    (HumanTask.assignee_id == scope.official_id)
                                    | (HumanTask.completed_by_id == scope.official_id)))
    return where


def task_filter(scope: StatScope) -> list[ColumnElement[bool]]:
    """Tasks of the scope, from the task row's own columns."""
    where: list[Any] = []
    if scope.center_ids is not None:
        where.append(HumanTask.center_id.in_(sorted(scope.center_ids)))
    if scope.units is not None:
        where.append(HumanTask.department.in_(scope.units))
    if scope.official_id is not None:
        where.append(HumanTask.assignee_id == scope.official_id)
    if scope.procedure:
        where.append(HumanTask.procedure_key == scope.procedure)
    return where
