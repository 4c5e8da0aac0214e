"""marshmallow schemas of the REST API, one section per resource."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema
from marshmallow.utils import ensure_text_type

from engine.persistence.models import DossierStatus
from engine.reads.dossiers import DossierTimeliness

# Days and instants a request may name: far enough for any dossier, leave or report, near enough
# that adding a time limit or a month to them never leaves the calendar.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY_RANGE_MESSAGE = f"Must be between {EARLIEST_DAY} and {LATEST_DAY}."
# Page numbers and counts a request may name: within what the database's offsets hold.
MAX_PAGE = 100_000


def day_field(**kwargs: Any) -> fields.Date:
    """A calendar day (YYYY-MM-DD) between EARLIEST_DAY and LATEST_DAY."""
    return fields.Date(validate=validate.Range(EARLIEST_DAY, LATEST_DAY, error=DAY_RANGE_MESSAGE), **kwargs)


def instant_field(**kwargs: Any) -> fields.AwareDateTime:
    """An ISO 8601 instant with its offset, on a day between EARLIEST_DAY and LATEST_DAY."""
    earliest = datetime.combine(EARLIEST_DAY, datetime.min.time(), UTC)
    latest = datetime.combine(LATEST_DAY, datetime.max.time(), UTC)
    return fields.AwareDateTime(validate=validate.Range(earliest, latest, error=DAY_RANGE_MESSAGE), **kwargs)


Formatter = Callable[[Any], Any]


def _formatter(field: fields.Field) -> Formatter | None:
    """The formatting of ``field``'s values other than None (which each of these dumps as None), as
    one plain function, for the field types a list of objects is made of: the same as the field's
    ``_serialize`` without the calls around it. None where ``_serialize`` must run (any other type,
    a subclass, a number as a string)."""
    if type(field) is fields.String:
        return ensure_text_type
    if type(field) is fields.UUID:
        return str
    if type(field) is fields.Integer and not field.as_string:
        return int
    if type(field) is fields.DateTime:
        return field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
    return None


class ObjectSchema(Schema):
    """A schema of objects that dumps each field with the field's own formatting, minus marshmallow's
    lookups around it (four calls per field and object): an inbox page dumps up to 200 tasks of 21
    fields, and the lookups cost more than the formatting. A string, UUID, integer or date-time field
    formats by one plain function (``_formatter``), and a None or a string in a string field passes
    as it is. Keys and values are marshmallow's own (tests/unit/api/test_schemas.py); a mapping, or
    a field reading a dotted path, takes marshmallow's way."""

    @cached_property
    def _plan(self) -> list[tuple[str, str, str | None, fields.Field, Formatter | None]] | None:
        plan = []
        for name, field in self.dump_fields.items():
            attribute = (name if field.attribute is None else field.attribute) if field._CHECK_ATTRIBUTE else None
            if attribute is not None and "." in attribute:
                return None
            plan.append((name if field.data_key is None else field.data_key, name, attribute, field,
                         _formatter(field)))
        return plan

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        plan = self._plan
        if plan is None or obj is None or hasattr(obj, "__getitem__"):
            return super()._serialize(obj)
        answer = self.dict_class()
        for key, name, attribute, field, formatter in plan:
            value = None
            if attribute is not None:
                value = getattr(obj, attribute, missing)
                if value is missing:
                    default = field.dump_default
                    value = default() if callable(default) else default
                    if value is missing:
                        continue
            if formatter is None:
                answer[key] = field._serialize(value, name, obj)
            elif value is None or (formatter is ensure_text_type and type(value) is str):
                answer[key] = value
            else:
                answer[key] = formatter(value)
        return answer


class ErrorSchema(Schema):
    """The one error shape (api/errors.py), as the OpenAPI document declares it for every operation."""

    code = fields.Integer(required=True, metadata={"description": "HTTP status"})
    status = fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = fields.String(required=True, metadata={"description": "in the language asked (vi by default)"})
    message_vi = fields.String()
    message_en = fields.String()
    error = fields.String(metadata={"description": "machine-readable reason, e.g. form_invalid"})
    errors = fields.Raw(metadata={"description": "details: invalid fields, located problems"})


class LoginArgsSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String(dump_default="Bearer")
    expires_at = fields.DateTime()
    official = fields.Nested("OfficialSchema")


class OfficialSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())
    unit = fields.String(attribute="unit_code", allow_none=True)


class ProcedureVersionSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    state = fields.String(metadata={"description": "deployed | active | retired; new dossiers use the active one"})
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String(allow_none=True)


class VersionSummarySchema(ProcedureVersionSchema):
    activated_at = fields.DateTime(allow_none=True)
    activated_by = fields.String(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)
    retired_by = fields.String(allow_none=True)
    dossiers_running = fields.Integer(metadata={"description": "dossiers still running on this version"})
    dossiers_total = fields.Integer()


class VersionEventSchema(Schema):
    version = fields.Integer()
    action = fields.String(metadata={"description": "deploy | activate | rollback | retire"})
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    reason = fields.String(allow_none=True)


class VersionChangeArgsSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "why the version changes, kept in the version's history"})


class VersionChangeSchema(Schema):
    procedure = fields.String()
    version = fields.Nested(ProcedureVersionSchema)
    changed = fields.Boolean(metadata={"description": "false when the version was already in that state"})
    replaced_version = fields.Integer(allow_none=True,
                                      metadata={"description": "the version that was active before, now retired"})


class ProcedureSchema(Schema):
    key = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    national_code = fields.String(allow_none=True)
    latest_version = fields.Integer(allow_none=True)
    active_version = fields.Integer(allow_none=True, metadata={"description": "the version new dossiers use"})
    time_limit = fields.Dict(allow_none=True)


class DeployResultSchema(Schema):
    procedure = fields.String()
    version = fields.Nested(ProcedureVersionSchema)
    created = fields.Boolean(metadata={"description": "false when the same content was already deployed"})
    warnings = fields.List(fields.Dict())


class StartDossierArgsSchema(Schema):
    procedure = fields.String(required=True, metadata={"description": "procedure key, e.g. enterprise_registration"})
    center = fields.String(required=True, metadata={"description": "code of the receiving center"})
    channel = fields.String(load_default="direct", validate=validate.OneOf(["direct", "online", "postal"]))
    data = fields.Dict(required=True, metadata={"description": "the start form's data"})
    applicant = fields.Dict(load_default=None, allow_none=True)


class HumanTaskSchema(ObjectSchema):
    id = fields.UUID()
    dossier_id = fields.Integer()
    dossier_code = fields.String()
    procedure_key = fields.String(allow_none=True)
    element_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    candidate_role = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    form_name = fields.String(allow_none=True)
    status = fields.String()
    assignee_id = fields.Integer(allow_none=True)
    # The id first: a task nobody holds names nobody without asking the session for a relationship.
    assignee = fields.Function(lambda t: t.assignee.full_name if t.assignee_id is not None and t.assignee else None)
    assigned_at = fields.DateTime(allow_none=True)
    delegated_by_id = fields.Integer(allow_none=True)
    ready_at = fields.DateTime()
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.Function(
        lambda t: t.completed_by.full_name if t.completed_by_id is not None and t.completed_by else None)
    due_at = fields.DateTime(allow_none=True)


class HumanTaskDetailSchema(HumanTaskSchema):
    form = fields.Dict(allow_none=True, metadata={"description": "JSON Schema of the step's form"})
    submitted_data = fields.Dict(allow_none=True)


