"""The daily figures as readers see them: the folded rows and the journal not folded yet, together.

Commands append their counts to a journal (engine.statistics.upkeep) that the scheduler folds into
the daily rows (engine.statistics.fold). Every reader sums counters, so reading the two tables as
one (UNION ALL) gives the same figures before and after a fold, and a figure is exact the moment a
command commits. PostgreSQL pushes each reader's filters into both branches; the journal holds
what came since the last fold, a few rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select, union_all
from sqlalchemy.orm import aliased

from engine.persistence.models import (
    DOSSIER_DAY_JOURNAL,
    OFFICIAL_DAY_JOURNAL,
    DossierDayFigures,
    OfficialDayFigures,
    table_of,
)


def _with_journal(model: Any, journal: Table) -> Any:
    figures = table_of(model)
    together = union_all(select(*figures.columns), select(*[journal.c[c.name] for c in figures.columns]))
    return aliased(model, together.subquery(figures.name), adapt_on_names=True)


DossierDays: type[DossierDayFigures] = _with_journal(DossierDayFigures, DOSSIER_DAY_JOURNAL)
"""What happened to dossiers each day (``DossierDayFigures``' columns), the journal included."""
OfficialDays: type[OfficialDayFigures] = _with_journal(OfficialDayFigures, OFFICIAL_DAY_JOURNAL)
"""The steps each official completed each day (``OfficialDayFigures``' columns), the journal included."""
