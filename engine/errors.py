"""Errors the engine raises. HTTP statuses for them live only in api/errors.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class EngineError(Exception):
    """Root of every error the engine raises on purpose."""

    code = "engine_error"

    def __init__(self, message: str, *, message_en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message


class NotFoundError(EngineError):
    code = "not_found"


class NotAuthenticatedError(EngineError):
    code = "not_authenticated"


class PermissionDeniedError(EngineError):
    code = "permission_denied"


class ConflictError(EngineError):
    """Someone else changed the same thing first; the caller may reload and retry."""

    code = "conflict"


class RetryLaterError(EngineError):
    """Refused for now, not for good: the caller may try again after ``retry_after`` seconds."""

    code = "retry_later"

    def __init__(self, message: str, *, message_en: str, retry_after: int) -> None:
        super().__init__(message, message_en=message_en)
        self.retry_after = max(1, retry_after)


class TooManyAttemptsError(RetryLaterError):
    """Too many attempts from one client address or on one account (throttling, lockout)."""

    code = "too_many_attempts"


class BusyError(RetryLaterError):
    """Every slot of a bounded, costly operation (password verification) is taken."""

    code = "busy"


class ProcedureNotActiveError(ConflictError):
    """The procedure exists but no version of it is active, so it receives no new dossiers."""

    code = "procedure_not_active"


class TaskNotReadyError(ConflictError):
    code = "task_not_ready"


class DossierClosedError(ConflictError):
    code = "dossier_closed"


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field of a submitted form: JSON pointer path plus messages in vi and en."""

    field: str
    message: str
    message_en: str


class FormInvalidError(EngineError):
    """Submitted data does not satisfy the step's form; ``problems`` says which field and why."""

    code = "form_invalid"

    def __init__(self, problems: list[FieldProblem], *, form: str | None = None) -> None:
        super().__init__(
            f"Dữ liệu biểu mẫu không hợp lệ ({len(problems)} lỗi)",
            message_en=f"The form data is invalid ({len(problems)} problems)",
        )
        self.problems = problems
        self.form = form

@dataclass(frozen=True)
class Problem:
    """A located problem in a procedure: which file, line and element, and what is wrong."""

    file: str
    message: str
    message_en: str
    line: int | None = None
    element_id: str | None = None
    severity: str = "error"
    rule: str = "bpmn"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["extra"]:
            data.pop("extra")
        return data


class DeploymentError(EngineError):
    """A procedure could not be deployed; nothing was stored."""

    code = "deployment_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"Không thể triển khai quy trình: {len(errors)} lỗi",
            message_en=f"The procedure cannot be deployed: {len(errors)} errors",
        )
        self.problems = problems


class IdempotencyKeyError(EngineError):
    """An Idempotency-Key that is malformed, or reused for a different request."""

    code = "idempotency_key_invalid"

    def __init__(self, message: str, *, message_en: str, code: str | None = None) -> None:
        super().__init__(message, message_en=message_en)
        if code is not None:
            self.code = code


class WorkflowFailedError(EngineError):
    """A script or condition of the diagram failed while the dossier was running."""

    code = "workflow_failed"

    def __init__(self, message: str, *, element_id: str | None, detail: str,
                 message_en: str | None = None, expression: str | None = None) -> None:
        super().__init__(message, message_en=message_en or f"The procedure failed at step {element_id}: {detail}")
        self.element_id = element_id
        self.detail = detail
        self.expression = expression
        # Set by the command that failed: what an incident needs to record and retry it.
        self.retry: dict[str, Any] | None = None
        self.dossier_id: int | None = None
        # Set once the incident is recorded: the dossier, its status and who was told.
        self.incident: dict[str, Any] | None = None

    def details(self) -> dict[str, Any]:
        """What the API puts under ``errors``: where the diagram failed and the incident it left."""
        found: dict[str, Any] = {"element_id": self.element_id, "detail": self.detail}
        if self.expression is not None:
            found["expression"] = self.expression
        if self.incident is not None:
            found["incident"] = self.incident
        return found


class StepLimitError(WorkflowFailedError):
    """One command moved the diagram's tasks more often than the step limit allows: a runaway loop."""

    code = "step_limit_exceeded"

    def __init__(self, *, element_id: str | None, limit: int) -> None:
        super().__init__(
            f"Quy trình dừng ở bước {element_id}: vượt quá {limit} bước trong một lần xử lý (vòng lặp không dừng?)",
            element_id=element_id, detail=f"more than {limit} steps in one command",
            message_en=f"The procedure stopped at step {element_id}: more than {limit} steps in one command "
                       "(a loop that never ends?)")
        self.limit = limit


class MigrationRefusedError(ConflictError):
    """A dossier cannot move to that version of its procedure: steps of its own are missing there."""

    code = "migration_refused"

    def __init__(self, message: str, *, message_en: str, element_ids: list[str]) -> None:
        super().__init__(message, message_en=message_en)
        self.element_ids = element_ids


class IncidentStateError(ConflictError):
    """The dossier waits for an administrator to retry its failed step, or has no incident to retry."""

    code = "dossier_incident"


class ScriptLimitError(WorkflowFailedError):
    """A script or expression of the diagram ran past its time limit or built more than its memory
    limit; the step failed at ``line`` of its script (None for an expression)."""

    code = "script_limit_exceeded"
    _LIMIT_VI = {"time": "thời gian", "memory": "bộ nhớ"}
    _LIMIT_EN = {"time": "time", "memory": "memory"}

    def __init__(self, *, element_id: str | None, kind: str, limit: str, line: int | None) -> None:
        where_vi = f" ở dòng {line}" if line else ""
        where_en = f" at line {line}" if line else ""
        detail = f"{self._LIMIT_EN[kind]} limit of {limit} exceeded{where_en}"
        super().__init__(
            f"Quy trình dừng ở bước {element_id}: kịch bản vượt giới hạn {self._LIMIT_VI[kind]} ({limit}){where_vi}",
            element_id=element_id,
            detail=detail,
            message_en=f"The procedure stopped at step {element_id}: {detail}",
        )
        self.kind = kind
        self.limit = limit
        self.line = line

    def details(self) -> dict[str, Any]:
        return {**super().details(), "limit": self.kind, "limit_value": self.limit, "line": self.line}


class DraftConflictError(ConflictError):
    """A draft was saved by someone else since the version the caller's save was based on; nothing
    was written. ``yours`` and ``current`` carry both, so the caller can compare and merge."""

    code = "draft_stale"

    def __init__(self, message: str, *, message_en: str, yours: dict[str, Any], current: dict[str, Any]) -> None:
        super().__init__(message, message_en=message_en)
        self.yours = yours
        self.current = current

    def details(self) -> dict[str, Any]:
        return {"yours": self.yours, "current": self.current}
