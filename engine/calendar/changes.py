"""Reading and changing the working calendar of this deployment, under the access policy.

The national holidays come from the ``holidays`` package; the Prime Minister's and the province's
decisions (an extra day off, a Saturday worked in compensation) are overrides kept in the database,
for the whole country or for the deployment's province. Each change is a command of its own,
allowed to admins alone (``calendar.change``), and recorded with who made it, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.audit.admin_chain import ActorRef, record_admin
from engine.calendar.store import DAY_OFF, WORKING_DAY
from engine.calendar.working_calendar import national_holidays
from engine.errors import FieldProblem, FormInvalidError, NotFoundError
from engine.persistence.models import CalendarChange, CalendarOverride, Official

HOLIDAY = "holiday"  # a national public holiday of the ``holidays`` package
KINDS = (DAY_OFF, WORKING_DAY)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: str               # holiday | day_off | working_day
    name: str
    province: str | None    # None: the whole country


def _applying(province: str | None) -> ColumnElement[bool]:
    """The overrides that apply to this deployment: the country's and its province's."""
    return or_(CalendarOverride.province.is_(None), CalendarOverride.province == province) \
        if province else CalendarOverride.province.is_(None)


def _own(province: str | None) -> ColumnElement[bool]:
    """The overrides this deployment decides: its province's, or the country's when it has none."""
    return CalendarOverride.province == province if province else CalendarOverride.province.is_(None)


def calendar_year(session: Session, who: Someone, year: int, *, province: str | None, today: date
                  ) -> list[CalendarDay]:
    """The national holidays and the overrides that apply, of one year, by day."""
    authorize(session, who, Action.CALENDAR_READ, today=today)
    overrides = session.scalars(
        select(CalendarOverride)
        .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31),
               _applying(province))
    ).all()
    days = [CalendarDay(day, HOLIDAY, name, None) for day, name in national_holidays(year).items()]
    days += [CalendarDay(row.day, row.kind, row.name, row.province) for row in overrides]
    return sorted(days, key=lambda d: (d.day, d.kind != HOLIDAY, d.province is not None))  # the winner last


def _check(kind: str, reason: str) -> str:
    problems = []
    if kind not in KINDS:
        problems.append(FieldProblem("kind", f"Loại ngày phải là {' hoặc '.join(KINDS)}",
                                     f"The kind of day must be {' or '.join(KINDS)}"))
    text = (reason or "").strip()
    if not text:
        problems.append(FieldProblem("reason", "Cần nêu lý do", "A reason is required"))
    if problems:
        raise FormInvalidError(problems)
    return text


def _record(session: Session, who: Someone, *, day: date, kind: str, action: str, reason: str,
            province: str | None, now: datetime) -> None:
    official = session.get(Official, who.id) if who.id is not None else None
    name = official.full_name if official else "Hệ thống"
    session.add(CalendarChange(day=day, kind=kind, action=action, reason=reason, province=province, at=now,
                               actor_id=who.id, actor_name=name))
    record_admin(session, f"calendar_day_{action}", actor=ActorRef(who.id, name), at=now,
                 subject=f"calendar:{province or 'national'}:{day.isoformat()}",
                 payload={"kind": kind, "reason": reason, "province": province})


def set_calendar_day(session: Session, who: Someone, *, day: date, kind: str, reason: str,
                     province: str | None, now: datetime, today: date) -> CalendarDay:
    """Make ``day`` an extra day off or a compensating working day for ``province`` (None: the whole
    country), replacing its earlier change of that day; recorded. Does not commit."""
    authorize(session, who, Action.CALENDAR_CHANGE, today=today)
    reason = _check(kind, reason)
    for row in session.scalars(select(CalendarOverride).where(CalendarOverride.day == day, _own(province))):
        session.delete(row)  # one change a day and place (the database holds it too)
    session.flush()
    session.add(CalendarOverride(day=day, kind=kind, name=reason, province=province))
    _record(session, who, day=day, kind=kind, action="set", reason=reason, province=province, now=now)
    session.flush()
    return CalendarDay(day, kind, reason, province)


def remove_calendar_day(session: Session, who: Someone, *, day: date, reason: str, province: str | None,
                        now: datetime, today: date) -> None:
    """Take back ``province``'s change of ``day`` (None: the country's); recorded. Does not commit."""
    authorize(session, who, Action.CALENDAR_CHANGE, today=today)
    rows = session.scalars(select(CalendarOverride).where(CalendarOverride.day == day, _own(province))).all()
    if not rows:
        raise NotFoundError(f"Ngày {day.isoformat()} không có thay đổi lịch nào",
                            message_en=f"No calendar change on {day.isoformat()}")
    reason = _check(rows[0].kind, reason)
    for row in rows:
        _record(session, who, day=day, kind=row.kind, action="remove", reason=reason, province=row.province,
                now=now)
        session.delete(row)
    session.flush()
