"""New procedures from a template, so an analyst starts from a folder that already validates.

A template is a procedure folder under ``engine/studio/templates/<name>/`` whose diagram says
``__KEY__`` and ``__NAME__`` where the new procedure's key and name go; its procedure.json is
written here, from the analyst's key and name. The result is the new procedure's first draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.errors import ConflictError, FieldProblem, FormInvalidError, NotFoundError
from engine.persistence.models import Procedure, ProcedureDraft
from engine.runtime.command import Actor
from engine.studio.drafts import DraftView, save_draft
from engine.studio.files import checked_key, json_text, main_diagram

NAME_MAX_LENGTH = 500


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    title_en: str
    description: str
    description_en: str
    lanes: dict[str, dict[str, str]]
    time_limit: dict[str, Any]


COMMUNE = Template(
    name="commune",
    title="Thủ tục cấp xã: tiếp nhận → thẩm định → phê duyệt → trả kết quả",
    title_en="Commune-level procedure: receive → appraise → approve → return",
    description="Bộ phận Một cửa của xã tiếp nhận, công chức chuyên môn thẩm định, lãnh đạo Ủy ban nhân dân xã ký "
                "kết quả hoặc văn bản từ chối, Bộ phận Một cửa trả; mỗi bước do đơn vị của xã, phường nơi "
                "tiếp nhận hồ sơ giải quyết; thời hạn 3 ngày làm việc.",
    description_en="The commune's one-stop desk receives, a commune officer appraises, the People's Committee's "
                   "leader signs the result or a refusal, the desk returns it; each step goes to the unit of the "
                   "commune or ward that received the dossier; 3 working days.",
    lanes={"reception": {"department": "{locality}.mot_cua", "role": "reception"},
           "officer": {"department": "{locality}.van_phong", "role": "specialist"},
           "leader": {"department": "{locality}", "role": "unit_leader"}},
    time_limit={"value": 3, "unit": "working_days"},
)
TEMPLATES = {template.name: template for template in (COMMUNE,)}


def procedure_templates() -> list[Template]:
    """The templates a new procedure may start from."""
    return list(TEMPLATES.values())


def template_files(template: Template, key: str, name: str, name_en: str | None = None) -> dict[str, str]:
    """The files of a new procedure ``key`` made from ``template``."""
    folder = resources.files("engine.studio").joinpath("templates", template.name)
    diagram = folder.joinpath("template.bpmn").read_text("utf-8")
    files = {main_diagram(key): diagram.replace("__KEY__", key).replace("__NAME__", escape(name, {'"': "&quot;"}))}
    for form in sorted(folder.joinpath("forms").iterdir(), key=lambda f: f.name):
        files[f"forms/{form.name}"] = form.read_text("utf-8")
    metadata = {"key": key, "national_code": None, "name": {"vi": name, **({"en": name_en} if name_en else {})},
                "lead_agency": "Ủy ban nhân dân cấp xã (xã, phường, đặc khu)", "time_limit": template.time_limit,
                "required_documents": [{"name": "Đơn (tờ khai) đề nghị", "copy_type": "ban_chinh", "quantity": 1}],
                "result_types": [name], "locality": "receiving_center", "lanes": template.lanes}
    files["procedure.json"] = json_text(metadata)
    return files


def create_from_template(session: Session, key: str, *, name: str, template: str = COMMUNE.name,
                         name_en: str | None = None, actor: Actor, clock: Clock) -> DraftView:
    """Start a new procedure ``key`` as a draft made from ``template``; a key already taken by a
    procedure or a draft is refused. Does not commit."""
    authorize(session, actor, Action.PROCEDURE_DRAFT_EDIT, today=clock.now().astimezone(UTC).date())
    checked_key(key)
    chosen = TEMPLATES.get(template)
    if chosen is None:
        raise NotFoundError(f"Không có mẫu thủ tục '{template}'", message_en=f"No procedure template '{template}'")
    title = (name or "").strip()
    if not title or len(title) > NAME_MAX_LENGTH:
        raise FormInvalidError([FieldProblem(
            "name", f"Cần tên thủ tục (tối đa {NAME_MAX_LENGTH} ký tự)",
            f"The procedure's name is required (at most {NAME_MAX_LENGTH} characters)")])
    taken = session.scalar(select(Procedure.id).where(Procedure.key == key)) is not None or \
        session.scalar(select(ProcedureDraft.id).where(ProcedureDraft.procedure_key == key)) is not None
    if taken:
        raise ConflictError(f"Mã thủ tục '{key}' đã có: hãy mở thủ tục đó hoặc chọn mã khác",
                            message_en=f"Procedure key '{key}' is taken: open that procedure or choose another key")
    return save_draft(session, key, template_files(chosen, key, title, (name_en or "").strip() or None),
                      base_tag=None, actor=actor, clock=clock)
