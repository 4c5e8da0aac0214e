"""What the one-stop slips print, read from the database into plain dataclasses.

The only module of ``engine.slips`` that queries. Every instant is converted to the working
calendar's timezone, so the layout prints local times. A slip that does not apply to a dossier
(no supplementation request, never refused, never extended) raises ``NotFoundError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload, undefer

from engine.calendar.deadlines import TimeLimit, Timeliness, classify_completion
from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import FieldProblem, FormInvalidError, NotFoundError
from engine.history.events import HistoryEventType
from engine.persistence.models import (
    Center,
    Dossier,
    DossierStatus,
    HistoryEvent,
    HumanTask,
    ProcedureVersion,
    TaskStatus,
)
from engine.runtime.actions import appointment
from engine.slips.vn import nfc
from forms.roles import fields_with_role

# Generic titles for the usual values of a "how do you want the result" field, used when the
# procedure's own form gives none.
_DELIVERY_TITLES = {
    "counter": "Nhận trực tiếp tại Bộ phận Một cửa",
    "post": "Nhận qua dịch vụ bưu chính công ích",
    "postal": "Nhận qua dịch vụ bưu chính công ích",
    "electronic": "Nhận bản điện tử",
}


# ---------------------------------------------------------------------------------------------
# Dataclasses
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class DossierSummary:
    """What every slip of a dossier shows about it."""

    id: int
    code: str
    procedure_name: str
    procedure_code: str
    lead_agency: str
    co_agencies: tuple[str, ...]
    center_name: str
    center_code: str
    channel: str
    status: str
    applicant: Applicant
    received_at: datetime
    received_by: str
    due_at: datetime | None
    original_due_at: datetime | None
    extended_due_at: datetime | None
    appointment_at: datetime | None
    completed_at: datetime | None
    timeliness: str | None
    late_by_rule: bool
    paused_seconds: int
    supplement_requests: int
    result_name: str
    time_limit: TimeLimit | None
    result_delivery: str
    lookup_url: str
    lookup_secret: str


@dataclass(frozen=True)
class RequiredDocument:
    name: str
    copy_type: str
    quantity: int | None


@dataclass(frozen=True)
class Fee:
    name: str
    amount_vnd: float | None
    note: str


@dataclass(frozen=True)
class ReceiptData:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    dossier: DossierSummary
    documents: tuple[RequiredDocument, ...]
    fees: tuple[Fee, ...]
    appointment_at: datetime | None
    logbook_number: str


@dataclass(frozen=True)
class SupplementItem:
    name: str
    copy_type: str = ""
    quantity: int | None = None


@dataclass(frozen=True)
class SupplementRequestData:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (one clock pause of kind supplement)."""

    dossier: DossierSummary
    number: int
    total: int
    requested_at: datetime
    items: tuple[SupplementItem, ...]
    reason: str
    guide_name: str
    guide_unit: str
    due_at_before: datetime | None
    resumed_at: datetime | None
    due_at_after: datetime | None


@dataclass(frozen=True)
class RefusalData:
    """Mẫu 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ."""

    dossier: DossierSummary
    grounds: str
    refused_at: datetime
    refused_by: str
    refused_unit: str


@dataclass(frozen=True)
class ApologyData:
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (the deadline_extended event)."""

    dossier: DossierSummary
    extended_at: datetime
    reason: str
    old_due_at: datetime | None
    new_due_at: datetime | None
    recorded_by: str


@dataclass(frozen=True)
class Handover:
    """One row of the control slip: the dossier handed from one unit/official to the next."""

    from_unit: str
    from_official: str
    to_unit: str
    to_official: str
    handed_at: datetime | None
    step_name: str = ""
    decision: str = ""
    due_at: datetime | None = None
    completed_at: datetime | None = None
    timeliness: Timeliness | None = None
    state: str = "done"  # done | open | citizen (time the citizen owns) | result | withdrawn
    note: str = ""


@dataclass(frozen=True)
class ControlSlipData:
    """Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    dossier: DossierSummary
    rows: tuple[Handover, ...]


