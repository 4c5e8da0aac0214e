"""A closed dossier's electronic result, signed with the center's certificate and kept.

Decree 45/2020/NĐ-CP art. 14(3): an electronic result carries the competent agency's digital
signature. The result is a notice of what was decided (with the grounds of a refusal, as Mẫu 03
gives them, and any answer given to the applicant). Each is signed once (PAdES), checked
against the trusted authorities before it is kept, and recorded as a ``result_signed`` history
event naming the signing time and the certificate (subject, issuer, serial, SHA-256 fingerprint).

Signing never holds a dossier up: it happens after the dossier closed, from the scheduler's sweep
or when the applicant first asks for the result. When the certificate cannot sign, the dossier
gets one ``result_signing_failed`` event per distinct reason (its officials see why) and signing
is tried again on the next sweep; the applicant reads the same reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import EngineError, NotFoundError
from engine.feedback import answers_of
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.observability import command, note_dossier
from engine.persistence.models import Dossier, DossierStatus, HistoryEvent, SignedDocument
from engine.public import dossier_with_secret
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.workflow import write_dossier
from engine.signing.credentials import (
    Credentials,
    SigningUnavailableError,
    common_name,
    load_credentials,
    trust_roots,
)
from engine.signing.pdf import SignatureCheck, sign_pdf, validate_pdf
from engine.slips import vn
from engine.slips.data import refusal_data
from engine.slips.document import Block, Letterhead, Para, Run, Signature, Signatures, SlipDocument, Title
from engine.slips.pdf import document_pdf

RESULT = "result"
SIGNED_STATUSES = (DossierStatus.COMPLETED, DossierStatus.REFUSED)
SYSTEM = Actor(None, "Hệ thống")
# The sweep signs dossiers closed this recently; older ones are signed when someone asks.
SWEEP_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class SignedResult:
    """A kept signed result, without its bytes (``signed_result_pdf`` gives them)."""

    code: str
    signed_at: datetime
    sha256: str
    subject: str
    serial: str
    fingerprint: str
    filename: str

    @property
    def signer(self) -> str:
        """The certificate's common name: who signed, as a person reads it."""
        return common_name(self.subject)


def _summary(dossier: Dossier, row: SignedDocument) -> SignedResult:
    return SignedResult(dossier.code, row.signed_at, row.sha256, row.certificate_subject, row.certificate_serial,
                        row.certificate_fingerprint, f"ket-qua-{dossier.code}.pdf")


def _no_result(dossier: Dossier) -> NotFoundError:
    return NotFoundError(f"Hồ sơ {dossier.code} chưa có kết quả",
                         message_en=f"Dossier {dossier.code} has no result yet")


# --------------------------------------------------------------------------- the document
def _result_notice(session: Session, ctx: EngineContext, dossier: Dossier, signed_at: datetime,
                   signer: str) -> SlipDocument:
    """Thông báo kết quả giải quyết hồ sơ: what was decided, when, why a refusal, and any answer to
    the applicant. It names the applicant but, like the lookup that offers it, none of their
    contact details or identity numbers: whoever holds the receipt may open it."""
    zone = ZoneInfo(ctx.settings.timezone)
    settings = ctx.settings.signing

    def local(value: datetime | None) -> datetime | None:
        return value.astimezone(zone) if value else None

    blocks: list[Block] = [
        Letterhead(issuer=dossier.center.name.upper(), parent=settings.parent_body.upper(),
                   number=f"Số: {dossier.code}-KQ1",
                   place_date=vn.place_date(settings.place, signed_at.astimezone(zone))),
        Title("THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ",
              (Para((Run("Mã hồ sơ: "), Run(dossier.code, bold=True)), align="C"),)),
        Para((Run("Kính gửi: Ông/Bà "), Run(dossier.applicant_name, bold=True))),
        Para((Run("Nội dung yêu cầu giải quyết: "), Run(dossier.procedure_version.procedure.name))),
        Para((Run("Tiếp nhận: "), Run(vn.instant(local(dossier.received_at))))),
        Para((Run("Kết quả: "), Run(dossier.result_name or "", bold=True))),
        Para((Run("Hoàn thành: "), Run(vn.instant(local(dossier.completed_at))))),
    ]
    if dossier.status == DossierStatus.REFUSED:  # the grounds the refusal slip (Mẫu 03) prints
        grounds = refusal_data(session, dossier.id, calendar=ctx.calendar).grounds
        blocks.append(Para((Run("Lý do từ chối: "), Run(grounds or vn.dotted(None), bold=True))))
    for answer in answers_of(session, ctx, dossier):
        blocks += [Para((Run(f"{answer.step}:", bold=True),), space_before=1.5),
                   *(Para((Run(line),)) for line in answer.text.splitlines() if line.strip())]
    blocks += [
        Para((Run(f"Văn bản điện tử này được ký số bằng chứng thư số của {signer}; kiểm tra chữ ký số trên "
                  "trang tra cứu hồ sơ bằng mã hồ sơ và mã bảo mật.", italic=True),), space_before=2),
        Signatures((Signature("", ""), Signature(dossier.center.name.upper(), note="(Đã ký số)"))),
    ]
    return SlipDocument(kind=RESULT, name="Thông báo kết quả giải quyết hồ sơ", blocks=tuple(blocks),
                        file_stem="ket-qua")


