"""What anyone holding a dossier's code and lookup secret may see (tra cứu hồ sơ): progress, no
personal data.

The receipt prints both, and its QR code opens this with both. It shows the procedure, the times,
the status in the national list's words and the steps in their citizen-facing wording, the new
appointment with the apology's reason, the documents an open supplementation request asks for, and
the citizen's rating — never the applicant's details or the data of the dossier, because the
receipt may be seen by others. The hotline desk reads the same view (engine.reads.hotline).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, joinedload

from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import NotFoundError
from engine.history.events import HistoryEventType
from engine.persistence.models import (
    Dossier,
    DossierRating,
    DossierStatus,
    HistoryEvent,
    HumanTask,
    ProcedureVersion,
    TaskStatus,
)
from engine.runtime.actions import appointment
from engine.satisfaction import CHANNEL_LOOKUP, RATEABLE_STATUSES, PublicRating, public_rating, record_rating
from engine.slips.data import SupplementItem, supplement_request_data

STATUS_VI = {
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.AWAITING_SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.COMPLETED: "Đã trả kết quả",
    DossierStatus.REFUSED: "Từ chối giải quyết",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.FAILED: "Đang xử lý",
}
TIMELINESS_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


@dataclass(frozen=True)
class PublicStep:
    name: str
    status_text: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class NewAppointment:
    """The one extension: the appointment first given, and the apology letter's reason."""

    first_appointment_at: datetime | None
    new_appointment_at: datetime | None
    apology: str
    given_at: datetime


@dataclass(frozen=True)
class OpenSupplement:
    """The supplementation request the dossier waits on: what to bring, and why."""

    number: int
    requested_at: datetime
    documents: tuple[SupplementItem, ...]
    reason: str


@dataclass(frozen=True)
class PublicDossier:
    code: str
    procedure: str
    status: str
    national_status_code: int
    received_at: datetime
    appointment_at: datetime | None
    extended: bool
    completed_at: datetime | None
    result: str | None
    timeliness: str | None
    steps: list[PublicStep]
    new_appointment: NewAppointment | None = None
    supplement: OpenSupplement | None = None
    rating: PublicRating | None = None
    # The result was returned (or the refusal given) and no rating was made yet.
    may_rate: bool = False

    @property
    def steps_done(self) -> list[PublicStep]:
        return [step for step in self.steps if step.finished_at is not None]

    @property
    def steps_open(self) -> list[PublicStep]:
        return [step for step in self.steps if step.finished_at is None]


def normalise_secret(secret: str) -> str:
    """What a citizen typed, as stored: capitals, without spaces or dashes."""
    return "".join(secret.split()).replace("-", "").upper()


def not_found() -> NotFoundError:
    """The one answer for a wrong code and a wrong secret alike."""
    return NotFoundError("Không tìm thấy hồ sơ với mã hồ sơ và mã bảo mật đã nhập; vui lòng kiểm tra "
                         "lại trên giấy tiếp nhận",
                         message_en="No dossier with this code and secret; check them on the receipt")


def dossier_with_secret(session: Session, code: str, secret: str) -> Dossier:
    """The dossier with this code, if ``secret`` is the one printed on its receipt. A wrong code
    and a wrong secret get the same answer, so that the lookup cannot tell which codes exist."""
    dossier = session.scalar(
        select(Dossier)
        # Not the applicant nor the procedure's metadata: nothing public reads them, and each is a
        # JSON document to decode on every lookup.
        .options(defer(Dossier.applicant),
                 joinedload(Dossier.procedure_version).options(defer(ProcedureVersion.metadata_),
                                                               joinedload(ProcedureVersion.procedure)))
        .where(Dossier.code == code.strip())
    )
    if dossier is None or not hmac.compare_digest(dossier.lookup_secret.encode(),
                                                  normalise_secret(secret).encode()):
        raise not_found()
    return dossier


def lookup(session: Session, code: str, secret: str, *, calendar: WorkingCalendar | None = None) -> PublicDossier:
    """The public view of the dossier with this code, if ``secret`` is the one printed on its receipt."""
    return public_view(session, dossier_with_secret(session, code, secret), calendar=calendar or WorkingCalendar())


