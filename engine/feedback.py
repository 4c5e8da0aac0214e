"""Feedback and recommendations from citizens (phản ánh, kiến nghị): the public form starts a
dossier of the library's feedback procedure, and the lookup shows the answers given to it.

The public form needs no sign-in, so its dossier is received by the system (an actor without an
official, which the access policy never refuses) on the online channel, and only ever of the
feedback procedure: the form cannot start any other. The sender follows it like any applicant,
with the dossier's code and the secret printed beside it on a receipt.

An answer is whatever a step's form declares ``"x-motcua-role": "public_answer"`` (the answer of
the responsible unit, or the reason the feedback is not handled): the lookup reads it from the
dossier's history, the append-only record of what each official submitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import FieldProblem, FormInvalidError
from engine.history.events import HistoryEventType
from engine.persistence.models import Center, Channel, Dossier, HistoryEvent
from engine.public import dossier_with_secret
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_dossier
from forms.roles import roles_of

FEEDBACK_PROCEDURE = "citizen_feedback"
PUBLIC_FORM = Actor(None, "Cổng tiếp nhận phản ánh, kiến nghị trực tuyến")
ANSWER_ROLE = "public_answer"

# Where each problem of the start form belongs on the public form.
_FORM_FIELDS = {
    "applicant/applicant_name": "name",
    "applicant/phone": "contact",
    "applicant/email": "contact",
    "applicant": "contact",
    "subject": "subject",
    "content": "content",
    "related_dossier_code": "related_dossier_code",
}
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class FeedbackReceipt:
    """What the sender keeps to follow their feedback: the code, the secret and the appointment."""

    code: str
    secret: str
    center_name: str
    received_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class PublicAnswer:
    """One answer given to the sender, as the lookup shows it."""

    step: str
    text: str
    answered_at: datetime


def feedback_centers(session: Session) -> list[tuple[str, str]]:
    """The centers a citizen may address feedback to: (code, name), the provincial ones first."""
    rows = session.execute(select(Center.code, Center.name, Center.kind).order_by(Center.name)).all()
    return [(code, name) for code, name, kind in sorted(rows, key=lambda row: row.kind != "provincial")]


def _contact(contact: str) -> dict[str, str]:
    """The sender's contact as the start form wants it: an e-mail address, or a phone number
    (nothing when empty: the start form then says one is needed)."""
    contact = contact.strip()
    if not contact:
        return {}
    if "@" in contact:
        return {"email": contact}
    return {"phone": _PHONE_SEPARATORS.sub("", contact)}


def _on_public_form(error: FormInvalidError) -> FormInvalidError:
    """The start form's problems, named by the public form's fields, with the contact's own words."""
    problems: list[FieldProblem] = []
    for problem in error.problems:
        field = _FORM_FIELDS.get(problem.field, problem.field)
        if problem.field == "applicant/phone":
            problem = FieldProblem(field, "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng số 0",
                                   "A phone number has 10 digits and starts with 0")
        elif problem.field == "applicant":  # neither a phone number nor an e-mail address
            problem = FieldProblem(field, "Vui lòng nhập số điện thoại hoặc thư điện tử để nhận trả lời",
                                   "Enter a phone number or an e-mail address to receive the answer")
        elif problem.field == "applicant/email":
            problem = FieldProblem(field, "Địa chỉ thư điện tử không đúng định dạng",
                                   "The e-mail address is not valid")
        problems.append(FieldProblem(field, problem.message, problem.message_en))
    return FormInvalidError(problems)


def submit_feedback(session: Session, ctx: EngineContext, *, center_code: str, name: str, contact: str,
                    subject: str, content: str, related_dossier_code: str = "") -> FeedbackReceipt:
    """Receive feedback from the public form as a dossier of the feedback procedure at the center.

    Problems are FormInvalidError naming the public form's fields (``name``, ``contact``,
    ``subject``, ``content``, ``related_dossier_code``, ``center``). Does not commit.
    """
    if not session.scalar(select(Center.id).where(Center.code == center_code)):
        raise FormInvalidError([FieldProblem("center", "Vui lòng chọn nơi nhận phản ánh, kiến nghị",
                                             "Choose where the feedback goes")])
    # Fields left empty are left out, so the start form says they are required rather than too short.
    applicant = {key: value for key, value in (("applicant_name", name.strip()), *_contact(contact).items()) if value}
    texts = {"subject": subject, "content": content, "related_dossier_code": related_dossier_code}
    data: dict[str, object] = {"applicant": applicant, **{k: v.strip() for k, v in texts.items() if v.strip()}}
    try:
        dossier = start_dossier(session, ctx, FEEDBACK_PROCEDURE, actor=PUBLIC_FORM, center_code=center_code,
                                channel=Channel.ONLINE, data=data)
    except FormInvalidError as error:
        raise _on_public_form(error) from error
    return FeedbackReceipt(dossier.code, dossier.lookup_secret, dossier.center.name, dossier.received_at,
                           dossier.due_at)


def public_answers(session: Session, ctx: EngineContext, code: str, secret: str) -> list[PublicAnswer]:
    """The answers given to the dossier with this code and secret, oldest first (none yet: empty).

    A wrong code or secret raises NotFoundError, as the lookup does.
    """
    return answers_of(session, ctx, dossier_with_secret(session, code, secret))


def answers_of(session: Session, ctx: EngineContext, dossier: Dossier) -> list[PublicAnswer]:
    """The answers given to ``dossier``, oldest first (for the lookup and the signed result)."""
    version = ctx.version(session, dossier.procedure_version_id)
    events = session.scalars(
        select(HistoryEvent)
        .where(HistoryEvent.dossier_id == dossier.id, HistoryEvent.event_type == HistoryEventType.TASK_COMPLETED)
        .order_by(HistoryEvent.seq)
    ).all()
    answers: list[PublicAnswer] = []
    for event in events:
        form_name = version.elements.get(event.element_id or "", {}).get("properties", {}).get(
            "formJsonSchemaFilename")
        submitted = (event.payload or {}).get("data") or {}
        for field, role in roles_of(version.forms.get(form_name) or {}).items():
            text = submitted.get(field)
            if role == ANSWER_ROLE and isinstance(text, str) and text.strip():
                answers.append(PublicAnswer(event.element_name or "", text.strip(), event.at))
    return answers
