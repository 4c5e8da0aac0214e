"""The working calendar: a year's holidays and changes, and the admins' changes to it.

Reading needs a sign-in (``calendar.read``); setting or taking back a day off or a compensating
working day is for admins (``calendar.change``), with a reason, one recorded command each. The
deployment's calendar is the country's plus its province's (``MOTCUA_PROVINCE``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.deps import current_engine, current_official, get_session
from api.schemas import EARLIEST_DAY, LATEST_DAY, day_field
from engine.calendar.changes import KINDS, CalendarDay, calendar_year, remove_calendar_day, set_calendar_day
from engine.errors import FieldProblem, FormInvalidError

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="Lịch làm việc / Working calendar")


class CalendarDaySchema(Schema):
    day = fields.Date()
    kind = fields.String(metadata={"description": "holiday (national) | day_off | working_day"})
    name = fields.String(metadata={"description": "the holiday's name, or the reason of the change"})
    province = fields.String(allow_none=True, metadata={"description": "none: the whole country"})


class SetDayArgsSchema(Schema):
    day = day_field(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "day_off: an extra day off; working_day: a day worked "
                                                  "in compensation (làm bù)"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


class RemoveDayArgsSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


def _province() -> str | None:
    return current_engine().settings.province


def _reload() -> None:
    """Deadlines computed by this process use the new calendar at once."""
    current_engine().reload_calendar(get_session())


@blp.route(f"/<int(min={EARLIEST_DAY.year}, max={LATEST_DAY.year}):year>")
class CalendarYear(MethodView):
    @blp.response(200, CalendarDaySchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, year: int) -> list[CalendarDay]:
        """The national holidays and the days off and compensating working days of one year, by day"""
        return calendar_year(get_session(), current_official(), year, province=_province(),
                             today=current_engine().today())


@blp.route("/days")
class CalendarDays(MethodView):
    @blp.arguments(SetDayArgsSchema)
    @blp.response(200, CalendarDaySchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any]) -> CalendarDay:
        """Make a day an extra day off or a compensating working day (admins), with the reason
        ---
        Replaces any change of that day; recorded with who made it and when.
        """
        engine, session = current_engine(), get_session()
        day = set_calendar_day(session, current_official(), day=args["day"], kind=args["kind"],
                               reason=args["reason"], province=_province(), now=engine.clock.now(),
                               today=engine.today())
        session.commit()
        _reload()
        return day


@blp.route("/days/<string:day>")
class CalendarDayChange(MethodView):
    @blp.arguments(RemoveDayArgsSchema)
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    def delete(self, args: dict[str, Any], day: str) -> None:
        """Take back the change of a day (admins), with the reason; the national calendar applies again
        ---
        404 when that day has no change.
        """
        engine, session = current_engine(), get_session()
        remove_calendar_day(session, current_official(), day=_day(day), reason=args["reason"],
                            province=_province(), now=engine.clock.now(), today=engine.today())
        session.commit()
        _reload()


def _day(text: str) -> date:
    """The day of the URL (YYYY-MM-DD), within the days a request may name; else 422 naming ``day``."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or not EARLIEST_DAY <= value <= LATEST_DAY or len(text) != 10:
        raise FormInvalidError([FieldProblem("day", f"Ngày '{text[:20]}' không hợp lệ (YYYY-MM-DD)",
                                             f"The day '{text[:20]}' is not valid (YYYY-MM-DD)")])
    return value