@dataclass(frozen=True)
class LogbookEntry:
    code: str
    procedure_name: str
    applicant_name: str
    address: str
    phone: str
    lead_agency: str
    received_at: datetime
    appointment_at: datetime | None
    returned_at: datetime | None
    delivery: str
    recipient: str
    status: str
    timeliness: str | None


@dataclass(frozen=True)
class LogbookData:
    """Mẫu 06: Sổ theo dõi hồ sơ, the dossiers received at a center between two days."""

    center_name: str | None
    received_from: date | None
    received_to: date | None
    entries: tuple[LogbookEntry, ...] = field(default_factory=tuple)


SlipData = ReceiptData | SupplementRequestData | RefusalData | ApologyData | ControlSlipData


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


@dataclass
class _Loaded:
    dossier: Dossier
    events: list[HistoryEvent]
    tasks: list[HumanTask]
    calendar: WorkingCalendar
    base_url: str

    @property
    def metadata(self) -> dict[str, Any]:
        return self.dossier.procedure_version.metadata_ or {}

    @property
    def elements(self) -> dict[str, Any]:
        return self.dossier.procedure_version.elements or {}

    @property
    def forms(self) -> dict[str, Any]:
        return self.dossier.procedure_version.forms or {}

    def local(self, value: datetime | None) -> datetime | None:
        return value.astimezone(self.calendar.timezone) if value is not None else None

    def first(self, event_type: str) -> HistoryEvent | None:
        return next((e for e in self.events if e.event_type == event_type), None)

    def last(self, event_type: str) -> HistoryEvent | None:
        return next((e for e in reversed(self.events) if e.event_type == event_type), None)


def _load(session: Session, ref: str | int, calendar: WorkingCalendar, base_url: str = "") -> _Loaded:
    # Text is always a code: a URL never reaches a dossier by its sequential id.
    condition = Dossier.id == ref if isinstance(ref, int) else Dossier.code == ref
    dossier = session.scalar(
        select(Dossier)
        .options(
            undefer(Dossier.data),
            joinedload(Dossier.center),
            joinedload(Dossier.procedure_version).options(
                undefer(ProcedureVersion.forms), joinedload(ProcedureVersion.procedure)
            ),
        )
        .where(condition)
    )
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ '{ref}'", message_en=f"Dossier '{ref}' not found")
    events = list(
        session.scalars(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier.id).order_by(HistoryEvent.seq))
    )
    tasks = list(
        session.scalars(
            select(HumanTask)
            .options(joinedload(HumanTask.completed_by), joinedload(HumanTask.assignee))
            .where(HumanTask.dossier_id == dossier.id)
            .order_by(HumanTask.ready_at, HumanTask.element_id)
        )
    )
    return _Loaded(dossier, events, tasks, calendar, base_url)


def lookup_url(base_url: str, code: str, secret: str) -> str:
    """The public lookup page of a dossier, which the QR code of the receipt opens: with the
    secret, because the page shows nothing without it."""
    return f"{base_url.rstrip('/')}/tra-cuu/{code}?mbm={secret}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return nfc(value.get("vi") or value.get("en") or "")
    return nfc(value).strip()


def _applicant(dossier: Dossier) -> Applicant:
    data = dossier.applicant or {}
    return Applicant(
        name=nfc(dossier.applicant_name),
        id_number=_text(data.get("id_number")),
        phone=_text(data.get("phone")),
        email=_text(data.get("email")),
        address=_text(data.get("address")),
    )


def _time_limit(metadata: Mapping[str, Any], loaded: _Loaded) -> TimeLimit | None:
    # The limit the dossier runs on: the last one its history chose, else the procedure's default.
    chosen = loaded.last(HistoryEventType.TIME_LIMIT_SELECTED)
    spec = (chosen.payload if chosen and chosen.payload else None) or metadata.get("time_limit")
    try:
        return TimeLimit.parse(spec) if spec else None
    except ValueError:
        return None


