"""Check submitted data against the form a step names, in the deployed version."""

from __future__ import annotations

from typing import Any

from engine.errors import FieldProblem, FormInvalidError
from engine.runtime.context import LoadedVersion
from forms.validate import validate_submission


def check_form_data(version: LoadedVersion, form_name: str | None, data: Any) -> None:
    """Raise FormInvalidError listing every invalid field; steps without a form take an object."""
    if not isinstance(data, dict):
        raise FormInvalidError([FieldProblem("", "Dữ liệu biểu mẫu phải là một đối tượng JSON",
                                             "Form data must be a JSON object")], form=form_name)
    if form_name is None:
        return
    validator = version.validator(form_name)
    if validator is None:
        return  # deploy refuses steps whose form is missing; nothing to check against here
    errors = validate_submission(validator, data)
    if errors:
        raise FormInvalidError([FieldProblem(e.field, e.message, e.message_en) for e in errors], form=form_name)
