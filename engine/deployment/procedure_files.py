"""procedure.json and the forms of a package: parsed, checked, and every problem placed on its line.

A procedure.json that breaks its schema still yields what can be read of it, so the lane and form
checks of the diagram run in the same pass.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.deployment.json_text import decode_error, explain, line_of, pointer
from engine.deployment.package import ProcedurePackage
from engine.errors import Problem
from forms.roles import ROLE_KEY, ROLES, roles_of

FORM_SUFFIXES = (".schema.json", ".uischema.json")


@lru_cache(maxsize=1)
def procedure_schema() -> Draft202012Validator:
    text = resources.files("engine.deployment").joinpath("procedure.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


@lru_cache(maxsize=1)
def procedure_keys() -> frozenset[str]:
    return frozenset(procedure_schema().schema["properties"])


def metadata_text(package: ProcedurePackage) -> str:
    return package.files.get("procedure.json", b"").decode("utf-8", errors="replace")


def check_metadata(package: ProcedurePackage) -> tuple[dict[str, Any] | None, dict[str, Any], list[Problem]]:
    """The metadata when valid (else None), whatever of it could be read, and the problems."""
    if "procedure.json" not in package.files:
        return None, {}, [Problem(file="procedure.json", line=1, rule="procedure",
                                  message="Thiếu tệp procedure.json", message_en="procedure.json is missing")]
    try:
        metadata = json.loads(package.files["procedure.json"].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        vi, en, line = decode_error(exc)
        return None, {}, [Problem(file="procedure.json", line=line or 1, rule="procedure",
                                  message=f"procedure.json không phải JSON hợp lệ: {vi}",
                                  message_en=f"procedure.json is not valid JSON: {en}")]
    if not isinstance(metadata, dict):
        return None, {}, [Problem(file="procedure.json", line=1, rule="procedure",
                                  message="procedure.json phải là một đối tượng JSON",
                                  message_en="procedure.json must be a JSON object")]
    text = metadata_text(package)
    problems = []
    errors = sorted(procedure_schema().iter_errors(metadata), key=lambda e: [str(p) for p in e.absolute_path])
    for path, vi, en in (found for error in errors for found in explain(error)):
        where = pointer(path) or "/"
        problems.append(Problem(file="procedure.json", line=line_of(text, path) or 1,
                                element_id=where, rule="procedure",
                                message=f"procedure.json, trường {where}: {vi}",
                                message_en=f"procedure.json, field {where}: {en}"))
    if metadata.get("key") != package.key:
        problems.append(Problem(
            file="procedure.json", line=line_of(text, ["key"]) or 1, element_id="/key", rule="procedure",
            message=f"Trường key '{metadata.get('key')}' khác tên thư mục '{package.key}'",
            message_en=f"key '{metadata.get('key')}' differs from the folder name '{package.key}'"))
    return (metadata if not problems else None), metadata, problems


def check_forms(package: ProcedurePackage) -> tuple[dict[str, Any], set[str], list[Problem]]:
    """Readable forms by file name, the names of unreadable ones, and the problems."""
    forms: dict[str, Any] = {}
    broken: set[str] = set()
    problems: list[Problem] = []
    for path, raw in package.files.items():
        if not path.startswith("forms/"):
            continue
        name = path.split("/")[-1]
        if not name.endswith(FORM_SUFFIXES):
            problems.append(Problem(
                file=path, line=1, rule="form",
                message=f"Tệp biểu mẫu '{name}' phải có tên dạng <tên>.schema.json (hoặc .uischema.json)",
                message_en=f"Form file '{name}' must be named <name>.schema.json (or .uischema.json)"))
            broken.add(name)
            continue
        try:
            schema = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            vi, en, line = decode_error(exc)
            problems.append(Problem(file=path, line=line or 1, rule="form",
                                    message=f"Biểu mẫu không phải JSON hợp lệ: {vi}",
                                    message_en=f"The form is not valid JSON: {en}"))
            broken.add(name)
            continue
        if name.endswith(".schema.json"):
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:
                at, vi, en = explain(exc)[0]
                where = pointer(at) or "/"
                problems.append(Problem(
                    file=path, line=line_of(raw.decode("utf-8"), at) or 1, element_id=where,
                    rule="form",
                    message=f"Biểu mẫu không phải JSON Schema 2020-12 hợp lệ, tại {where}: {vi}",
                    message_en=f"The form is not a valid JSON Schema 2020-12, at {where}: {en}"))
                broken.add(name)
                continue
            problems += _role_problems(path, raw, schema)
        forms[name] = schema
    return forms, broken, problems


def _role_problems(path: str, raw: bytes, schema: Any) -> list[Problem]:
    """Each ``x-motcua-role`` a form declares is one of forms.roles.ROLES."""
    known = ", ".join(ROLES)
    return [
        Problem(file=path, line=line_of(raw.decode("utf-8"), ["properties", field, ROLE_KEY]) or 1,
                element_id=field, rule="form",
                message=f"Vai trò '{role}' của trường '{field}' không được khai báo; các vai trò: {known}",
                message_en=f"Role '{role}' of field '{field}' is not declared; the roles are: {known}")
        for field, role in roles_of(schema).items() if role not in ROLES
    ]
