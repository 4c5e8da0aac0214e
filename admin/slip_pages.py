"""The slips of a dossier (phiếu tiếp nhận, yêu cầu bổ sung, từ chối, xin lỗi, kiểm soát) printed from
the officials' pages, authorised by the browser session; the same engine functions as the API's
slips (engine.slips), which need a bearer token instead."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import login_required

from admin.context import engine, page_session, signed_in_official
from engine.errors import NotFoundError
from engine.reads.counter import dossier_slip
from engine.slips import SLIP_KINDS
from engine.slips.layout import compose
from engine.slips.printed import FORMATS, options_from, printed

bp = Blueprint("slip_pages", __name__)

# The slips' names as the one-stop forms call them (Circular 01/2018/TT-VPCP).
SLIP_LABELS: dict[str, LazyString] = {
    "receipt": _l("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "supplement_request": _l("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refusal": _l("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
    "apology": _l("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "control": _l("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
}


@bp.app_template_global()
def slip_label(kind: str) -> str:
    return str(SLIP_LABELS.get(kind, kind))


@bp.get(f"/ho-so/<code>/phieu/<any({', '.join(SLIP_KINDS)}):kind>.<any({', '.join(FORMATS)}):fmt>")
@login_required
def slip(code: str, kind: str, fmt: str) -> Response:
    number = request.args.get("lan", type=int)
    paper = "A5" if request.args.get("kho") == "A5" else "A4"
    base_url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")  # never the request's Host header
    try:
        data = dossier_slip(page_session(), engine(), signed_in_official(), code, kind, base_url=base_url,
                            number=number)
    except NotFoundError:
        abort(404)  # outside the official's scope, or a slip that does not apply to the dossier
    document = printed(compose(data, options_from(current_app.config, paper)), fmt, data.dossier.code)
    response = Response(document.body, mimetype=document.mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data of the applicant
    return response
