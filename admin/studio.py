"""The analysts' studio (thiết kế quy trình): the procedures with their versions and drafts, and the
modeler on a deployed version.

The pages hold no rules of their own: the list, the diagrams and the vocabulary are engine reads
behind the access policy; the modeler's scripts (admin/static/js/studio/) fetch the diagram from a
route of this blueprint, so they need the browser session, not an API token. The draft's own pages
are in admin/studio_drafts.py, the version changes in admin/studio_versions.py.
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
from admin.labels import role_label
from engine.errors import EngineError, NotFoundError, PermissionDeniedError
from engine.studio.catalogue import studio_procedures
from engine.studio.exchange import folder_zip, version_files
from engine.studio.files import main_diagram
from engine.studio.vocabulary import studio_vocabulary

bp = Blueprint("studio_pages", __name__, template_folder="templates")

VERSION_STATE_LABELS = {
    "deployed": _l("Đã triển khai, chưa áp dụng"),
    "active": _l("Đang áp dụng"),
    "retired": _l("Ngừng áp dụng"),
}
# The words analysts read for the values the engine declares (engine.deployment.vocabulary and
# procedure.schema.json); a value without words here is offered as it is written.
VALUE_LABELS = {
    "receive": _l("Tiếp nhận"), "appraise": _l("Thẩm định"), "consult": _l("Lấy ý kiến"),
    "approve": _l("Phê duyệt"), "pay": _l("Nộp phí, lệ phí"), "return": _l("Trả kết quả"),
    "supplement": _l("Chờ công dân bổ sung (đồng hồ dừng)"), "payment": _l("Chờ nộp phí (đồng hồ dừng)"),
    "issued": _l("Cấp kết quả"), "refused": _l("Từ chối"),
    "pool": _l("Hàng đợi chung của đơn vị"), "round_robin": _l("Lần lượt từng cán bộ"),
    "least_loaded": _l("Cán bộ đang ít việc nhất"), "fixed": _l("Một cán bộ cố định"),
    "working_days": _l("ngày làm việc"), "working_hours": _l("giờ làm việc"),
    "calendar_days": _l("ngày (kể cả ngày nghỉ)"),
    "receiving_center": _l("Xã, phường của nơi tiếp nhận"), "applicant": _l("Xã, phường nơi người nộp cư trú"),
}


def _choices(values: list[str]) -> list[dict[str, str]]:
    return [{"value": value, "label": f"{VALUE_LABELS[value]} ({value})" if value in VALUE_LABELS else value}
            for value in values]


def panel_vocabulary(vocabulary: dict[str, Any]) -> dict[str, Any]:
    """The engine's vocabulary as the properties panel offers it: each value with its words."""
    units = vocabulary.get("units") or []
    names = {unit["code"]: unit["name"] for unit in units}
    routing = vocabulary.get("locality_routing") or {}
    placeholder = routing.get("placeholder", "{locality}")
    first = (routing.get("localities") or [{}])[0].get("code")

    def located(department: str) -> str:
        example = names.get(department.replace(placeholder, first)) if first else None
        if department == placeholder:
            return gettext("UBND xã, phường của hồ sơ (%(code)s)", code=department)
        return gettext("%(name)s của xã, phường của hồ sơ (%(code)s)", name=example or department, code=department)

    return {
        "stages": _choices(vocabulary.get("stages") or []),
        "clocks": _choices(vocabulary.get("clock_effects") or []),
        "outcomes": _choices(vocabulary.get("outcomes") or []),
        "roles": [{"value": role, "label": f"{role_label(role)} ({role})"} for role in vocabulary.get("roles") or []],
        "policies": _choices(vocabulary.get("assignment_policies") or []),
        "time_units": _choices(vocabulary.get("time_limit_units") or []),
        "localities": _choices(routing.get("sources") or []),
        "units": [{"value": unit["code"], "label": f"{unit['name']} ({unit['code']})"} for unit in units],
        "locality_units": [{"value": d, "label": located(d)} for d in routing.get("departments") or []],
        "form_field_roles": vocabulary.get("form_field_roles") or [],
    }