def _co_agencies(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(_text(v) for v in metadata.get("co_agencies") or () if _text(v))


def start_form_name(elements: Mapping[str, Any]) -> str | None:
    for element in elements.values():
        if element.get("type") == "startEvent":
            name = element.get("properties", {}).get("formJsonSchemaFilename")
            if name:
                return str(name)
    return None


def option_title(forms: Mapping[str, Any], form_name: str | None, field_name: str, value: Any) -> str | None:
    """The title a form gives to one of a field's choices (``oneOf: [{const, title}]``)."""
    schema = forms.get(form_name) if form_name else None
    if not isinstance(schema, Mapping):
        return None
    found = _find_property(schema, field_name)
    if not isinstance(found, Mapping):
        return None
    for choice in found.get("oneOf") or found.get("anyOf") or ():
        if isinstance(choice, Mapping) and choice.get("const") == value and choice.get("title"):
            return nfc(choice["title"])
    return None


def _find_property(schema: Mapping[str, Any], name: str, depth: int = 0) -> Any:
    if depth > 6:
        return None
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        if name in properties:
            return properties[name]
        for child in properties.values():
            if isinstance(child, Mapping):
                found = _find_property(child, name, depth + 1)
                if found is not None:
                    return found
    items = schema.get("items")
    if isinstance(items, Mapping):
        return _find_property(items, name, depth + 1)
    return None


def _delivery(loaded: _Loaded, data: Mapping[str, Any], form_name: str | None, fields: Sequence[str]) -> str:
    for name in fields:
        value = data.get(name)
        if isinstance(value, str) and value:
            return option_title(loaded.forms, form_name, name, value) or _DELIVERY_TITLES.get(value, nfc(value))
    return ""


def _summary(loaded: _Loaded) -> DossierSummary:
    dossier, metadata = loaded.dossier, loaded.metadata
    received = loaded.first(HistoryEventType.DOSSIER_RECEIVED)
    start_data = (received.payload or {}).get("data", {}) if received else {}
    procedure = dossier.procedure_version.procedure
    return DossierSummary(
        id=dossier.id,
        code=dossier.code,
        procedure_name=_text(metadata.get("name")) or nfc(procedure.name),
        procedure_code=_text(metadata.get("national_code") or procedure.national_code),
        lead_agency=_text(metadata.get("lead_agency")),
        co_agencies=_co_agencies(metadata),
        center_name=nfc(dossier.center.name),
        center_code=dossier.center.code,
        channel=str(dossier.channel),
        status=str(dossier.status),
        applicant=_applicant(dossier),
        received_at=loaded.local(dossier.received_at),  # type: ignore[arg-type]
        received_by=nfc(received.actor_name) if received and received.actor_name else "",
        due_at=loaded.local(dossier.due_at),
        original_due_at=loaded.local(dossier.original_due_at or dossier.due_at),
        extended_due_at=loaded.local(dossier.extended_due_at),
        appointment_at=loaded.local(appointment(dossier)),
        completed_at=loaded.local(dossier.completed_at),
        timeliness=dossier.timeliness,
        late_by_rule=bool(dossier.late_by_rule),
        paused_seconds=dossier.paused_seconds or 0,
        supplement_requests=dossier.supplement_requests or 0,
        result_name=nfc(dossier.result_name or ""),
        time_limit=_time_limit(metadata, loaded),
        result_delivery=_delivery(loaded, start_data or {}, start_form_name(loaded.elements),
                                  fields_with_role(loaded.forms.values(), "result_delivery")),
        lookup_url=lookup_url(loaded.base_url, dossier.code, dossier.lookup_secret) if loaded.base_url else "",
        lookup_secret=dossier.lookup_secret,
    )


# ---------------------------------------------------------------------------------------------
# Mẫu 01: receipt and appointment
# ---------------------------------------------------------------------------------------------


def _quantity(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _amount(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def receipt_data(session: Session, ref: str | int, *, calendar: WorkingCalendar, base_url: str) -> ReceiptData:
    """Mẫu 01 for a dossier: the required documents and fees of its procedure, times, lookup URL."""
    loaded = _load(session, ref, calendar, base_url)
    summary = _summary(loaded)
    documents = tuple(
        RequiredDocument(_text(d.get("name")), str(d.get("copy_type") or ""), _quantity(d.get("quantity")))
        for d in loaded.metadata.get("required_documents") or ()
        if isinstance(d, Mapping) and d.get("name")
    )
    fees = tuple(
        Fee(_text(f.get("name")), _amount(f.get("amount_vnd")), _text(f.get("note")))
        for f in loaded.metadata.get("fees") or ()
        if isinstance(f, Mapping) and f.get("name")
    )
    match = re.search(r"-(\d+)$", summary.code)
    return ReceiptData(
        dossier=summary,
        documents=documents,
        fees=fees,
        # The slip records what was promised at the counter: the first appointment.
        appointment_at=summary.original_due_at,
        logbook_number=match.group(1) if match else "",
    )


# ---------------------------------------------------------------------------------------------
# Mẫu 02: supplementation request
# ---------------------------------------------------------------------------------------------


def _completion_before(loaded: _Loaded, seq: int) -> HistoryEvent | None:
    return next(
        (e for e in reversed(loaded.events) if e.seq < seq and e.event_type == HistoryEventType.TASK_COMPLETED),
        None,
    )


def _submitted(event: HistoryEvent | None) -> dict[str, Any]:
    payload = event.payload if event is not None else None
    data = (payload or {}).get("data")
    return data if isinstance(data, dict) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [nfc(line).strip(" -•\t") for line in value.splitlines() if line.strip(" -•\t")]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [s for item in value for s in _strings(item)]
    return []


def _first_text(data: Mapping[str, Any], keys: Iterable[str]) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return nfc(value).strip()
    return ""


def _unit_of(loaded: _Loaded, element_id: str | None, lane: str | None = None, department: str | None = None) -> str:
    element = loaded.elements.get(element_id or "", {})
    return nfc(element.get("lane_name") or lane or department or "")


def supplement_request_data(
    session: Session, ref: str | int, *, calendar: WorkingCalendar, number: int | None = None, base_url: str = ""
) -> SupplementRequestData:
    """Mẫu 02 for the ``number``-th supplementation request of a dossier (the latest by default)."""
    loaded = _load(session, ref, calendar, base_url)
    code = loaded.dossier.code
    pauses = [
        e for e in loaded.events
        if e.event_type == HistoryEventType.CLOCK_PAUSED and (e.payload or {}).get("kind") == "supplement"
    ]
    if not pauses:
        raise NotFoundError(
            f"Hồ sơ {code} không có yêu cầu bổ sung, hoàn thiện hồ sơ",
            message_en=f"Dossier {code} has no request to supplement it",
        )
    index = len(pauses) if number is None else number
    if not 1 <= index <= len(pauses):
        raise NotFoundError(
            f"Hồ sơ {code} không có yêu cầu bổ sung lần thứ {index} (có {len(pauses)} lần)",
            message_en=f"Dossier {code} has no supplementation request #{index} (it has {len(pauses)})",
        )
    paused = pauses[index - 1]
    payload = paused.payload or {}
    request = _completion_before(loaded, paused.seq)
    data = _submitted(request)
    forms = loaded.forms.values()
    missing = [s for name in fields_with_role(forms, "missing_documents") for s in _strings(data.get(name))] \
        or _strings(payload.get("reason"))
    reason_keys = fields_with_role(forms, "supplement_reason") + fields_with_role(forms, "opinion")
    reason = _first_text(data, reason_keys) or (_text(payload.get("reason")) if isinstance(payload.get("reason"), str)
                                                else "")
    required = {
        _text(d.get("name")).casefold(): d for d in loaded.metadata.get("required_documents") or ()
        if isinstance(d, Mapping) and d.get("name")
    }
    items = tuple(
        SupplementItem(name, str(required[name.casefold()].get("copy_type") or ""),
                       _quantity(required[name.casefold()].get("quantity")))
        if name.casefold() in required else SupplementItem(name)
        for name in missing
    )
    resumed = next(
        (e for e in loaded.events if e.seq > paused.seq and e.event_type == HistoryEventType.CLOCK_RESUMED), None
    )
    resumed_payload = resumed.payload or {} if resumed else {}
    return SupplementRequestData(
        dossier=_summary(loaded),
        number=index,
        total=len(pauses),
        requested_at=loaded.local(paused.at),  # type: ignore[arg-type]
        items=items,
        reason=reason,
        guide_name=nfc((request.actor_name if request else None) or paused.actor_name or ""),
        guide_unit=_unit_of(loaded, request.element_id, request.lane) if request else "",
        due_at_before=loaded.local(_instant(payload.get("due_at"))),
        resumed_at=loaded.local(resumed.at) if resumed else None,
        due_at_after=loaded.local(_instant(resumed_payload.get("due_at"))),
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


# ---------------------------------------------------------------------------------------------
# Mẫu 03: refusal
# ---------------------------------------------------------------------------------------------


def _is_decision(event: HistoryEvent) -> bool:
    """A completion of a step that declares a ``decisionField``: the history records its decision."""
    return bool((event.payload or {}).get("decision"))


def refusal_data(session: Session, ref: str | int, *, calendar: WorkingCalendar, base_url: str = "") -> RefusalData:
    """Mẫu 03 for a refused dossier; the grounds come from the steps' submitted data.

    In order: a field the forms declare as ``refusal_grounds`` (latest step first), then a field
    declared as the ``opinion`` of the step that decided the refusal.
    """
    loaded = _load(session, ref, calendar, base_url)
    dossier = loaded.dossier
    if dossier.status != DossierStatus.REFUSED:
        raise NotFoundError(
            f"Hồ sơ {dossier.code} không bị từ chối tiếp nhận, giải quyết",
            message_en=f"Dossier {dossier.code} was not refused",
        )
    completions = [e for e in reversed(loaded.events) if e.event_type == HistoryEventType.TASK_COMPLETED]
    grounds = ""
    for event in completions:
        data = _submitted(event)
        grounds = _first_text(data, fields_with_role(loaded.forms.values(), "refusal_grounds"))
        if grounds:
            break
    # The latest decision of a refused dossier is the one that refused it.
    decider = next((e for e in completions if _is_decision(e)), None)
    if not grounds and decider is not None:
        data = _submitted(decider)
        grounds = _first_text(data, fields_with_role(loaded.forms.values(), "opinion"))
    if not grounds:
        grounds = nfc(dossier.result_name or "")
    refused_at = decider.at if decider is not None else dossier.completed_at or dossier.received_at
    return RefusalData(
        dossier=_summary(loaded),
        grounds=grounds,
        refused_at=loaded.local(refused_at),  # type: ignore[arg-type]
        refused_by=nfc(decider.actor_name or "") if decider else "",
        refused_unit=_unit_of(loaded, decider.element_id, decider.lane) if decider else "",
    )


# ---------------------------------------------------------------------------------------------
# Apology and new appointment
# ---------------------------------------------------------------------------------------------


def apology_data(session: Session, ref: str | int, *, calendar: WorkingCalendar, base_url: str = "") -> ApologyData:
    """The apology letter of the dossier's one extension (deadline_extended event)."""
    loaded = _load(session, ref, calendar, base_url)
    extended = next((e for e in reversed(loaded.events) if e.event_type == HistoryEventType.DEADLINE_EXTENDED), None)
    if extended is None:
        code = loaded.dossier.code
        raise NotFoundError(
            f"Hồ sơ {code} chưa được gia hạn nên không có văn bản xin lỗi",
            message_en=f"Dossier {code} was never extended, so it has no apology letter",
        )
    payload = extended.payload or {}
    return ApologyData(
        dossier=_summary(loaded),
        extended_at=loaded.local(extended.at),  # type: ignore[arg-type]
        reason=_text(payload.get("reason")),
        old_due_at=loaded.local(_instant(payload.get("due_at"))),
        new_due_at=loaded.local(_instant(payload.get("new_due_at"))),
        recorded_by=nfc(extended.actor_name or ""),
    )


# ---------------------------------------------------------------------------------------------
# Mẫu 05: process control
# ---------------------------------------------------------------------------------------------


def _decision_title(loaded: _Loaded, task: HumanTask, event: HistoryEvent | None) -> str:
    decision = (event.payload or {}).get("decision") if event is not None else None
    if not isinstance(decision, Mapping):
        return ""
    titles = [option_title(loaded.forms, task.form_name, k, v) or nfc(v) for k, v in decision.items()
              if isinstance(v, str)]
    return "; ".join(titles)


def control_data(session: Session, ref: str | int, *, calendar: WorkingCalendar, base_url: str = "") -> ControlSlipData:
    """Mẫu 05: one row per handover, each step classified against its own due time.

    Rows follow the order the steps became ready. A step is handed over by whoever completed the
    step that made it ready (the reception for the first one). A step whose time the citizen owns
    (the diagram's ``clock`` property: supplementation, payment) is not classified.
    """
    loaded = _load(session, ref, calendar, base_url)
    summary = _summary(loaded)
    by_task: dict[str, dict[str, HistoryEvent]] = {}
    for event in loaded.events:
        if event.task_id:
            by_task.setdefault(event.task_id, {})[event.event_type] = event  # the latest of each type
    ready_seq = {
        e.task_id: e.seq for e in reversed(loaded.events) if e.event_type == HistoryEventType.STEP_READY and e.task_id
    }

    def official(task: HumanTask) -> str:
        events = by_task.get(str(task.id), {})
        for name in (HistoryEventType.TASK_COMPLETED, HistoryEventType.TASK_CLAIMED):
            if name in events and events[name].actor_name:
                return nfc(events[name].actor_name)
        person = task.completed_by or task.assignee
        return nfc(person.full_name) if person is not None else ""

    def unit(task: HumanTask) -> str:
        return _unit_of(loaded, task.element_id, task.lane, task.department)

    tasks = [t for t in loaded.tasks if t.status != TaskStatus.CANCELLED or t.claimed_at is not None]
    tasks.sort(key=lambda t: (ready_seq.get(str(t.id), 0), t.ready_at))
    completion_seq = {
        str(t.id): by_task[str(t.id)][HistoryEventType.TASK_COMPLETED].seq
        for t in tasks if HistoryEventType.TASK_COMPLETED in by_task.get(str(t.id), {})
    }
    reception_unit, reception_official = summary.center_name, summary.received_by
    rows: list[Handover] = []
    for task in tasks:
        seq = ready_seq.get(str(task.id), 0)
        previous = max(
            (t for t in tasks if str(t.id) in completion_seq and completion_seq[str(t.id)] < seq),
            key=lambda t: completion_seq[str(t.id)], default=None,
        )
        from_unit, from_official = (unit(previous), official(previous)) if previous else (
            reception_unit, reception_official)
        completed = by_task.get(str(task.id), {}).get(HistoryEventType.TASK_COMPLETED)
        element = loaded.elements.get(task.element_id, {})
        citizen = element.get("properties", {}).get("clock") in ("supplement", "payment")
        timeliness = None
        if task.status == TaskStatus.COMPLETED and task.completed_at is not None:
            state = "citizen" if citizen else "done"
            if task.due_at is not None and not citizen:
                timeliness = classify_completion(task.completed_at, task.due_at, calendar)
        else:
            state = "citizen" if citizen else ("open" if task.status != TaskStatus.CANCELLED else "cancelled")
        rows.append(Handover(
            from_unit=from_unit, from_official=from_official, to_unit=unit(task), to_official=official(task),
            handed_at=loaded.local(task.ready_at), step_name=nfc(task.name),
            decision=_decision_title(loaded, task, completed), due_at=loaded.local(task.due_at),
            completed_at=loaded.local(task.completed_at), timeliness=timeliness, state=state,
        ))
    rows.extend(_closing_rows(loaded, summary, tasks, completion_seq, official, unit))
    return ControlSlipData(dossier=summary, rows=tuple(rows))


def _closing_rows(loaded: _Loaded, summary: DossierSummary, tasks: list[HumanTask], completion_seq: dict[str, int],
                  official: Any, unit: Any) -> list[Handover]:
    dossier = loaded.dossier
    last = max((t for t in tasks if str(t.id) in completion_seq), key=lambda t: completion_seq[str(t.id)],
               default=None)
    from_unit, from_official = (unit(last), official(last)) if last else (summary.center_name, summary.received_by)
    if dossier.status in (DossierStatus.COMPLETED, DossierStatus.REFUSED):
        data = dict(dossier.data or {})
        recipient = _first_text(data, fields_with_role(loaded.forms.values(), "recipient_name")) \
            or summary.applicant.name
        return [Handover(
            from_unit=from_unit, from_official=from_official, to_unit="Tổ chức, cá nhân", to_official=recipient,
            handed_at=summary.completed_at, step_name="Giao kết quả cho tổ chức, cá nhân",
            decision=summary.result_name, due_at=summary.due_at, completed_at=summary.completed_at,
            timeliness=Timeliness(dossier.timeliness) if dossier.timeliness else None, state="result",
        )]
    withdrawn = next((e for e in loaded.events if e.event_type == HistoryEventType.DOSSIER_WITHDRAWN), None)
    if withdrawn is not None:
        return [Handover(
            from_unit=from_unit, from_official=from_official, to_unit="Tổ chức, cá nhân",
            to_official=summary.applicant.name, handed_at=loaded.local(withdrawn.at),
            step_name="Công dân rút hồ sơ", state="withdrawn",
            note=_text((withdrawn.payload or {}).get("reason")),
        )]
    return []


# ---------------------------------------------------------------------------------------------
# Mẫu 06: logbook
# ---------------------------------------------------------------------------------------------


# A logbook is printed per month at most: a longer one costs seconds of CPU per request.
MAX_LOGBOOK_DAYS = 31
MAX_LOGBOOK_ROWS = 2000


def logbook_window(received_from: date | None, received_to: date | None, *, today: date,
                   max_days: int = MAX_LOGBOOK_DAYS) -> tuple[date, date]:
    """The days a logbook request covers: a missing end is filled to ``max_days``, ending today by default."""
    if received_from and received_to and received_from > received_to:
        raise FormInvalidError([FieldProblem("from", "“Từ ngày” phải trước hoặc bằng “Đến ngày”",
                                             "“from” must be on or before “to”")])
    span = timedelta(days=max_days - 1)
    if received_to is None:
        received_to = received_from + span if received_from else today
    if received_from is None:
        received_from = received_to - span
    if received_to - received_from > span:
        raise FormInvalidError([FieldProblem(
            "to", f"Sổ theo dõi in tối đa {max_days} ngày một lần: chọn “Đến ngày” gần “Từ ngày” hơn",
            f"The logbook covers at most {max_days} days at a time: choose a “to” closer to “from”")])
    return received_from, received_to


def logbook_data(
    session: Session,
    *,
    calendar: WorkingCalendar,
    center: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    max_rows: int | None = None,
    scope: ColumnElement[bool] | None = None,
) -> LogbookData:
    """The dossiers received at ``center`` (its code) between two local days, both included; only
    those in ``scope`` (the access policy's clause for the reader); with ``max_rows``, more dossiers
    than that is a FormInvalidError asking for a shorter period."""
    if received_from and received_to and received_from > received_to:
        raise FormInvalidError([FieldProblem("from", "“Từ ngày” phải trước hoặc bằng “Đến ngày”",
                                             "“from” must be on or before “to”")])
    query = (
        select(Dossier)
        .options(undefer(Dossier.data), joinedload(Dossier.center), joinedload(Dossier.procedure_version))
        .order_by(Dossier.received_at, Dossier.id)
    )
    if scope is not None:
        query = query.where(scope)
    center_name = None
    if center:
        row = session.scalar(select(Center).where(Center.code == center))
        if row is None:
            raise NotFoundError(f"Không có trung tâm '{center}'", message_en=f"No center '{center}'")
        query = query.where(Dossier.center_id == row.id)
        center_name = nfc(row.name)
    zone = calendar.timezone
    if received_from:
        query = query.where(Dossier.received_at >= datetime.combine(received_from, time(), zone))
    if received_to:
        query = query.where(Dossier.received_at < datetime.combine(received_to + timedelta(days=1), time(), zone))
    dossiers = session.scalars(query if max_rows is None else query.limit(max_rows + 1)).all()
    if max_rows is not None and len(dossiers) > max_rows:
        raise FormInvalidError([FieldProblem(
            "from", f"Có hơn {max_rows} hồ sơ trong khoảng này: chọn khoảng ngày ngắn hơn hoặc một trung tâm",
            f"More than {max_rows} dossiers fall in this period: choose fewer days or one center")])
    entries = []
    for dossier in dossiers:
        metadata = dossier.procedure_version.metadata_ or {}
        data = dossier.data or {}
        closed = dossier.status in (DossierStatus.COMPLETED, DossierStatus.REFUSED)
        forms = (dossier.procedure_version.forms or {}).values()
        roles = ("delivery_channel", "result_delivery") if closed else ("result_delivery",)
        fields = [name for role in roles for name in fields_with_role(forms, role)]
        delivery = next((data[f] for f in fields if isinstance(data.get(f), str) and data.get(f)), "")
        applicant = _applicant(dossier)
        entries.append(LogbookEntry(
            code=dossier.code,
            procedure_name=_text(metadata.get("name")),
            applicant_name=applicant.name,
            address=applicant.address,
            phone=applicant.phone,
            lead_agency=_text(metadata.get("lead_agency")),
            received_at=dossier.received_at.astimezone(zone),
            appointment_at=_local(appointment(dossier), zone),
            returned_at=_local(dossier.completed_at, zone) if closed else None,
            delivery=_DELIVERY_TITLES.get(delivery, nfc(delivery)),
            recipient=_first_text(data, fields_with_role(forms, "recipient_name")) if closed else "",
            status=str(dossier.status),
            timeliness=dossier.timeliness,
        ))
    return LogbookData(center_name=center_name, received_from=received_from, received_to=received_to,
                       entries=tuple(entries))


def _local(value: datetime | None, zone: Any) -> datetime | None:
    return value.astimezone(zone) if value is not None else None


def slip_data(session: Session, kind: str, ref: str | int, *, calendar: WorkingCalendar, base_url: str = "",
              number: int | None = None) -> SlipData:
    """The data of one slip kind (see ``engine.slips.SLIP_KINDS``) for a dossier."""
    if kind == "receipt":
        return receipt_data(session, ref, calendar=calendar, base_url=base_url)
    if kind == "supplement_request":
        return supplement_request_data(session, ref, calendar=calendar, number=number, base_url=base_url)
    if kind == "refusal":
        return refusal_data(session, ref, calendar=calendar, base_url=base_url)
    if kind == "apology":
        return apology_data(session, ref, calendar=calendar, base_url=base_url)
    if kind == "control":
        return control_data(session, ref, calendar=calendar, base_url=base_url)
    raise NotFoundError(f"Không có loại phiếu '{kind}'", message_en=f"No slip kind '{kind}'")
