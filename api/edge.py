"""The edge of the web application: what every request must be before a view reads it, and what
every response carries.

- Paths, query strings and bodies must be valid UTF-8 without NUL bytes or lone surrogates
  (PostgreSQL refuses them in text); a JSON body must parse, stay shallow and hold only 64-bit
  integers and finite numbers; a body of any other type than JSON or a form upload is a 415.
- Security headers on every response; ``Cache-Control: no-store`` on everything but the public
  catalog and the OpenAPI document, so personal data never lands in a shared cache.
- A lost database is a 503 with Retry-After, not a 500.
- The public base URL (the receipt's QR link) is a setting, never the request's Host header.

The headers are set here rather than with flask-talisman: they are five fixed values, and
talisman's HTTPS redirect and session-cookie handling would overlap the proxy's and the
sign-in's own settings.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, request
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from api.errors import error_body
from api.schemas import ErrorSchema

log = logging.getLogger(__name__)

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_QUERY_BYTES = 4096
INT64 = 2**63
RETRY_AFTER_SECONDS = 5
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"

JSON_TYPES = ("application/json",)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

# Pages are server-rendered with their own stylesheets (inline <style> and style attributes on
# the slips) and load no script from anywhere; QR codes are data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "no-referrer",  # lookup links carry the dossier code
}
HSTS = "max-age=31536000; includeSubDomains"

# What may be cached: nothing in it is personal.
CACHEABLE = {"/api/v1/openapi.json", "/api/v1/procedures", "/"}
CACHEABLE_PREFIXES = ("/api/v1/procedures/", "/static/")

# Characters no stored text may hold: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
_FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class InputRejected(Exception):
    """A request the edge refuses before any view sees it, with the located reason."""

    def __init__(self, status: int, error: str, message: str, message_en: str, where: str | None = None) -> None:
        super().__init__(message_en)
        self.status, self.error, self.message, self.message_en, self.where = status, error, message, message_en, where


_PLACES_VI = {"path": "đường dẫn", "query": "chuỗi truy vấn", "body": "nội dung gửi lên"}


def _bad_text(where: str) -> InputRejected:
    place = _PLACES_VI.get(where, where)
    return InputRejected(400, "invalid_text", f"Dữ liệu tại {place} chứa ký tự NUL hoặc không phải UTF-8 hợp lệ",
                         f"The data at {where} holds a NUL byte or is not valid UTF-8", where)


def _check_text(raw: bytes, where: str) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_text(where) from None
    if _FORBIDDEN_CHARACTERS.search(text):
        raise _bad_text(where)


def _wsgi_bytes(value: str) -> bytes:
    """The raw bytes behind a WSGI string, which PEP 3333 makes latin-1 text of those bytes."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # a server that decoded already: surrogates stay invalid UTF-8
        return value.encode("utf-8", errors="surrogatepass")


def check_url() -> None:
    """The path and the query string: UTF-8 without NUL, and a query of bounded size."""
    _check_text(_wsgi_bytes(request.environ.get("PATH_INFO", "")), "path")  # already percent-decoded
    query = _wsgi_bytes(request.environ.get("QUERY_STRING", ""))
    if len(query) > MAX_QUERY_BYTES:
        raise InputRejected(414, "query_too_long",
                            f"Chuỗi truy vấn quá dài (tối đa {MAX_QUERY_BYTES} byte)",
                            f"The query string is too long (at most {MAX_QUERY_BYTES} bytes)", "query")
    _check_text(unquote_to_bytes(query.replace(b"+", b" ")), "query")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_body(raw: bytes) -> Any:
    """The body as JSON, or InputRejected saying where it is malformed (400)."""
    if len(raw) > MAX_JSON_BYTES:
        raise InputRejected(413, "payload_too_large", f"Nội dung JSON quá lớn (tối đa {MAX_JSON_BYTES} byte)",
                            f"The JSON body is too large (at most {MAX_JSON_BYTES} bytes)", "body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_text("body") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputRejected(400, "invalid_json",
                            f"Nội dung JSON không đúng cú pháp (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}",
                            f"Malformed JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", "body") from None
    except ValueError:
        raise InputRejected(400, "invalid_json", "JSON không cho phép NaN hoặc Infinity",
                            "JSON does not allow NaN or Infinity", "body") from None
    except RecursionError:
        raise _too_deep("body") from None


def _too_deep(where: str) -> InputRejected:
    place = _PLACES_VI.get(where, where)
    return InputRejected(400, "json_too_deep", f"JSON lồng quá sâu tại {place} (tối đa {MAX_JSON_DEPTH} cấp)",
                         f"The JSON is nested too deeply at {where} (at most {MAX_JSON_DEPTH} levels)", where)


def _pointer(path: tuple[str, ...]) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path)


