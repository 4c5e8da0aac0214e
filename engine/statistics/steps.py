"""How long each step takes against its allotted time: average and p90, for the table and the heatmap.

The p90 is estimated from the daily histograms of working hours (``STEP_HOUR_BUCKETS``): the
bucket holding the 90th percentile, interpolated linearly inside it. Exact enough to tell a step
taking twice its allotment from one within it, and a year of a province stays a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.persistence.models import (
    STEP_HISTOGRAM_COLUMNS,
    STEP_HOUR_BUCKETS,
    Procedure,
    ProcedureVersion,
)
from engine.statistics.daily import OfficialDays
from engine.statistics.period import Period
from engine.statistics.reach import StatScope
from engine.statistics.scope_sql import step_day_filter


@dataclass(frozen=True)
class StepFigures:
    procedure: str
    element_id: str
    name: str
    completed: int
    early: int
    on_time: int
    late: int
    average_hours: float
    p90_hours: float | None  # None where the histogram misses steps (an official's, before it was kept)
    allotted_hours: float | None  # average allotment of the steps that had one

    @property
    def p90_ratio(self) -> float | None:
        """p90 over the allotted time: above 1 the step is a bottleneck (the heatmap's colour)."""
        return self.p90_hours / self.allotted_hours if self.allotted_hours and self.p90_hours is not None else None


def percentile_hours(histogram: Sequence[int], fraction: float = 0.9) -> float:
    """The ``fraction`` percentile of working hours, estimated from a histogram over STEP_HOUR_BUCKETS."""
    total = sum(histogram)
    if not total:
        return 0.0
    target, seen, lower = fraction * total, 0, 0.0
    for count, upper in zip(histogram, (*STEP_HOUR_BUCKETS, None), strict=True):
        if count and seen + count >= target:
            if upper is None:
                return lower  # the open bucket: at least its lower bound
            return lower + (upper - lower) * (target - seen) / count
        seen += count
        lower = upper if upper is not None else lower
    return lower


def step_figures(session: Session, scope: StatScope, period: Period) -> list[StepFigures]:
    """Each step of the scope's procedures completed in ``period``, slowest (by p90 ratio) first.

    An official's daily figures kept no histogram before migration e2c6a4f8b153: a p90 is given only
    where the histogram counts every step completed.
    """
    table = OfficialDays
    histogram = [func.sum(getattr(table, name)) for name in STEP_HISTOGRAM_COLUMNS]
    sums = [func.sum(getattr(table, name)) for name in
            ("completed", "early", "on_time", "late", "worked_seconds", "allotted_seconds", "allotted_steps")]
    rows = session.execute(
        select(table.procedure_key, table.element_id, *sums, *histogram)
        .where(*step_day_filter(scope, period)).group_by(table.procedure_key, table.element_id)
    ).all()
    names = step_names(session, {row[0] for row in rows})
    result = []
    for key, element_id, completed, early, on_time, late, worked, allotted, allotted_steps, *counts in rows:
        completed = int(completed)
        result.append(StepFigures(
            procedure=key, element_id=element_id, name=names.get((key, element_id), element_id),
            completed=completed, early=int(early), on_time=int(on_time), late=int(late),
            average_hours=int(worked) / completed / 3600 if completed else 0.0,
            p90_hours=_p90(completed, [int(v) for v in counts]),
            allotted_hours=int(allotted) / int(allotted_steps) / 3600 if allotted_steps else None))
    return sorted(result, key=lambda s: (-(s.p90_ratio or 0), s.procedure, s.element_id))


def _p90(completed: int, histogram: list[int]) -> float | None:
    return percentile_hours(histogram) if completed and sum(histogram) == completed else None


def step_names(session: Session, keys: set[str]) -> dict[tuple[str, str], str]:
    """Step names from the newest version of each procedure that has the step."""
    if not keys:
        return {}
    rows = session.execute(
        select(Procedure.key, ProcedureVersion.elements)
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(Procedure.key.in_(sorted(keys))).order_by(ProcedureVersion.version)
    ).all()
    names: dict[tuple[str, str], str] = {}
    for key, elements in rows:
        for element_id, element in (elements or {}).items():
            if element.get("name"):
                names[(key, element_id)] = element["name"]
    return names
