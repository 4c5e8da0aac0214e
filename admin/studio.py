"""The analysts' studio (thiết kế quy trình): the procedures with their versions, and the modeler.

The pages hold no rules of their own: the list and the diagrams are engine reads behind the
access policy (``procedure.version.read``); the modeler's scripts (admin/static/js/studio/) fetch
the diagram from a route of this blueprint, so they need the browser session, not an API token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from admin.context import engine, page_session, signed_in_official
from admin.i18n import current_language, engine_message
from engine.deployment.catalog import catalog, version_summaries
from engine.deployment.vocabulary import PROPERTIES
from engine.errors import EngineError, NotFoundError, PermissionDeniedError
from engine.reads.version_diagram import version_diagram

bp = Blueprint("studio_pages", __name__, template_folder="templates")

VERSION_STATE_LABELS = {
    "deployed": _l("Đã triển khai, chưa áp dụng"),
    "active": _l("Đang áp dụng"),
    "retired": _l("Ngừng áp dụng"),
}


def studio_texts() -> dict[str, str]:
    """The modeler scripts' words, in the page's language."""
    return {
        "failed": gettext("Không mở được sơ đồ."),
        "none": gettext("(chưa chọn)"),
        "groupLabel": gettext("Thuộc tính Motcua"),
        "form": gettext("Biểu mẫu"),
        "stage": gettext("Giai đoạn"),
        "allottedTime": gettext("Thời gian được giao (P2D, PT4H…)"),
        "durationHint": gettext("Ghi P<n>D (ngày làm việc), PT<n>H (giờ) hoặc PT<n>M (phút), ví dụ P2D"),
        "clock": gettext("Ảnh hưởng đến thời hạn"),
        "decisionField": gettext("Trường quyết định"),
        "statusText": gettext("Trạng thái công dân thấy"),
        "outcome": gettext("Kết quả của hồ sơ"),
        "routing": gettext("Định tuyến theo địa bàn"),
        "routingFixed": gettext("Một đơn vị cố định"),
        "routingLocality": gettext("Đơn vị của xã, phường của hồ sơ"),
        "unit": gettext("Đơn vị"),
        "role": gettext("Vai trò"),
        "policy": gettext("Cách giao việc"),
        "timeLimitValue": gettext("Thời hạn giải quyết"),
        "timeLimitUnit": gettext("Đơn vị thời hạn"),
        "locality": gettext("Địa bàn của hồ sơ"),
    }


def closed_vocabulary() -> dict[str, list[dict[str, str]]]:
    """The values the engine declares for the step properties (engine.deployment.vocabulary)."""
    return {
        "stages": [{"value": v, "label": v} for v in PROPERTIES["stage"].values],
        "clocks": [{"value": v, "label": v} for v in PROPERTIES["clock"].values],
        "outcomes": [{"value": v, "label": v} for v in PROPERTIES["outcome"].values],
    }


def _refused(error: EngineError) -> tuple[str, int]:
    """A 404 page for what does not exist, the refusal page for what the policy does not allow."""
    if isinstance(error, NotFoundError):
        return render_template("studio/not_found.html", message=engine_message(error)), 404
    return render_template("admin/refused.html", message=engine_message(error)), 403


@bp.get("/thiet-ke")
@login_required  # type: ignore[misc]
def procedures() -> str | tuple[str, int]:
    """Every procedure with each of its versions: state, who deployed and activated it, its dossiers."""
    session, official, today = page_session(), signed_in_official(), engine().today()
    english = current_language() == "en"
    try:
        rows = [(entry, version_summaries(session, official, entry.key, today=today)) for entry in catalog(session)]
    except (NotFoundError, PermissionDeniedError) as error:
        return _refused(error)
    return render_template("studio/procedures.html", rows=rows, english=english, state_labels=VERSION_STATE_LABELS)


@bp.get("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>")
@login_required  # type: ignore[misc]
def version_modeler(key: str, number: int) -> str | tuple[str, int]:
    """A deployed version in the modeler (to look at, or to start a draft from)."""
    try:
        version_diagram(page_session(), signed_in_official(), key, number, today=engine().today())
    except (NotFoundError, PermissionDeniedError) as error:
        return _refused(error)
    data: dict[str, Any] = {
        "mode": "version", "texts": studio_texts(), "vocabulary": closed_vocabulary(),
        "diagramUrl": url_for("studio_pages.version_bpmn", key=key, number=number),
    }
    return render_template("studio/modeler.html", key=key, number=number, studio_data=data,
                           diagram_url=data["diagramUrl"])


@bp.get("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>/so-do.bpmn")
@login_required  # type: ignore[misc]
def version_bpmn(key: str, number: int) -> Response | tuple[str, int]:
    try:
        xml = version_diagram(page_session(), signed_in_official(), key, number, today=engine().today())
    except (NotFoundError, PermissionDeniedError) as error:
        return _refused(error)
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=300"  # a deployed version never changes
    return response
