"""The statistics of hand-made dossiers driven through the engine: Decision 766 counts (pauses, a
second supplementation, a refusal, a withdrawal, an open overdue dossier, a paused one), the steps'
times, the lists behind each figure, and who may read which scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import NotFoundError, PermissionDeniedError
from engine.persistence.models import Official
from engine.runtime.actions import withdraw_dossier
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from engine.statistics.figures import Figures, period_figures
from engine.statistics.fold import fold_figures
from engine.statistics.lists import Drill, drill_down, overdue_and_due_soon
from engine.statistics.period import Period
from engine.statistics.public import on_time_by_center
from engine.statistics.reach import ScopeRequest, resolve_scope
from engine.statistics.steps import step_figures
from engine.statistics.supervision import appraisal_record, watchlist
from engine.statistics.tables import by_official, by_unit, trend
from engine.statistics.units import forget_units
from tests.conftest import deploy, enterprise_start_data, open_tasks
from tests.procedures.test_enterprise_registration import (
    APPRAISE_OK,
    APPRAISE_REFUSE,
    APPRAISE_SUPPLEMENT,
    NOTIFY_REFUSAL,
    RETURN,
    SIGN,
    SIGN_REFUSAL,
    SUPPLEMENT,
)
from tests.staff import Staff

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = Period(date(2026, 11, 27), date(2026, 12, 4))


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


@dataclass
class Province:
    session_factory: sessionmaker[Session]
    ctx: EngineContext
    staff: Staff
    codes: dict[str, str]

    def figures(self, who, request: ScopeRequest | None = None) -> Figures:
        with self.session_factory() as session:
            return period_figures(session, who, request or ScopeRequest(), PERIOD, now=self.ctx.clock.now(),
                                  today=date(2026, 12, 4), calendar=self.ctx.calendar)

    def official(self, actor) -> Official:
        with self.session_factory() as session:
            official = session.get(Official, actor.id)
            assert official is not None
            session.expunge(official)
            return official


@pytest.fixture
def province(session_factory, ctx, clock, center, staff) -> Province:
    """Six dossiers received on Friday 27/11/2026 (three working days: due Wednesday 2/12 17:00),
    driven to: early, late by a second supplementation, refused, withdrawn, open and overdue, paused."""
    forget_units()
    # The department first, so its division is made below it; every lane's unit before deploying.
    for unit, role in (("so_tai_chinh", "unit_leader"), ("so_tai_chinh.phong_dkkd", "specialist"),
                       ("trung_tam_hcc", "reception")):
        staff.of(unit, role)
    deploy(session_factory, ctx, "enterprise_registration")
    clock.set(local(27, 11, 9))
    codes = {}
    for name in ("early", "twice", "refused", "withdrawn", "overdue", "paused"):
        with session_factory.begin() as session:
            dossier = start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                                    center_code=center.code, data=enterprise_start_data())
            codes[name] = dossier.code
    ids = {name: _id(session_factory, code) for name, code in codes.items()}

    def step(name: str, moment: datetime, element: str, data: dict) -> None:
        clock.set(moment)
        (task,) = open_tasks(session_factory, ids[name])
        assert task.element_id == element
        with session_factory.begin() as session:
            complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=data)

    clock.set(local(30, 11, 8))
    with session_factory.begin() as session:
        withdraw_dossier(session, ctx, ids["withdrawn"], actor=staff.center_leader, reason="Công dân xin rút")
    for moment, element, data in [(local(30, 11, 9), "appraise_dossier", APPRAISE_OK),
                                  (local(30, 11, 10), "approve_dossier", SIGN),
                                  (local(30, 11, 11), "return_result", RETURN)]:
        step("early", moment, element, data)
    # The scheduler folds now and then: the figures read below add folded rows and the journal's.
    with session_factory.begin() as session:
        assert fold_figures(session) > 0
    for moment, element, data in [(local(30, 11, 9), "appraise_dossier", APPRAISE_REFUSE),
                                  (local(30, 11, 10), "approve_dossier", SIGN_REFUSAL),
                                  (local(30, 11, 11), "notify_refusal", NOTIFY_REFUSAL)]:
        step("refused", moment, element, data)
    for moment, element, data in [(local(30, 11, 9), "appraise_dossier", APPRAISE_SUPPLEMENT),
                                  (local(30, 11, 10), "receive_supplement", SUPPLEMENT),
                                  (local(30, 11, 11), "appraise_dossier", APPRAISE_SUPPLEMENT),
                                  (local(30, 11, 14), "receive_supplement", SUPPLEMENT),
                                  (local(1, 12, 9), "appraise_dossier", APPRAISE_OK),
                                  (local(1, 12, 10), "approve_dossier", SIGN),
                                  (local(1, 12, 11), "return_result", RETURN)]:
        step("twice", moment, element, data)
    step("paused", local(1, 12, 9), "appraise_dossier", APPRAISE_SUPPLEMENT)
    clock.set(local(4, 12, 10))  # Friday: the overdue dossier still waits for its appraisal
    return Province(session_factory, ctx, staff, codes)


def _id(session_factory, code: str) -> int:
    from sqlalchemy import select

    from engine.persistence.models import Dossier
    with session_factory() as session:
        return session.scalar(select(Dossier.id).where(Dossier.code == code))


def test_the_center_leader_reads_decision_766_counts(province: Province):
    figures = province.figures(province.staff.center_leader)
    assert (figures.received, figures.finished, figures.in_progress, figures.in_progress_late) == (6, 4, 2, 1)
    # Early: the issued one, the refusal, the withdrawal (all before the due day); late: the second request.
    assert (figures.early, figures.on_time, figures.late) == (3, 0, 1)
    assert (figures.refused, figures.stopped, figures.supplemented, figures.decided) == (1, 1, 1, 3)
    assert figures.on_time_rate == pytest.approx((3 + 2 - 1) / (4 + 2))
    assert figures.refusal_rate == pytest.approx(1 / 4) and figures.supplementation_rate == pytest.approx(1 / 4)
    # Decided dossiers took less working time than the law allows (pauses left out of both).
    assert figures.time_saved is not None and -1 < figures.time_saved < 0
    assert figures.average_working_days is not None and 0 < figures.average_working_days < 3


def test_every_counted_figure_lists_exactly_the_dossiers_it_counts(province: Province):
    figures = province.figures(province.staff.center_leader).as_dict()
    leader = province.official(province.staff.center_leader)
    with province.session_factory() as session:
        scope = resolve_scope(session, leader, ScopeRequest(), today=date(2026, 12, 4))
        for figure in Drill:
            lines = drill_down(session, scope, PERIOD, figure, now=province.ctx.clock.now(),
                               calendar=province.ctx.calendar)
            assert len(lines) == figures[figure.value], figure
        late = drill_down(session, scope, PERIOD, Drill.LATE, now=province.ctx.clock.now(),
                          calendar=province.ctx.calendar)
        assert [line.code for line in late] == [province.codes["twice"]]


def test_the_overdue_list_names_who_holds_each_step(province: Province):
    leader = province.official(province.staff.center_leader)
    with province.session_factory() as session:
        scope = resolve_scope(session, leader, ScopeRequest(), today=date(2026, 12, 4))
        overdue, due_soon = overdue_and_due_soon(session, scope, now=province.ctx.clock.now(),
                                                 calendar=province.ctx.calendar)
    assert [line.code for line in overdue] == [province.codes["overdue"]] and due_soon == []
    (holder,) = overdue[0].holders
    assert holder.step == "Thẩm định hồ sơ" and holder.unit == "so_tai_chinh.phong_dkkd"


def test_steps_units_officials_and_trend(province: Province):
    leader = province.official(province.staff.center_leader)
    with province.session_factory() as session:
        scope = resolve_scope(session, leader, ScopeRequest(), today=date(2026, 12, 4))
        steps = {s.element_id: s for s in step_figures(session, scope, PERIOD)}
        units = {row.key: row for row in by_unit(session, scope, PERIOD)}
        officials = by_official(session, scope, PERIOD)
        points = trend(session, scope, PERIOD)
    appraise = steps["appraise_dossier"]
    assert appraise.completed == 6 and appraise.allotted_hours == pytest.approx(16)
    assert appraise.late == 0 and 0 < appraise.p90_hours <= 24
    assert units["so_tai_chinh.phong_dkkd"].completed == 6 and units["so_tai_chinh.phong_dkkd"].held == 1
    assert sum(row.completed for row in officials) == sum(s.completed for s in steps.values())
    assert [p.starts for p in points][:2] == [date(2026, 11, 27), date(2026, 11, 28)]
    assert sum(p.received for p in points) == 6 and sum(p.finished for p in points) == 4


def test_a_unit_leader_reads_their_unit_and_no_other(province: Province):
    leader = province.staff.of("so_tai_chinh", "unit_leader")
    figures = province.figures(leader)
    assert (figures.received, figures.finished, figures.in_progress) == (6, 4, 2)
    division = province.figures(leader, ScopeRequest(unit="so_tai_chinh.phong_dkkd"))
    assert division.received == 6
    other = province.staff.of("so_xay_dung", "unit_leader")
    assert province.figures(other).received == 0
    with pytest.raises(PermissionDeniedError):
        province.figures(other, ScopeRequest(unit="so_tai_chinh"))
    with pytest.raises(PermissionDeniedError):
        province.figures(leader, ScopeRequest(unit="trung_tam_hcc"))


def test_the_receiving_desk_counts_a_dossier_received_the_day_it_received_it(province: Province):
    """The desk's six dossiers count on Friday 27/11, when it received them, not on the day a result
    came back to it for return; the two still running are in progress at the desk too."""
    leader = province.staff.of("trung_tam_hcc", "unit_leader")
    with province.session_factory() as session:
        reception_day = period_figures(session, leader, ScopeRequest(), Period(date(2026, 11, 27), date(2026, 11, 27)),
                                       now=province.ctx.clock.now(), today=date(2026, 12, 4),
                                       calendar=province.ctx.calendar)
    assert reception_day.received == 6
    figures = province.figures(leader)
    assert (figures.received, figures.finished, figures.in_progress) == (6, 4, 2)


def test_an_official_reads_no_figures_and_unknown_scopes_are_not_found(province: Province):
    with pytest.raises(PermissionDeniedError):
        province.figures(province.staff.reception)
    with pytest.raises(NotFoundError):
        province.figures(province.staff.center_leader, ScopeRequest(center="hcc_nowhere"))


def test_an_officials_figures_are_their_steps(province: Province):
    specialist = province.official(province.staff.of("so_tai_chinh.phong_dkkd", "specialist"))
    figures = province.figures(province.staff.center_leader, ScopeRequest(official=specialist.username))
    assert figures.received is None and figures.finished == 6 and figures.late == 0
    leader = province.official(province.staff.center_leader)
    with province.session_factory() as session:
        everyone = resolve_scope(session, leader, ScopeRequest(), today=date(2026, 12, 4))
        theirs = resolve_scope(session, leader, ScopeRequest(official=specialist.username), today=date(2026, 12, 4))
        appraise = {s.element_id: s for s in step_figures(session, everyone, PERIOD)}["appraise_dossier"]
        (own,) = step_figures(session, theirs, PERIOD)
    # They did every appraisal: their steps' p90 is everyone's, from their own histogram.
    assert own.element_id == "appraise_dossier" and own.completed == appraise.completed == 6
    assert own.p90_hours == pytest.approx(appraise.p90_hours) and own.p90_hours is not None


def test_the_supervisor_reads_the_appraisal_record_and_the_watchlist(province: Province):
    supervisor = province.official(province.staff.of("trung_tam_hcc", "supervisor"))
    with province.session_factory() as session:
        record = appraisal_record(session, supervisor, province.codes["refused"], today=date(2026, 12, 4))
        scope = resolve_scope(session, supervisor, ScopeRequest(), today=date(2026, 12, 4))
        watch = watchlist(session, scope, PERIOD, now=province.ctx.clock.now(), calendar=province.ctx.calendar)
    assert [(e.step, e.decision) for e in record.entries] == [
        ("Thẩm định hồ sơ", "propose_refusal"), ("Phê duyệt kết quả", "sign_refusal")]
    assert record.entries[0].decision_text == "Đề xuất từ chối cấp Giấy chứng nhận"
    assert any("Tên doanh nghiệp trùng" in opinion for opinion in record.entries[0].opinions)
    assert [line.code for line in watch.refused] == [province.codes["refused"]]
    assert "Điều 41 Luật Doanh nghiệp 2020" in watch.refusal_grounds[province.codes["refused"]]
    assert [(e.code, e.kind, e.reason) for e in watch.events] == [
        (province.codes["withdrawn"], "dossier_withdrawn", "Công dân xin rút")]


def test_the_public_on_time_rate_of_a_procedure_at_a_center(province: Province, center):
    with province.session_factory() as session:
        by_center = on_time_by_center(session, "enterprise_registration", PERIOD, now=province.ctx.clock.now(),
                                      calendar=province.ctx.calendar)
        nothing = on_time_by_center(session, "no_such_procedure", PERIOD, now=province.ctx.clock.now(),
                                    calendar=province.ctx.calendar)
    assert by_center[center.id].on_time_rate == pytest.approx(4 / 6) and nothing == {}


def test_a_dissatisfied_rating_lowers_the_satisfaction_indicator(province: Province):
    from sqlalchemy import select

    from engine.persistence.models import Dossier
    from engine.satisfaction import record_rating
    from engine.statistics.indicators import indicators
    from engine.statistics.ratings import ratings_in

    leader = province.official(province.staff.center_leader)
    with province.session_factory.begin() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == province.codes["early"]))
        record_rating(session, dossier, level="dissatisfied", channel="lookup", at=local(2, 12, 9))
    with province.session_factory() as session:
        scope = resolve_scope(session, leader, ScopeRequest(), today=date(2026, 12, 4))
        ratings = ratings_in(session, scope, PERIOD, zone=HANOI)
    figures = province.figures(province.staff.center_leader)
    satisfaction = next(i for i in indicators(figures, ratings) if i.code == "5.4")
    assert ratings == (1, 1)
    # Overdue: the late one and the open overdue one; disliked: one; over the 6 finished or in progress.
    assert satisfaction.value == pytest.approx(1 - 2 / 6 - 1 / 6) and satisfaction.missing is None


def test_the_migration_fills_in_reached_units_as_the_commands_keep_them(province: Province):
    """Dossiers older than the statistics get their reached units from their steps (migration
    d5b1f3a7c920) and their receiving desk (b8f2d4a6c317): the same list the commands keep."""
    from sqlalchemy import null, select, update

    from engine.persistence.models import Dossier
    from tests.migrations import migration

    with province.session_factory.begin() as session:
        kept = {row.id: row.reached_units for row in session.execute(select(Dossier.id, Dossier.reached_units))}
        session.execute(update(Dossier).values(reached_units=null()))  # as the statistics migration left them
        migration("d5b1f3a7c920_reached_units_index")._fill_reached_units(session.connection())
        migration("b8f2d4a6c317_receiving_desk_reached").add_receiving_desks(session.connection())
        filled = {row.id: row.reached_units for row in session.execute(select(Dossier.id, Dossier.reached_units))}
    assert len(kept) >= 5 and any(units for units in kept.values())
    assert filled == kept


def test_rebuilding_the_figures_gives_back_what_the_commands_kept(province: Province):
    """engine.statistics.rebuild recomputes every daily figure from the dossiers and their steps:
    on hand-made dossiers (pauses, a second supplementation, a refusal, a withdrawal, open ones) it
    gives back exactly the rows every command added, and each dossier's reached units."""
    from sqlalchemy import select

    from engine.persistence.models import Dossier, DossierDayFigures, OfficialDayFigures
    from engine.statistics.rebuild import rebuild_figures

    def snapshot(session):
        fold_figures(session)  # the journals' rows into the day's, as rebuilt
        tables = [select(table) for table in (DossierDayFigures, OfficialDayFigures)]
        figures = [sorted(tuple(row) for row in session.execute(query.with_only_columns(
            *query.selected_columns)).all()) for query in tables]
        units = {row.id: row.reached_units for row in session.execute(select(Dossier.id, Dossier.reached_units))}
        return figures, units

    with province.session_factory() as session:
        kept = snapshot(session)
    with province.session_factory.begin() as session:
        rebuilt = rebuild_figures(session, province.ctx.calendar, batch=2)  # several batches
    with province.session_factory() as session:
        again = snapshot(session)
    assert rebuilt.dossiers == len(kept[1]) and rebuilt.steps > 0
    assert all(kept[0]) and again == kept