def check_json_value(value: Any) -> None:
    """Every string valid text, every number storable, no deeper than MAX_JSON_DEPTH (walked without recursion)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            raise _too_deep(_pointer(path))
        if isinstance(item, dict):
            for key, child in item.items():
                if _FORBIDDEN_CHARACTERS.search(key):
                    raise _bad_text(_pointer(path))
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, str(index))) for index, child in enumerate(item))
        elif isinstance(item, str):
            if _FORBIDDEN_CHARACTERS.search(item):
                raise _bad_text(_pointer(path))
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -INT64 <= item < INT64:
                raise InputRejected(422, "number_out_of_range",
                                    f"Số tại {_pointer(path)} vượt quá giới hạn số nguyên 64 bit",
                                    f"The number at {_pointer(path)} exceeds the 64-bit integer range",
                                    _pointer(path))
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputRejected(422, "number_out_of_range", f"Số tại {_pointer(path)} quá lớn",
                                f"The number at {_pointer(path)} is too large", _pointer(path))


def _check_form() -> None:
    for key, value in request.form.items(multi=True):
        if _FORBIDDEN_CHARACTERS.search(key or "") or _FORBIDDEN_CHARACTERS.search(value or ""):
            raise _bad_text(key)
    for key, upload in request.files.items(multi=True):
        if _FORBIDDEN_CHARACTERS.search(key or "") or _FORBIDDEN_CHARACTERS.search(upload.filename or ""):
            raise _bad_text(key)


def check_body() -> None:
    """JSON bodies are parsed and walked here; form uploads are checked; any other body is a 415."""
    if not request.content_length and "chunked" not in request.headers.get("Transfer-Encoding", ""):
        return
    mimetype = request.mimetype
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        check_json_value(parse_json_body(request.get_data(cache=True)))
    elif mimetype in FORM_TYPES:
        _check_form()
    else:
        shown = mimetype or "(không có)"
        raise InputRejected(415, "unsupported_media_type",
                            f"Kiểu nội dung {shown} không được hỗ trợ: gửi application/json "
                            "(hoặc multipart/form-data khi tải tệp lên)",
                            f"Content type {mimetype or '(none)'} is not supported: send application/json "
                            "(or multipart/form-data to upload files)", "Content-Type")


def guard_request() -> None:
    check_url()
    if request.path.startswith("/api/"):
        check_body()


def handle_rejected(error: InputRejected) -> tuple[dict[str, Any], int]:
    errors = {error.where: [error.message]} if error.where else None
    return error_body(error.status, error.message, error.message_en, error.error, errors), error.status


def handle_database_unavailable(error: Exception) -> tuple[dict[str, Any], int, dict[str, str]]:
    # Logged once, without a traceback per request: the outage is the operator's news, not a bug.
    log.error("database_unavailable", extra={"path": request.path, "error": type(error).__name__})
    body = error_body(503, "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau ít phút",
                      "The database is unavailable for a moment; please try again shortly", "database_unavailable")
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def handle_data_error(error: DataError) -> tuple[dict[str, Any], int]:
    # The last guard for a value the schemas let through but the database cannot store.
    log.warning("data_refused_by_database", extra={"path": request.path, "error": str(error.orig)[:200]})
    return error_body(422, "Dữ liệu vượt quá giới hạn lưu trữ (quá dài hoặc quá lớn)",
                      "A value exceeds what can be stored (too long or too large)", "data_out_of_range"), 422


def _cacheable(path: str) -> bool:
    return path in CACHEABLE or path.startswith(CACHEABLE_PREFIXES)


def add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if not _cacheable(request.path):
        response.headers["Cache-Control"] = "no-store"
    return response


def is_production(app: Flask) -> bool:
    return str(app.config.get("ENV", "development")).lower() == "production" and not app.testing


def configure_public_base_url(app: Flask) -> None:
    """Production must name its public site; elsewhere the local development server is assumed."""
    if app.config.get("PUBLIC_BASE_URL"):
        return
    if is_production(app):
        raise RuntimeError(
            "MOTCUA_PUBLIC_BASE_URL chưa được đặt: cần địa chỉ công khai của trang tra cứu (mã QR trên phiếu) / "
            "MOTCUA_PUBLIC_BASE_URL is not set: production needs the public site address the receipt's QR "
            "code opens, e.g. https://dichvucong.example.gov.vn"
        )
    app.config["PUBLIC_BASE_URL"] = DEVELOPMENT_BASE_URL


def document_error_shape(app: Flask) -> None:
    """Declare the project's error shape where flask-smorest declares its own (every error response)."""
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec
    spec.components.schemas.pop("Error", None)
    spec.components.schema("Error", schema=ErrorSchema)


def init_app(app: Flask) -> None:
    configure_public_base_url(app)
    document_error_shape(app)
    # After the token check, which reads headers only; before any view reads the request.
    app.before_request(guard_request)
    app.after_request(add_headers)
    app.register_error_handler(InputRejected, handle_rejected)
    for error in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(error, handle_database_unavailable)
    app.register_error_handler(DataError, handle_data_error)