def result_pdf(session: Session, ctx: EngineContext, dossier: Dossier, signed_at: datetime, signer: str) -> bytes:
    """The unsigned PDF of a closed dossier's electronic result, to be signed by ``signer``."""
    return document_pdf(_result_notice(session, ctx, dossier, signed_at, signer))


# --------------------------------------------------------------------------- signing
def _existing(session: Session, dossier_id: int) -> SignedDocument | None:
    return session.scalar(select(SignedDocument).where(SignedDocument.dossier_id == dossier_id,
                                                       SignedDocument.kind == RESULT))


def _record(session: Session, ctx: EngineContext, dossier: Dossier, event: HistoryEventType, at: datetime,
            actor: Actor, payload: dict[str, object]) -> None:
    buffer = HistoryBuffer(dossier)
    buffer.add(event, at, actor_id=actor.id, actor_name=actor.name, payload=payload)
    buffer.flush(session)
    write_dossier(session, ctx, dossier, buffer.head_values())


def _record_failure(session: Session, ctx: EngineContext, dossier: Dossier, error: EngineError, actor: Actor) -> None:
    """One ``result_signing_failed`` event per distinct reason: the history says why, once."""
    last = session.scalar(
        select(HistoryEvent.payload).where(HistoryEvent.dossier_id == dossier.id,
                                           HistoryEvent.event_type == HistoryEventType.RESULT_SIGNING_FAILED)
        .order_by(HistoryEvent.seq.desc()).limit(1))
    if last and last.get("reason") == error.message:
        return
    _record(session, ctx, dossier, HistoryEventType.RESULT_SIGNING_FAILED, ctx.clock.now().astimezone(UTC), actor,
            {"document": RESULT, "reason": error.message, "reason_en": error.message_en})


def _sign(session: Session, ctx: EngineContext, dossier: Dossier, credentials: Credentials,
          actor: Actor) -> SignedDocument:
    now = ctx.clock.now().astimezone(UTC)
    settings = ctx.settings.signing
    signer = common_name(credentials.certificate.subject)
    signed = sign_pdf(result_pdf(session, ctx, dossier, now, signer), credentials,
                      reason=f"Kết quả giải quyết hồ sơ {dossier.code}", location=settings.place)
    check = validate_pdf(signed, trust_roots(settings))
    if not check.valid:  # a certificate the trusted authorities did not issue signs nothing
        raise SigningUnavailableError(f"Chưa ký số được: {check.message}",
                                      message_en=f"Cannot sign: {check.message_en}")
    facts = credentials.certificate
    row = SignedDocument(dossier_id=dossier.id, kind=RESULT, signed_at=check.signed_at or now,
                         sha256=hashlib.sha256(signed).hexdigest(), certificate_subject=facts.subject,
                         certificate_serial=facts.serial, certificate_fingerprint=facts.fingerprint, pdf=signed)
    session.add(row)
    session.flush()
    _record(session, ctx, dossier, HistoryEventType.RESULT_SIGNED, now, actor, {
        "document": RESULT, "signing_time": row.signed_at.isoformat(), "sha256": row.sha256,
        "certificate": facts.as_dict()})
    return row


