"""Commands append their counts to the figures' journals; the scheduler folds them into the daily
rows (engine.statistics.fold), and no figure a reader sees changes when it does."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.persistence.models import DOSSIER_DAY_JOURNAL, OFFICIAL_DAY_JOURNAL, DossierDayFigures, OfficialDayFigures
from engine.runtime.dossiers import start_dossier
from engine.statistics.fold import fold_figures
from engine.statistics.public import on_time_by_center
from engine.statistics.reach import ScopeRequest, resolve_scope
from engine.statistics.steps import step_figures
from engine.statistics.tables import by_official, by_unit, trend
from tests.conftest import enterprise_start_data
from tests.integration.engine import test_statistics
from tests.integration.engine.test_statistics import PERIOD, Province

province = test_statistics.province  # the hand-made dossiers, as a fixture here too
TABLES = (DossierDayFigures, OfficialDayFigures, DOSSIER_DAY_JOURNAL, OFFICIAL_DAY_JOURNAL)


def row_counts(province: Province) -> tuple[int, ...]:
    with province.session_factory() as session:
        return tuple(session.scalar(select(func.count()).select_from(table)) for table in TABLES)


def everything_read(province: Province, who) -> tuple:
    """Every reading of the daily figures a leader's dashboards and the catalogue make."""
    leader = province.official(who)
    now, calendar = province.ctx.clock.now(), province.ctx.calendar
    figures = province.figures(who)
    with province.session_factory() as session:
        scope = resolve_scope(session, leader, ScopeRequest(), today=date(2026, 12, 4))
        return (figures, step_figures(session, scope, PERIOD), by_unit(session, scope, PERIOD),
                by_official(session, scope, PERIOD), trend(session, scope, PERIOD),
                on_time_by_center(session, "enterprise_registration", PERIOD, now=now, calendar=calendar))


def test_folding_moves_the_journals_into_the_days_rows_and_changes_no_figure(province: Province):
    unit_leader = province.staff.of("so_tai_chinh", "unit_leader")
    before = [everything_read(province, who) for who in (province.staff.center_leader, unit_leader)]
    days, officials, dossier_journal, official_journal = row_counts(province)
    assert dossier_journal > 0 and official_journal > 0  # the commands since the fixture's fold
    with province.session_factory.begin() as session:
        assert fold_figures(session) > 0
    assert row_counts(province)[2:] == (0, 0)
    assert row_counts(province)[:2] >= (days, officials)
    assert [everything_read(province, who) for who in (province.staff.center_leader, unit_leader)] == before
    with province.session_factory.begin() as session:
        assert fold_figures(session) == 0  # nothing new: nothing to add


def test_a_command_appends_to_the_journal_and_leaves_the_days_rows(province: Province, center):
    with province.session_factory.begin() as session:
        fold_figures(session)
    days, officials, *_ = row_counts(province)
    received = province.figures(province.staff.center_leader).received
    with province.session_factory.begin() as session:
        start_dossier(session, province.ctx, "enterprise_registration", actor=province.staff.reception,
                      center_code=center.code, data=enterprise_start_data())
    assert row_counts(province)[:2] == (days, officials)
    assert row_counts(province)[2] > 0
    assert province.figures(province.staff.center_leader).received == received + 1  # read at once


def test_a_fold_leaves_a_count_committed_meanwhile_for_the_next(province: Province, center, is_postgresql):
    """PostgreSQL: a command commits while a fold runs; the fold neither counts nor deletes its rows."""
    if not is_postgresql:
        pytest.skip("SQLite lets one writer at a time: nothing commits while a fold runs")
    received = province.figures(province.staff.center_leader).received
    with province.session_factory() as folding:
        with folding.begin():
            fold_figures(folding)
            with province.session_factory.begin() as session:
                start_dossier(session, province.ctx, "enterprise_registration", actor=province.staff.reception,
                              center_code=center.code, data=enterprise_start_data())
    assert row_counts(province)[2] > 0  # the reception's counts wait for the next fold
    assert province.figures(province.staff.center_leader).received == received + 1
    with province.session_factory.begin() as session:
        assert fold_figures(session) > 0
    assert province.figures(province.staff.center_leader).received == received + 1


def test_two_schedulers_folding_at_once_count_each_row_once(province: Province, is_postgresql):
    """PostgreSQL: the second fold waits on the first's deletions, then finds nothing left to add."""
    if not is_postgresql:
        pytest.skip("SQLite lets one writer at a time: two folds cannot overlap")
    before = everything_read(province, province.staff.center_leader)
    second: list[int] = []

    def fold_in_another_scheduler() -> None:
        with province.session_factory.begin() as session:
            second.append(fold_figures(session))

    with province.session_factory() as first:
        with first.begin():
            assert fold_figures(first) > 0
            other = threading.Thread(target=fold_in_another_scheduler)
            other.start()
            other.join(timeout=0.5)
            assert other.is_alive()  # waiting on the rows the first fold deleted
        other.join(timeout=10)
    assert second == [0]
    assert everything_read(province, province.staff.center_leader) == before
