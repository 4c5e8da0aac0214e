"""Dossier codes: {agency identifier}-{yyMMdd}-{NNNN}, numbered per receiving agency per day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.persistence.models import DossierCodeSequence


def next_dossier_code(session: Session, agency_identifier: str, received_at: datetime, timezone: str) -> str:
    """Take the next number of the day in one atomic upsert, safe under concurrent intake."""
    day = received_at.astimezone(ZoneInfo(timezone)).date()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DossierCodeSequence)
        .values(agency_identifier=agency_identifier, day=day, last_number=1)
        .on_conflict_do_update(
            index_elements=["agency_identifier", "day"],
            set_={"last_number": DossierCodeSequence.last_number + 1},
        )
        .returning(DossierCodeSequence.last_number)
    )
    number = session.execute(statement).scalar_one()
    return f"{agency_identifier}-{day:%y%m%d}-{number:04d}"
