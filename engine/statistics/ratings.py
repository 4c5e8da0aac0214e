"""Citizens' ratings of the scope's dossiers (engine.satisfaction records them), for Decision 766's
indicator 5.4: how many ratings in the period, and how many were a "dislike" (dissatisfied)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.persistence.models import Dossier, DossierRating, SatisfactionLevel
from engine.statistics.period import Period
from engine.statistics.reach import StatScope
from engine.statistics.scope_sql import dossier_filter


def ratings_in(session: Session, scope: StatScope, period: Period, *, zone: ZoneInfo) -> tuple[int, int]:
    """(dissatisfied, rated): the ratings made in ``period`` of the scope's dossiers (an official's
    scope: the ratings of the official themselves)."""
    start, end = period.start(zone), period.end(zone)
    where = [DossierRating.rated_at >= start, DossierRating.rated_at < end]
    level: Any = DossierRating.level
    if scope.official_id is not None:
        level = DossierRating.official_level
        where.append(DossierRating.official_id == scope.official_id)
    else:
        where += dossier_filter(scope)
    disliked, rated = session.execute(
        select(func.coalesce(func.sum(case((level == SatisfactionLevel.DISSATISFIED, 1), else_=0)), 0),
               func.count(level))
        .select_from(DossierRating).join(Dossier, Dossier.id == DossierRating.dossier_id).where(*where)
    ).one()
    return int(disliked), int(rated)
