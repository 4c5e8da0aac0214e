"""The dossier search's timeliness rule judged on one due time, as the inbox's traffic light does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.reads.dossiers import DossierTimeliness, timeliness_at

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SOON = NOW + timedelta(hours=8)  # one working day ahead


@pytest.mark.parametrize(("due_at", "paused", "expected"), [
    (NOW + timedelta(days=3), False, DossierTimeliness.ON_TIME),
    (SOON, False, DossierTimeliness.ON_TIME),
    (SOON - timedelta(minutes=1), False, DossierTimeliness.DUE_SOON),
    (NOW, False, DossierTimeliness.DUE_SOON),
    (NOW - timedelta(minutes=1), False, DossierTimeliness.OVERDUE),
    (NOW - timedelta(days=1), True, DossierTimeliness.PAUSED),  # the clock stopped: not judged
    (None, False, DossierTimeliness.ON_TIME),
])
def test_where_a_due_time_stands(due_at, paused, expected):
    assert timeliness_at(due_at, paused, now=NOW, soon=SOON) == expected
