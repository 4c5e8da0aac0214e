"""The hotline desk (đường dây nóng): an official answering a call finds the caller's dossier by its
code, the applicant's phone or their name, and tells them what the public lookup would.

The caller holds no receipt secret, so the access policy stands in for it (``hotline.read``:
reception for its own center, center leaders and supervisors for theirs); a dossier outside that
scope is not found, as if it did not exist. The answer is the public view (engine.public): the
dossier's progress, never its data, so nothing is read out that the receipt would not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.access.policy import authorize, dossier_scope
from engine.access.rules import Action
from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import FieldProblem, FormInvalidError
from engine.org.text import fold, phone_number
from engine.persistence.models import Dossier, DossierStatus, Official, ProcedureVersion
from engine.public import STATUS_VI, PublicDossier, public_view
from engine.reads.dossiers import find_dossier
from engine.runtime.actions import appointment

MAX_MATCHES = 20  # a caller's dossiers fit; a name shared by more asks for the code or the phone
MIN_NAME = 3  # folded characters: fewer would list half the center


@dataclass(frozen=True)
class HotlineMatch:
    code: str
    procedure: str
    applicant_name: str  # for the official to confirm with the caller; not read out otherwise
    status: str
    received_at: datetime
    appointment_at: datetime | None


def check_hotline(session: Session, official: Official, *, today: date) -> None:
    """PermissionDeniedError, naming the rule, unless ``official`` may answer the hotline at all."""
    authorize(session, official, Action.HOTLINE_READ, today=today)


def hotline_search(session: Session, official: Official, text: str, *, today: date) -> list[HotlineMatch]:
    """Dossiers the official may answer for whose code is ``text``, or whose applicant's phone is it,
    or whose applicant's name contains it (accents ignored); newest first, at most MAX_MATCHES."""
    check_hotline(session, official, today=today)
    text = " ".join(text.split())
    if not text:
        raise FormInvalidError([FieldProblem("q", "Nhập mã hồ sơ, số điện thoại hoặc họ tên người nộp",
                                             "Enter the dossier code, the phone number or the applicant's name")])
    scope = dossier_scope(session, official, today, Action.HOTLINE_READ)
    phone = phone_number(text)
    if phone is not None:
        condition = Dossier.applicant_phone == phone
    elif " " in text or not any(ch.isdigit() for ch in text):  # a code has digits and no space
        folded = fold(text)
        if len(folded) < MIN_NAME:
            raise FormInvalidError([FieldProblem("q", f"Họ tên cần ít nhất {MIN_NAME} ký tự",
                                                 f"A name needs at least {MIN_NAME} characters")])
        condition = Dossier.search_text.contains(folded, autoescape=True)
    else:
        condition = Dossier.code == text
    dossiers = session.scalars(
        select(Dossier).options(joinedload(Dossier.procedure_version).joinedload(ProcedureVersion.procedure))
        .where(condition, scope).order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(MAX_MATCHES)
    ).all()
    return [HotlineMatch(code=d.code, procedure=d.procedure_version.procedure.name, applicant_name=d.applicant_name,
                         status=STATUS_VI[DossierStatus(d.status)], received_at=d.received_at,
                         appointment_at=appointment(d))
            for d in dossiers]


def hotline_answer(session: Session, official: Official, code: str, *, today: date,
                   calendar: WorkingCalendar) -> PublicDossier:
    """What the caller is told of the dossier ``code``: the public view, if the official may answer
    for it; NotFoundError otherwise, as for a missing dossier."""
    check_hotline(session, official, today=today)
    dossier = find_dossier(session, official, code.strip(), today=today,
                           scope=dossier_scope(session, official, today, Action.HOTLINE_READ))
    return public_view(session, dossier, calendar=calendar)


def counter_view(session: Session, official: Official, code: str, *, today: date,
                 calendar: WorkingCalendar) -> PublicDossier:
    """The public view of a dossier ``official`` may read (the counter's tablet shows it to the
    citizen rating it); NotFoundError otherwise, as for a missing dossier."""
    return public_view(session, find_dossier(session, official, code.strip(), today=today), calendar=calendar)
