"""The locality a dossier is handled in, chosen once at reception, and the unit it gives a step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import FieldProblem, FormInvalidError, WorkflowFailedError
from engine.org.localities import APPLICANT, FIELD_ROLE, LOCALITY_KIND, is_located, locality_source, unit_of
from engine.persistence.models import Center, Dossier, Unit
from engine.runtime.context import LoadedVersion
from forms.roles import fields_with_role


def dossier_locality(session: Session, version: LoadedVersion, start_form: str | None, center: Center,
                     data: dict[str, Any]) -> str | None:
    """The commune or ward whose units do the dossier's located steps (None when it has none).

    Refused here, at reception, rather than when the first located step starts: a dossier nobody
    can be given to must not be received.
    """
    source = locality_source(version.metadata)
    if source is None:
        return None
    if source == APPLICANT:
        return _applicant_locality(session, version, start_form, data)
    if center.locality is None:
        raise FormInvalidError([FieldProblem(
            "center", f"Thủ tục này giải quyết tại xã, phường: trung tâm '{center.code}' không thuộc xã, phường nào",
            f"This procedure is handled by a commune or ward: center '{center.code}' belongs to none")])
    return center.locality


def _applicant_locality(session: Session, version: LoadedVersion, start_form: str | None,
                        data: dict[str, Any]) -> str:
    schema = version.forms.get(start_form) if start_form else None
    fields = fields_with_role([schema] if schema is not None else [], FIELD_ROLE)
    field = fields[0] if fields else FIELD_ROLE  # deployment refuses a version without one
    value = data.get(field)
    known = isinstance(value, str) and session.scalar(
        select(Unit.id).where(Unit.code == value, Unit.kind == LOCALITY_KIND)) is not None
    if not known:
        raise FormInvalidError([FieldProblem(
            field, f"Trường “{field}”: '{value}' không phải mã một xã, phường của tỉnh",
            f"Field “{field}”: '{value}' is not the code of a commune or ward of the province")])
    return str(value)


def step_department(department: str | None, dossier: Dossier, element_id: str) -> str | None:
    """The unit a lane's binding gives a step of ``dossier``: its own locality's for a located lane."""
    if not is_located(department):
        return department
    assert department is not None
    if dossier.locality is None:
        # Only a dossier received before its version routed by locality could get here.
        raise WorkflowFailedError(
            f"Bước {element_id} giao theo địa bàn nhưng hồ sơ không thuộc xã, phường nào",
            element_id=element_id, detail="the dossier has no locality",
            message_en=f"Step {element_id} is routed by locality but the dossier belongs to no commune or ward")
    return unit_of(department, dossier.locality)
