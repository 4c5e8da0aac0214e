"""How Vietnamese administrative documents write times, dates, money and labels (brief §7).

Pure functions on timezone-aware datetimes already in local time (the slip data builders convert).
Dates follow Decree 30/2020/NĐ-CP, Appendix I: a day below 10 and the months 1 and 2 take a
leading zero ("ngày 05 tháng 02 năm 2026", "ngày 27 tháng 11 năm 2026", "ngày 07 tháng 3 năm
2026"); hours and minutes always have two digits ("09 giờ 05 phút").
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from engine.calendar.deadlines import TimeLimit, TimeLimitUnit, Timeliness

TIMELINESS_LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}

STATUS_LABELS = {
    "processing": "Đang giải quyết",
    "awaiting_supplement": "Chờ bổ sung, hoàn thiện hồ sơ",
    "awaiting_payment": "Chờ thực hiện nghĩa vụ tài chính",
    "completed": "Đã trả kết quả",
    "refused": "Từ chối giải quyết",
    "withdrawn": "Công dân rút hồ sơ",
    "stopped": "Dừng giải quyết",
    "failed": "Lỗi xử lý, đang khắc phục",
}

CHANNEL_LABELS = {
    "direct": "Trực tiếp",
    "online": "Trực tuyến",
    "postal": "Qua dịch vụ bưu chính công ích",
}

COPY_TYPE_LABELS = {
    "ban_chinh": "Bản chính",
    "ban_sao": "Bản sao",
    "ban_sao_chung_thuc": "Bản sao có chứng thực",
    "ban_chup": "Bản chụp",
    "ban_dien_tu": "Bản điện tử",
}


def nfc(text: object) -> str:
    """Text in Unicode NFC: the precomposed letters the embedded font maps (brief §7)."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def _day(value: int) -> str:
    return f"{value:02d}"


def _month(value: int) -> str:
    return f"{value:02d}" if value < 3 else str(value)


def day_month_year(value: date | datetime) -> str:
    """``ngày 27 tháng 11 năm 2026``."""
    return f"ngày {_day(value.day)} tháng {_month(value.month)} năm {value.year}"


def instant(value: datetime | None) -> str:
    """``09 giờ 00 phút, ngày 27 tháng 11 năm 2026``, the printed form of an instant (Mẫu 01, 05)."""
    if value is None:
        return "…… giờ …… phút, ngày …… tháng …… năm ……"
    return f"{value.hour:02d} giờ {value.minute:02d} phút, {day_month_year(value)}"


def place_date(place: str | None, value: date | datetime) -> str:
    """``Hạ Long, ngày 05 tháng 11 năm 2026``; without a place, ``Ngày 05 tháng 11 năm 2026``."""
    text = day_month_year(value)
    return f"{nfc(place)}, {text}" if place else text[0].upper() + text[1:]


def short_instant(value: datetime | None) -> str:
    """``09:00 ngày 01/12/2026``, for notes where the long form does not fit."""
    return f"{value:%H:%M} ngày {value:%d/%m/%Y}" if value is not None else ""


def short_date(value: date | datetime | None) -> str:
    """``27/11/2026`` (dd/MM/yyyy)."""
    return value.strftime("%d/%m/%Y") if value is not None else ""


def short_time(value: datetime | None) -> str:
    """``09:00`` (24-hour HH:mm)."""
    return value.strftime("%H:%M") if value is not None else ""


def number(value: float) -> str:
    """``1.250.000`` and ``2,5``: dot for thousands, comma for decimals."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, decimals = f"{value:,.2f}".rstrip("0").partition(".")
    return f"{whole.replace(',', '.')},{decimals}"


def money(amount: float | None) -> str:
    """``50.000 đồng``."""
    return "" if amount is None else f"{number(amount)} đồng"


def working_duration(seconds: int) -> str:
    """``10 giờ 30 phút`` (of working time)."""
    minutes = max(0, seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes:02d} phút" if minutes else f"{hours} giờ"


def time_limit(limit: TimeLimit | None) -> str:
    """The statutory processing time: ``3 ngày làm việc``, ``4 giờ làm việc``, ``30 ngày``."""
    if limit is None:
        return ""
    if limit.unit is TimeLimitUnit.WORKING_DAYS:
        return "Trong ngày làm việc" if limit.value == 0 else f"{number(limit.value)} ngày làm việc"
    if limit.unit is TimeLimitUnit.WORKING_HOURS:
        return f"{number(limit.value)} giờ làm việc"
    return f"{number(limit.value)} ngày"


def timeliness(value: Timeliness | str | None) -> str:
    """``Trước hạn`` / ``Đúng hạn`` / ``Quá hạn``; empty when not classified."""
    if value is None or value == "":
        return ""
    return TIMELINESS_LABELS[Timeliness(value)]


def copy_type(value: str | None) -> str:
    return COPY_TYPE_LABELS.get(value or "", nfc(value or ""))


def dotted(value: str | None, width: int = 20) -> str:
    """The value, or a dotted blank to fill in by hand."""
    return nfc(value) if value else "…" * max(3, width // 4)
