"""A deployed version's diagram and files, for the studio's modeler and its comparison of versions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.errors import NotFoundError
from engine.persistence.models import Procedure, ProcedureVersion
from engine.studio.files import files_of_version


def _version(session: Session, key: str, number: int) -> ProcedureVersion:
    version = session.scalar(
        select(ProcedureVersion)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(Procedure.key == key, ProcedureVersion.version == number)
        .options(undefer(ProcedureVersion.bpmn_xml), undefer(ProcedureVersion.forms))
    )
    if version is None:
        raise NotFoundError(f"Thủ tục '{key}' không có phiên bản {number}",
                            message_en=f"Procedure '{key}' has no version {number}")
    return version


def version_diagram(session: Session, who: Someone, key: str, number: int, *, today: date) -> str:
    """The BPMN XML version ``number`` of procedure ``key`` was deployed with (for those the policy
    lets read versions, as the version list)."""
    authorize(session, who, Action.PROCEDURE_VERSION_READ, today=today)
    return _version(session, key, number).bpmn_xml


def version_files(session: Session, who: Someone, key: str, number: int, *, today: date) -> dict[str, str]:
    """The files of version ``number`` as the studio's draft has them (diagram, procedure.json, forms)."""
    authorize(session, who, Action.PROCEDURE_VERSION_READ, today=today)
    return files_of_version(key, _version(session, key, number))
