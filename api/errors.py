"""One error shape everywhere: {code, status, message, message_en, error, errors?}.

Engine errors map to 401/403/404/409/422 here, the only place that knows HTTP statuses.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from api.deps import preferred_language
from api.incidents import record_failed_command
from api.schemas import DAY_RANGE_MESSAGE, EARLIEST_DAY, LATEST_DAY
from engine.errors import (
    BusyError,
    ConflictError,
    DeploymentError,
    DraftConflictError,
    EngineError,
    FormInvalidError,
    IdempotencyKeyError,
    MigrationRefusedError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    RetryLaterError,
    TooManyAttemptsError,
    WorkflowFailedError,
)

log = logging.getLogger(__name__)

STATUS_FOR: list[tuple[type[EngineError], int]] = [
    (NotAuthenticatedError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (FormInvalidError, 422),
    (DeploymentError, 422),
    (IdempotencyKeyError, 422),
    (WorkflowFailedError, 422),
    (TooManyAttemptsError, 429),
    (BusyError, 503),
]

_HTTP_MESSAGES_VI = {
    400: "Yêu cầu không hợp lệ",
    401: "Cần đăng nhập",
    403: "Không có quyền thực hiện",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột dữ liệu",
    413: "Dữ liệu gửi lên quá lớn",
    415: "Kiểu dữ liệu không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
    503: "Hệ thống tạm thời không phục vụ được",
}


# marshmallow speaks English; the messages officials meet most often are given in Vietnamese too.
_SCHEMA_MESSAGES_VI = {
    "Missing data for required field.": "Thiếu trường bắt buộc.",
    "Unknown field.": "Trường không được phép.",
    "Not a valid string.": "Phải là chuỗi ký tự.",
    "Not a valid integer.": "Phải là số nguyên.",
    "Not a valid mapping type.": "Phải là một đối tượng JSON.",
    "Not a valid boolean.": "Phải là đúng/sai.",
    "Field may not be null.": "Không được để trống.",
    "Must be one of: direct, online, postal.": "Phải là một trong: direct, online, postal.",
    "Invalid input type.": "Dữ liệu gửi lên phải là JSON.",
    "Not a valid date.": "Phải là ngày dạng YYYY-MM-DD.",
    "Not a valid datetime.": "Phải là thời điểm ISO 8601.",
    "Not a valid aware datetime.": "Phải là thời điểm ISO 8601 có múi giờ.",
    DAY_RANGE_MESSAGE: f"Phải trong khoảng {EARLIEST_DAY} đến {LATEST_DAY}.",
}


def _translate(messages: Any) -> Any:
    if isinstance(messages, dict):
        return {key: _translate(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_translate(m) for m in messages]
    if isinstance(messages, str):
        return _SCHEMA_MESSAGES_VI.get(messages, messages)
    return messages


def error_body(status: int, message: str, message_en: str, error: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message if preferred_language() == "vi" else message_en,
        "message_vi": message,
        "message_en": message_en,
        "error": error,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def handle_engine_error(error: EngineError) -> tuple[dict[str, Any], int, dict[str, str]]:
    status = next((code for cls, code in STATUS_FOR if isinstance(error, cls)), 400)
    errors: Any = None
    if isinstance(error, FormInvalidError):
        english = preferred_language() == "en"
        fields: dict[str, list[str]] = {}
        for problem in error.problems:
            fields.setdefault(problem.field, []).append(problem.message_en if english else problem.message)
        errors = {"data": fields}
    elif isinstance(error, DeploymentError):
        errors = {"problems": [p.as_dict() for p in error.problems]}
    elif isinstance(error, DraftConflictError):
        errors = error.details()
    elif isinstance(error, MigrationRefusedError):
        errors = {"element_ids": error.element_ids}
    elif isinstance(error, WorkflowFailedError):
        record_failed_command(error)
        errors = error.details()
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RetryLaterError) else {}
    return error_body(status, error.message, error.message_en, error.code, errors), status, headers


def handle_stale_data(_error: StaleDataError) -> tuple[dict[str, Any], int]:
    return error_body(
        409,
        "Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại",
        "The dossier was just changed by someone else; reload and try again",
        "conflict",
    ), 409


def handle_http_error(error: HTTPException) -> Any:
    if not request.path.startswith("/api/"):
        return error
    status = error.code or 500
    errors = None
    data = getattr(error, "data", None)
    if isinstance(data, dict) and "messages" in data:
        errors = data["messages"]  # webargs/marshmallow validation, keyed by location
        if preferred_language() == "vi":
            errors = _translate(errors)
    vi = _HTTP_MESSAGES_VI.get(status, HTTPStatus(status).phrase)
    en = HTTPStatus(status).description or HTTPStatus(status).phrase
    return error_body(status, vi, en, HTTPStatus(status).phrase.lower().replace(" ", "_"), errors), status


def handle_unexpected(error: Exception) -> Any:
    log.exception("unhandled_error", extra={"path": request.path})
    return error_body(500, _HTTP_MESSAGES_VI[500], "Internal error", "internal_error"), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(EngineError, handle_engine_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
