"""What the citizens' browser tests share: a phone's screen, and a dossier driven to its result."""

from __future__ import annotations

from sqlalchemy import select

from engine.persistence.models import Dossier, HumanTask, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.tasks import claim_task, complete_task

PHONE = {"width": 390, "height": 844}  # a common phone held upright
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# enterprise_registration's steps after reception: who does each, with what (tests/procedures)
ISSUE = [("chuyenvien", {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"}),
         ("lanhdao", {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"}),
         ("tiepnhan", {"delivery_channel": "counter", "recipient_name": "Nguyễn Văn An",
                       "delivered_on": "2026-12-01"})]


def secret_of(live_site, code: str) -> str:
    with live_site.session_factory() as session:
        return str(session.scalar(select(Dossier.lookup_secret).where(Dossier.code == code)))


def returned(live_site) -> str:
    """A dossier received, appraised, signed and returned through the engine; its code."""
    code = live_site.receive()
    for username, data in ISSUE:
        official = live_site.official(username)
        actor = Actor(official.id, official.full_name)
        with live_site.session_factory.begin() as session:
            task_id = session.scalar(select(HumanTask.id).join(Dossier, HumanTask.dossier_id == Dossier.id)
                                     .where(Dossier.code == code, HumanTask.status == TaskStatus.READY))
            claim_task(session, live_site.ctx, task_id, actor=actor)
        with live_site.session_factory.begin() as session:
            complete_task(session, live_site.ctx, task_id, actor=actor, data=data)
    return code
