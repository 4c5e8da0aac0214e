"""Dossier codes: {agency}-{yyMMdd}-{NNNN}, numbered per agency per local day."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.runtime.codes import next_dossier_code

TZ = "Asia/Ho_Chi_Minh"


def test_numbers_run_per_agency_and_reset_each_local_day(session_factory):
    morning = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    late_evening_utc = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # already 28/11 in Vietnam
    with session_factory.begin() as session:
        codes = [next_dossier_code(session, "000.00.00.H99", morning, TZ) for _ in range(3)]
        other = next_dossier_code(session, "000.00.01.H99", morning, TZ)
        next_day = next_dossier_code(session, "000.00.00.H99", late_evening_utc, TZ)
    assert codes == ["000.00.00.H99-261127-0001", "000.00.00.H99-261127-0002", "000.00.00.H99-261127-0003"]
    assert other == "000.00.01.H99-261127-0001"
    assert next_day == "000.00.00.H99-261128-0001"
