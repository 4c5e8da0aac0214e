"""What anyone holding a dossier's code and lookup secret may see (tra cứu hồ sơ): progress, no
personal data.

The receipt prints both, and its QR code opens this with both. It shows the procedure, the times,
the status in the national list's words and the steps in their citizen-facing wording — never
the applicant's details or the data of the dossier, because the receipt may be seen by others.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import NotFoundError
from engine.persistence.models import Dossier, DossierStatus, HumanTask, ProcedureVersion, TaskStatus
from engine.runtime.actions import appointment

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


def normalise_secret(secret: str) -> str:
    """What a citizen typed, as stored: capitals, without spaces or dashes."""
    return "".join(secret.split()).replace("-", "").upper()


def dossier_with_secret(session: Session, code: str, secret: str) -> Dossier:
    """The dossier with this code, if ``secret`` is the one printed on its receipt. A wrong code
    and a wrong secret get the same answer, so that the lookup cannot tell which codes exist."""
    dossier = session.scalar(
        select(Dossier)
        .options(joinedload(Dossier.procedure_version).joinedload(ProcedureVersion.procedure))
        .where(Dossier.code == code.strip())
    )
    if dossier is None or not hmac.compare_digest(dossier.lookup_secret.encode(),
                                                  normalise_secret(secret).encode()):
        raise NotFoundError("Không tìm thấy hồ sơ với mã hồ sơ và mã bảo mật đã nhập; vui lòng kiểm tra "
                            "lại trên giấy tiếp nhận",
                            message_en="No dossier with this code and secret; check them on the receipt")
    return dossier


def lookup(session: Session, code: str, secret: str) -> PublicDossier:
    """What the lookup shows of the dossier with this code and secret (see ``dossier_with_secret``)."""
    dossier = dossier_with_secret(session, code, secret)
    elements = dossier.procedure_version.elements
    tasks = session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.status != TaskStatus.CANCELLED)
        .order_by(HumanTask.ready_at)
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
    )