def studio_texts() -> dict[str, Any]:
    """The modeler scripts' words, in the page's language."""
    return {
        "lang": current_language(),
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
        # the problems list
        "problemAt": gettext("Lỗi tại"),
        "problemCount": gettext("%(errors)s lỗi, %(warnings)s cảnh báo"),
        "noProblems": gettext("Không có lỗi: có thể xuất bản."),
        "line": gettext("dòng"),
        # saving
        "saving": gettext("Đang lưu…"),
        "saved": gettext("Đã lưu bản nháp (lần lưu thứ %(revision)s)."),
        "serverError": gettext("Máy chủ không trả lời được; thử lại sau."),
        "checkedValid": gettext("Bản nháp hợp lệ."),
        "checkedInvalid": gettext("Bản nháp còn lỗi, xem danh sách bên dưới."),
        "conflictYours": gettext("Bản của bạn: sửa từ bản nháp %(tag)s, đang mở trong trình vẽ."),
        "conflictTheirs": gettext("Bản trên máy chủ: %(who)s lưu lúc %(when)s (bản nháp %(tag)s)."),
        "tookTheirs": gettext("Đã mở bản trên máy chủ; thay đổi chưa lưu của bạn đã bỏ."),
        "reasonNeeded": gettext("Ghi lý do kích hoạt, hoặc bỏ chọn “Kích hoạt ngay”."),
        "toList": gettext("Về danh sách quy trình"),
        "running": gettext("Đang chạy hồ sơ thử…"),
        "imported": gettext("Đã mở %(file)s; lưu bản nháp để giữ."),
        # the form editor
        "kinds": {
            "text": gettext("Chữ (một dòng)"), "long_text": gettext("Đoạn văn"), "number": gettext("Số"),
            "integer": gettext("Số nguyên"), "date": gettext("Ngày"), "email": gettext("Thư điện tử"),
            "yes_no": gettext("Có / không"), "choice": gettext("Chọn một"),
            "documents": gettext("Danh mục giấy tờ (đánh dấu)"), "lines": gettext("Danh sách dòng chữ"),
            "kept": gettext("Giữ nguyên cấu trúc"),
        },
        "fieldLabel": gettext("Nhãn"),
        "fieldKind": gettext("Kiểu"),
        "fieldRole": gettext("Ý nghĩa với hệ thống"),
        "fieldName": gettext("Tên trường"),
        "required": gettext("Bắt buộc"),
        "choices": gettext("Các lựa chọn, mỗi dòng một: mã: nhãn"),
        "documents": gettext("Các giấy tờ, mỗi dòng một: mã: tên giấy tờ"),
        "choiceExample": gettext("Có"),
        "noRole": gettext("(không có)"),
        "removeField": gettext("Xóa trường"),
        "addField": gettext("Thêm trường"),
        "newFieldName": gettext("Tên trường mới"),
        "fieldNameHint": gettext("Chữ cái không dấu, số và _, bắt đầu bằng chữ cái, chưa có trong biểu mẫu"),
        "formTitle": gettext("Tiêu đề biểu mẫu"),
        "formDescription": gettext("Hướng dẫn"),
        "noForm": gettext("Chưa có biểu mẫu. Chọn một bước trên sơ đồ rồi bấm “Tạo biểu mẫu cho bước đang chọn”."),
        "selectStepFirst": gettext("Chọn một bước (công việc) trên sơ đồ trước."),
    }


def refused_page(error: EngineError) -> tuple[str, int]:
    """A 404 page for what does not exist, the refusal page for what the policy does not allow."""
    if isinstance(error, NotFoundError):
        return render_template("studio/not_found.html", message=engine_message(error)), 404
    return render_template("admin/refused.html", message=engine_message(error)), 403


@bp.get("/thiet-ke")
@login_required  # type: ignore[misc]
def procedures() -> str | tuple[str, int]:
    """Every procedure with each of its versions (state, who deployed and activated it, its
    dossiers) and its draft."""
    try:
        rows = studio_procedures(page_session(), signed_in_official(), clock=engine().clock)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    return render_template("studio/procedures.html", rows=rows, english=current_language() == "en",
                           state_labels=VERSION_STATE_LABELS)


@bp.get("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>")
@login_required  # type: ignore[misc]
def version_modeler(key: str, number: int) -> str | tuple[str, int]:
    """A deployed version in the modeler, to look at and try its paths (saving is the draft's)."""
    session, official, ctx = page_session(), signed_in_official(), engine()
    try:
        version_files(session, official, key, number, clock=ctx.clock)
        vocabulary = studio_vocabulary(session, official, clock=ctx.clock)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    data: dict[str, Any] = {
        "mode": "version", "texts": studio_texts(), "vocabulary": panel_vocabulary(vocabulary),
        "diagramUrl": url_for("studio_pages.version_bpmn", key=key, number=number),
    }
    return render_template("studio/modeler.html", key=key, number=number, studio_data=data)


@bp.get("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>/so-do.bpmn")
@login_required  # type: ignore[misc]
def version_bpmn(key: str, number: int) -> Response | tuple[str, int]:
    try:
        files = version_files(page_session(), signed_in_official(), key, number, clock=engine().clock)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    response = Response(files[main_diagram(key)], mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=300"  # a deployed version never changes
    return response


@bp.get("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>/thu-muc.zip")
@login_required  # type: ignore[misc]
def version_zip(key: str, number: int) -> Response | tuple[str, int]:
    """A deployed version as its procedure folder (diagram, procedure.json, forms/), zipped."""
    try:
        files = version_files(page_session(), signed_in_official(), key, number, clock=engine().clock)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    response = Response(folder_zip(key, files), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{key}-v{number}.zip"'
    return response
