"""Dossier codes: {agency identifier}-{yyMMdd}-{NNNN}, numbered per receiving agency per day.

The number is taken before the diagram runs, and on PostgreSQL in its own short transaction:
the upsert locks the agency's counter row until that transaction ends, and if it were the
command's transaction, every intake at the center would wait for the slowest diagram being
started there (a script looping up to its time limit, or worse before there was one).

The price is a gap in the day's numbers when a start fails after its number was taken (a script
or condition fails, the database drops the connection). The law fixes the code's form and that
numbers run per receiving agency per day (Circular 01/2018/TT-VPCP, now 03/2025/TT-VPCP); it does
not make a missing number unlawful, and the logbook lists the dossiers received, not a range of
numbers. A gapless counter would have to hold its lock until the command commits, which is the
hang this avoids. SQLite takes its one write lock at BEGIN IMMEDIATE for the whole command anyway
(a second connection would wait on the command's own lock), so there the number is taken in the
command's transaction and is never lost; the script time limit bounds how long that lock is held.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.persistence.models import DossierCodeSequence


def next_dossier_code(session: Session, agency_identifier: str, received_at: datetime, timezone: str) -> str:
    """Take the next number of the day in one atomic upsert, safe under concurrent intake."""
    day = received_at.astimezone(ZoneInfo(timezone)).date()
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        with bind.engine.begin() as connection:  # committed at once: the counter is not held
            number = connection.execute(_take_number(postgresql, agency_identifier, day)).scalar_one()
    else:
        number = session.execute(_take_number(sqlite, agency_identifier, day)).scalar_one()
    return f"{agency_identifier}-{day:%y%m%d}-{number:04d}"


def _take_number(dialect: Any, agency_identifier: str, day: date) -> Any:
    return (
        dialect.insert(DossierCodeSequence)
        .values(agency_identifier=agency_identifier, day=day, last_number=1)
        .on_conflict_do_update(
            index_elements=["agency_identifier", "day"],
            set_={"last_number": DossierCodeSequence.last_number + 1},
        )
        .returning(DossierCodeSequence.last_number)
    )
