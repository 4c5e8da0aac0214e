"""engine.statistics.upkeep: how a command's figures travel inside the dossier's UPDATE on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.dialects import postgresql

from engine.persistence.models import DOSSIER_DAY_JOURNAL, OFFICIAL_DAY_JOURNAL, DossierDayFigures, table_of
from engine.statistics.upkeep import (
    _DOSSIER_KEY,
    DOSSIER_COUNTERS,
    FigureRows,
    journal_ctes,
    journal_rows,
)


def _dossier_row(unit: str, **counts: int) -> dict:
    return {"day": date(2026, 12, 3), "center_id": 1, "procedure_key": "enterprise_registration", "unit": unit,
            **dict.fromkeys(DOSSIER_COUNTERS, 0), **counts}


def test_each_journal_gets_its_rows_as_arrays_in_its_column_order():
    rows = [_dossier_row("", received=1), _dossier_row("so_tai_chinh", received=1, used_seconds=3600)]
    journals, parameters = journal_rows([FigureRows(table_of(DossierDayFigures), _DOSSIER_KEY, DOSSIER_COUNTERS,
                                                    rows)])
    assert journals == (DOSSIER_DAY_JOURNAL,)
    (name, text), = parameters.items()
    columns = DOSSIER_DAY_JOURNAL.columns.keys()
    decoded = json.loads(text)
    assert [dict(zip(columns, values, strict=True)) for values in decoded] == [
        {**row, "day": "2026-12-03"} for row in rows]
    assert name == "stat_dossier_day_journal_rows"


def test_no_journal_no_parameter():
    assert journal_rows([]) == ((), {})


def test_the_append_reads_each_value_by_position_and_keeps_text_uncut():
    (cte,) = journal_ctes([OFFICIAL_DAY_JOURNAL])
    sql = str(cte.compile(dialect=postgresql.psycopg.dialect()))
    assert "jsonb_array_elements" in sql
    assert "CAST(new_rows.value ->> 0 AS DATE)" in sql
    # Text is not cast to VARCHAR(n), which would cut it short: the INSERT refuses a value too long.
    assert "AS VARCHAR(" not in sql and "AS TEXT)" in sql
    assert sql.count("->>") == len(OFFICIAL_DAY_JOURNAL.columns)