def public_view(session: Session, dossier: Dossier, *, calendar: WorkingCalendar) -> PublicDossier:
    """What the citizen (or the hotline officer answering them) is told of ``dossier``."""
    elements = dossier.procedure_version.elements
    # Columns, not the rows: a task's submitted data is never shown here.
    tasks = session.execute(
        select(HumanTask.name, HumanTask.element_id, HumanTask.ready_at, HumanTask.completed_at)
        .where(HumanTask.dossier_id == dossier.id, HumanTask.status != TaskStatus.CANCELLED)
        # Steps ready at the same instant (a step done and the one it opened, under a fixed clock or
        # within one clock tick): the finished one first, so the order never depends on the database.
        .order_by(HumanTask.ready_at, HumanTask.completed_at.asc().nulls_last())
    ).all()
    steps = [
        PublicStep(
            name=task.name,
            # While a step is open the citizen reads its status text ("Đang thẩm định…"); once done,
            # the step's own name.
            status_text=(task.name if task.completed_at else
                         elements.get(task.element_id, {}).get("properties", {}).get("statusText") or task.name),
            started_at=task.ready_at,
            finished_at=task.completed_at,
        )
        for task in tasks
    ]
    status = DossierStatus(dossier.status)
    # Only a returned dossier can have been rated: the others spare the query.
    rating = session.scalar(select(DossierRating).where(DossierRating.dossier_id == dossier.id)) \
        if status in RATEABLE_STATUSES else None
    return PublicDossier(
        code=dossier.code,
        procedure=dossier.procedure_version.procedure.name,
        status=STATUS_VI[status],
        national_status_code=status.national_code,
        received_at=dossier.received_at,
        appointment_at=appointment(dossier),
        extended=bool(dossier.extended),
        completed_at=dossier.completed_at,
        result=dossier.result_name,
        timeliness=TIMELINESS_VI.get(dossier.timeliness or ""),
        steps=steps,
        new_appointment=_new_appointment(session, dossier) if dossier.extended else None,
        supplement=_open_supplement(session, dossier, calendar)
        if status == DossierStatus.AWAITING_SUPPLEMENT else None,
        rating=public_rating(rating) if rating is not None else None,
        may_rate=rating is None and status in RATEABLE_STATUSES,
    )


def _new_appointment(session: Session, dossier: Dossier) -> NewAppointment | None:
    event = session.scalar(
        select(HistoryEvent)
        .where(HistoryEvent.dossier_id == dossier.id, HistoryEvent.event_type == HistoryEventType.DEADLINE_EXTENDED)
        .order_by(HistoryEvent.seq.desc()).limit(1)
    )
    if event is None:
        return None
    payload = event.payload or {}
    return NewAppointment(first_appointment_at=dossier.due_at, new_appointment_at=dossier.extended_due_at,
                          apology=str(payload.get("reason") or ""), given_at=event.at)


def _open_supplement(session: Session, dossier: Dossier, calendar: WorkingCalendar) -> OpenSupplement | None:
    # The same reading of the request as its printed slip (Mẫu 02), so the page and the paper agree.
    try:
        slip = supplement_request_data(session, dossier.id, calendar=calendar)
    except NotFoundError:
        return None  # waiting on a step that records no request (none in the library today)
    return OpenSupplement(number=slip.number, requested_at=slip.requested_at, documents=slip.items,
                          reason=slip.reason)


def rate_with_secret(session: Session, code: str, secret: str, *, level: object, official_level: object = None,
                     comment: str | None = None, at: datetime) -> DossierRating:
    """The citizen rates their dossier from the lookup page, holding its code and secret (the same
    "not found" as the lookup otherwise). Once only; see engine.satisfaction. Does not commit."""
    dossier = dossier_with_secret(session, code, secret)
    return record_rating(session, dossier, level=level, official_level=official_level, comment=comment,
                         channel=CHANNEL_LOOKUP, at=at)