@command("sign_result")
def sign_result(session: Session, ctx: EngineContext, dossier: Dossier, *, actor: Actor = SYSTEM) -> SignedDocument:
    """The dossier's signed result: the kept one, or one signed now.

    A dossier not closed with a result raises NotFoundError; a certificate that cannot sign raises
    SigningUnavailableError after recording why in the history (commit to keep that). Does not commit.
    """
    note_dossier(dossier.code)
    if dossier.status not in SIGNED_STATUSES:
        raise _no_result(dossier)
    # Two requests for the same result: the row lock (PostgreSQL) makes the second wait and find
    # the first's; on SQLite the second's insert breaks the unique key and it takes the first's.
    session.scalar(select(Dossier.id).where(Dossier.id == dossier.id).with_for_update())
    row = _existing(session, dossier.id)
    if row is not None:
        return row
    savepoint = session.begin_nested()
    try:
        row = _sign(session, ctx, dossier, load_credentials(ctx.settings.signing, ctx.clock.now()), actor)
    except SigningUnavailableError as error:
        savepoint.rollback()
        _record_failure(session, ctx, dossier, error, actor)
        raise
    except IntegrityError:
        savepoint.rollback()
        session.refresh(dossier)
        kept = _existing(session, dossier.id)
        if kept is None:
            raise
        return kept
    savepoint.commit()
    return row


def unsigned_results(now: datetime) -> Select[Dossier]:
    """Dossiers closed with a result in the sweep's window and not yet signed, oldest first."""
    signed = exists().where(SignedDocument.dossier_id == Dossier.id, SignedDocument.kind == RESULT)
    return (select(Dossier).where(Dossier.status.in_(SIGNED_STATUSES), Dossier.completed_at >= now - SWEEP_WINDOW,
                                  ~signed)
            .order_by(Dossier.completed_at))


# --------------------------------------------------------------------------- the applicant's view
def _closed_with_secret(session: Session, code: str, secret: str) -> Dossier:
    dossier = dossier_with_secret(session, code, secret)
    if dossier.status not in SIGNED_STATUSES:
        raise _no_result(dossier)
    return dossier


def signed_result(session: Session, ctx: EngineContext, code: str, secret: str) -> SignedResult:
    """The applicant's signed result (code and receipt secret), signed now if not yet. Commit after."""
    dossier = _closed_with_secret(session, code, secret)
    return _summary(dossier, sign_result(session, ctx, dossier))


def signed_result_pdf(session: Session, ctx: EngineContext, code: str, secret: str) -> tuple[SignedResult, bytes]:
    """The signed result and its bytes. Commit after (it may have been signed now)."""
    dossier = _closed_with_secret(session, code, secret)
    row = sign_result(session, ctx, dossier)
    return _summary(dossier, row), row.pdf


def kept_result(session: Session, code: str, secret: str) -> SignedResult | None:
    """What the lookup shows: the kept signed result, if the dossier has one (never signs)."""
    dossier = dossier_with_secret(session, code, secret)
    row = _existing(session, dossier.id)
    return _summary(dossier, row) if row is not None else None


def check_result(session: Session, ctx: EngineContext, code: str, secret: str) -> tuple[SignedResult, SignatureCheck]:
    """The kept signed result validated now against the trusted authorities."""
    summary, pdf = signed_result_pdf(session, ctx, code, secret)
    return summary, validate_pdf(pdf, trust_roots(ctx.settings.signing))


def check_pdf(ctx: EngineContext, data: bytes) -> SignatureCheck:
    """Validate any PDF (e.g. one a citizen uploads) against the trusted authorities."""
    return validate_pdf(data, trust_roots(ctx.settings.signing))