class DossierSchema(ObjectSchema):
    id = fields.Integer()
    code = fields.String()
    procedure = fields.Function(lambda d: d.procedure_version.procedure.key)
    procedure_version = fields.Function(lambda d: d.procedure_version.version)
    center = fields.Function(lambda d: d.center.code)
    channel = fields.String()
    status = fields.String()
    national_status_code = fields.Function(lambda d: DossierStatus(d.status).national_code)
    applicant_name = fields.String()
    applicant = fields.Dict()
    received_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True, metadata={"description": "legal deadline (moves with pauses)"})
    original_due_at = fields.DateTime(allow_none=True)
    extended_due_at = fields.DateTime(allow_none=True, metadata={"description": "new appointment, if extended"})
    paused_at = fields.DateTime(allow_none=True)
    paused_seconds = fields.Integer()
    supplement_requests = fields.Integer()
    late_by_rule = fields.Boolean()
    timeliness = fields.String(allow_none=True, metadata={"description": "early | on_time | late"})
    deadline_state = fields.String(metadata={"description": "on_track | due_soon | overdue | pause_expired"})
    apology_required = fields.Boolean()
    completed_at = fields.DateTime(allow_none=True)
    result_element_id = fields.String(allow_none=True)
    result_name = fields.String(allow_none=True)
    open_tasks = fields.List(fields.Nested(HumanTaskSchema))


class WithdrawArgsSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ExtendArgsSchema(Schema):
    new_due_at = instant_field(required=True, metadata={"description": "the new appointment (ISO 8601)"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "reason given in the apology letter"})


class DossierDetailSchema(DossierSchema):
    data = fields.Dict()


class HistoryEventSchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    event_type = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    element_type = fields.String(allow_none=True)
    lane = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    payload = fields.Dict(allow_none=True)
    prev_hash = fields.String(allow_none=True)
    hash = fields.String()


class StepTimesSchema(Schema):
    task_id = fields.UUID()
    element_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    status = fields.String()
    ready_at = fields.DateTime()
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    actor = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class DossierHistorySchema(Schema):
    dossier = fields.String()
    steps = fields.List(fields.Nested(StepTimesSchema))
    events = fields.List(fields.Nested(HistoryEventSchema))


class DossierSearchArgsSchema(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "dossier code or applicant name, accents optional"})
    procedure = fields.String(load_default=None, validate=validate.Length(max=128),
                              metadata={"description": "procedure key"})
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in DossierStatus]))
    timeliness = fields.String(load_default=None, validate=validate.OneOf([t.value for t in DossierTimeliness]),
                               metadata={"description": "where a running dossier's clock stands: on_time "
                                                        "(a working day or more left), due_soon (less), "
                                                        "overdue, paused (waiting for the citizen)"})
    received_from = day_field(data_key="from", load_default=None,
                              metadata={"description": "first day of receipt (YYYY-MM-DD), included"})
    received_to = day_field(data_key="to", load_default=None,
                            metadata={"description": "last day of receipt (YYYY-MM-DD), included"})
    center = fields.String(load_default=None, validate=validate.Length(max=64), metadata={"description": "center code"})
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("received_from"), data.get("received_to")
        if start is not None and end is not None and end < start:
            raise ValidationError("Must not be before 'from'.", field_name="to")


class DossierRowSchema(Schema):
    code = fields.String()
    procedure = fields.String(attribute="procedure_key", metadata={"description": "procedure key"})
    procedure_name = fields.String()
    applicant_name = fields.String()
    status = fields.String()
    received_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    timeliness = fields.String(allow_none=True, metadata={
        "description": "on_time | due_soon | overdue | paused; none once the dossier is closed"})
    center = fields.String(metadata={"description": "center code"})


class DossierPageSchema(Schema):
    dossiers = fields.List(fields.Nested(DossierRowSchema))
    next_cursor = fields.String(allow_none=True)


class TaskQueryArgsSchema(Schema):
    status = fields.String(load_default="ready", validate=validate.OneOf(["ready", "claimed", "open", "completed"]))
    dossier = fields.String(load_default=None, metadata={"description": "dossier code"})
    mine = fields.Boolean(load_default=False, metadata={"description": "only tasks claimed by me"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class CompleteTaskArgsSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "the step's form data"})
