"""A deployed version's diagram, for the studio's modeler and its diff of two versions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.errors import NotFoundError
from engine.persistence.models import Procedure, ProcedureVersion


def version_diagram(session: Session, who: Someone, key: str, number: int, *, today: date) -> str:
    """The BPMN XML version ``number`` of procedure ``key`` was deployed with (for those the policy
    lets read versions, as the version list)."""
    authorize(session, who, Action.PROCEDURE_VERSION_READ, today=today)
    xml = session.scalar(
        select(ProcedureVersion.bpmn_xml)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(Procedure.key == key, ProcedureVersion.version == number)
    )
    if xml is None:
        raise NotFoundError(f"Thủ tục '{key}' không có phiên bản {number}",
                            message_en=f"Procedure '{key}' has no version {number}")
    return xml
