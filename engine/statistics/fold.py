"""Fold the figures' journals into the daily rows: what the scheduler does on each tick.

Commands append their counts to the journals (engine.statistics.upkeep); readers add the journals
to the daily rows (engine.statistics.daily), so a fold changes no figure, only how many rows the
readers add up. Each table is folded by summing its journal per key into the day's rows and
emptying the journal, in the caller's transaction:

- on PostgreSQL in one statement whose CTE deletes the journal rows it sums (``DELETE …
  RETURNING``): a row a command commits meanwhile is neither summed nor deleted, and waits for the
  next fold; two schedulers folding at once never count a row twice (the second waits on the
  first's deletions, then skips them). The sums are written in key order, so two folds lock the
  day's rows in the same order and cannot deadlock;
- on SQLite the INSERT takes the database's one write lock before it reads the journal, so
  nothing can be appended between its sum and the DELETE that follows.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table
from sqlalchemy.orm import Session

from engine.statistics.upkeep import JOURNAL_OF


def fold_figures(session: Session) -> int:
    """Fold every journal into its daily figures; the number of day rows added to or created."""
    connection = session.connection()
    dialect = connection.dialect.name
    touched = 0
    for figures, journal in JOURNAL_OF.items():
        summing, *emptying = _fold_sql(dialect, figures, journal)
        touched += max(connection.exec_driver_sql(summing).rowcount, 0)
        for statement in emptying:
            connection.exec_driver_sql(statement)
    return touched


@functools.lru_cache(maxsize=8)
def _fold_sql(dialect: str, figures: Table, journal: Table) -> tuple[str, ...]:
    """The statements folding ``journal`` into ``figures``, the summing one first (names from the
    models, never from input)."""
    key = [column.name for column in figures.primary_key.columns]
    counters = [column.name for column in figures.columns if column.name not in key]
    keys = ", ".join(key)
    sums = ", ".join(f"sum({name})" for name in counters)
    adds = ", ".join(f"{name} = {figures.name}.{name} + excluded.{name}" for name in counters)

    def summed(source: str) -> str:
        # WHERE true: without it SQLite would read ON CONFLICT as the start of a join's condition.
        return (f"INSERT INTO {figures.name} ({keys}, {', '.join(counters)}) SELECT {keys}, {sums} "
                f"FROM {source} WHERE true GROUP BY {keys} ORDER BY {keys} "
                f"ON CONFLICT ({keys}) DO UPDATE SET {adds}")

    if dialect == "postgresql":
        return (f"WITH moved AS (DELETE FROM {journal.name} RETURNING *) {summed('moved')}",)
    return (summed(journal.name), f"DELETE FROM {journal.name}")

