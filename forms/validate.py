"""Validate submitted form data against a JSON Schema (2020-12), with messages per field in vi/en.

jsonschema only speaks English, and its messages quote Python reprs. Officials need to know which
field is wrong in their own language, so each failed keyword is turned into a sentence here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError


@dataclass(frozen=True)
class FieldError:
    field: str  # JSON-pointer-like path: "applicant/phone", "" for the whole form
    message: str  # Vietnamese
    message_en: str
    keyword: str


_TYPE_VI = {
    "string": "chuỗi ký tự",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "đúng/sai",
    "array": "danh sách",
    "object": "đối tượng",
    "null": "rỗng",
}


def compile_form(schema: dict[str, Any]) -> Draft202012Validator:
    """Build the validator of a form once; callers keep it with the deployed version."""
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate_submission(schema: dict[str, Any] | Draft202012Validator, data: Any) -> list[FieldError]:
    """Return every problem of ``data`` against the form; an empty list means valid."""
    validator = schema if isinstance(schema, Draft202012Validator) else compile_form(schema)
    schema = validator.schema
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    return [_describe(error, schema) for error in errors]


def _field_title(schema: dict[str, Any], path: list[str]) -> str | None:
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        if part.isdigit() and "items" in node:
            node = node["items"]
        else:
            node = node.get("properties", {}).get(part)
    return node.get("title") if isinstance(node, dict) else None


def _describe(error: ValidationError, schema: dict[str, Any]) -> FieldError:
    path = [str(p) for p in error.absolute_path]
    keyword = str(error.validator)
    value = error.validator_value
    if keyword == "required":
        missing = _missing_property(error)
        path = path + [missing]
        title = _field_title(schema, path) or missing
        return FieldError("/".join(path), f"Trường “{title}” là bắt buộc", f"Field “{missing}” is required", keyword)
    title = _field_title(schema, path) or ("/".join(path) or "biểu mẫu")
    vi, en = _messages(keyword, value, error)
    return FieldError("/".join(path), f"{title}: {vi}", f"{'/'.join(path) or 'form'}: {en}", keyword)


def _missing_property(error: ValidationError) -> str:
    # jsonschema says "'name' is a required property"; the name is the quoted part.
    message = error.message
    return message.split("'")[1] if message.count("'") >= 2 else message


def _messages(keyword: str, value: Any, error: ValidationError) -> tuple[str, str]:
    if keyword == "type":
        types = [str(t) for t in (value if isinstance(value, list) else [value])]
        return (
            "phải là " + " hoặc ".join(_TYPE_VI.get(t, t) for t in types),
            "must be of type " + " or ".join(types),
        )
    if keyword in ("enum", "const", "oneOf", "anyOf"):
        return "giá trị không nằm trong danh sách cho phép", "is not one of the allowed values"
    if keyword == "minLength":
        return (
            "không được để trống" if value == 1 else f"phải có ít nhất {value} ký tự",
            "must not be empty" if value == 1 else f"must have at least {value} characters",
        )
    if keyword == "maxLength":
        return f"không được dài quá {value} ký tự", f"must have at most {value} characters"
    if keyword == "pattern":
        return "không đúng định dạng", f"does not match the pattern {value}"
    if keyword == "format":
        return f"không đúng định dạng {value}", f"is not a valid {value}"
    if keyword == "minimum":
        return f"phải lớn hơn hoặc bằng {value}", f"must be at least {value}"
    if keyword == "maximum":
        return f"phải nhỏ hơn hoặc bằng {value}", f"must be at most {value}"
    if keyword == "exclusiveMinimum":
        return f"phải lớn hơn {value}", f"must be greater than {value}"
    if keyword == "exclusiveMaximum":
        return f"phải nhỏ hơn {value}", f"must be less than {value}"
    if keyword == "minItems":
        return f"phải chọn ít nhất {value} mục", f"must have at least {value} items"
    if keyword == "maxItems":
        return f"chỉ được chọn tối đa {value} mục", f"must have at most {value} items"
    if keyword == "uniqueItems":
        return "không được có mục trùng nhau", "must not contain duplicates"
    if keyword == "contains":
        return "thiếu mục bắt buộc trong danh sách", "is missing a required item"
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        instance = error.instance if isinstance(error.instance, dict) else {}
        extra = ", ".join(sorted(k for k in instance if k not in allowed))
        return f"có trường không được phép: {extra}", f"has fields that are not allowed: {extra}"
    return "không hợp lệ", error.message
