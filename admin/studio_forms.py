"""The form editor's preview: a step's JSON Schema drawn by the officials' own form renderer.

The studio's form editor (admin/static/js/studio/forms.js) posts the schema as the analyst has it
now; this answers with the HTML the task page would show for it (the same field macros of
admin/templates/forms/fields.html over admin.schema_form's fields, the decision as buttons), so
the preview cannot drift from what officials see. Nothing is stored.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_login import login_required

from admin.schema_form import fields_of
from engine.reads.task_forms import choices

bp = Blueprint("studio_forms", __name__, template_folder="templates")


@bp.post("/thiet-ke/xem-truoc-bieu-mau")
@login_required  # type: ignore[misc]
def preview() -> tuple[dict[str, Any], int]:
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None
    decision_field = body.get("decision_field") if isinstance(body, dict) else None
    if not isinstance(schema, dict) or not isinstance(schema.get("properties", {}), dict):
        return {"message": gettext("Biểu mẫu phải là một JSON Schema kiểu object có properties"), "html": ""}, 422
    if not isinstance(decision_field, str) or decision_field not in schema.get("properties", {}):
        decision_field = ""
    try:
        fields = fields_of(schema, skip=frozenset({decision_field}) if decision_field else frozenset())
    except (AttributeError, TypeError, KeyError, ValueError):  # a sub-schema of a shape no form has
        return {"message": gettext("Không vẽ được biểu mẫu: một trường có cấu trúc không hợp lệ"), "html": ""}, 422
    decision = schema["properties"][decision_field] if decision_field else None
    html = render_template("studio/form_preview.html", schema=schema, fields=fields, decision=decision,
                           decisions=choices(decision) if decision else ())
    return {"html": html}, 200
