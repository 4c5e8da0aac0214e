"""What the counter (quầy tiếp nhận) shows reception: the catalogue of procedures that receive
dossiers now, a procedure's start form and declared documents, the center it receives for, the
reception work of that center, and a dossier's slips to print.

The catalogue is filtered in Python: a province has tens of procedures, not thousands, and the
accent-insensitive comparison (``engine.org.text.fold``) is then the same on every database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.access.policy import authorize, task_scope
from engine.access.rules import Action
from engine.calendar.working_calendar import WorkingCalendar
from engine.deployment.catalog import CatalogEntry, catalog
from engine.deployment.lifecycle import active_version_id
from engine.errors import NotFoundError
from engine.org.text import fold
from engine.persistence.models import (
    OPEN_TASK_STATUSES,
    Center,
    Dossier,
    DossierStatus,
    HumanTask,
    Official,
)
from engine.reads.dossiers import find_dossier
from engine.reads.task_forms import procedure_names
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_form_name
from engine.slips import SLIP_KINDS
from engine.slips.data import SlipData, slip_data

MAX_COUNTER_TASKS = 200  # a center's reception work in one day fits; the inbox pages the rest


@dataclass(frozen=True)
class StartForm:
    key: str
    name: str
    name_en: str | None
    schema: dict[str, Any] | None
    required_documents: tuple[dict[str, Any], ...]
    time_limit: dict[str, Any] | None


def receiving_procedures(session: Session, text: str = "") -> list[CatalogEntry]:
    """The procedures with an active version, by name; ``text`` keeps those whose name, English name,
    key or national code contain each of its words, accents and case ignored."""
    words = fold(text).split()
    entries = [entry for entry in catalog(session) if entry.active_version is not None]
    if words:
        entries = [entry for entry in entries if all(word in _searchable(entry) for word in words)]
    return sorted(entries, key=lambda entry: fold(entry.name))


def _searchable(entry: CatalogEntry) -> str:
    return " ".join(fold(value) for value in (entry.name, entry.name_en, entry.key, entry.national_code))


def start_form(session: Session, ctx: EngineContext, procedure_key: str) -> StartForm:
    """The form reception fills for a new dossier of the procedure (its active version's)."""
    version = ctx.version(session, active_version_id(session, procedure_key))
    form_name = start_form_name(version)
    metadata = version.metadata
    name, name_en = procedure_names(version)
    return StartForm(
        key=procedure_key,
        name=name,
        name_en=name_en,
        schema=version.forms.get(form_name) if form_name else None,
        required_documents=tuple(d for d in metadata.get("required_documents") or () if isinstance(d, dict)),
        time_limit=metadata.get("time_limit"),
    )


def receiving_center(session: Session, ctx: EngineContext, official: Official) -> Center:
    """The center the official receives dossiers for, their own, if the access policy lets them
    (``dossier.start``); PermissionDeniedError naming the rule otherwise."""
    center = session.get(Center, official.center_id) if official.center_id is not None else None
    authorize(session, official, Action.DOSSIER_START, center, today=ctx.today())
    if center is None:  # the policy refuses a start without a center first; this keeps mypy sure
        raise NotFoundError("Cán bộ chưa thuộc trung tâm nào", message_en="The official belongs to no center")
    return center


def counter_tasks(session: Session, ctx: EngineContext, official: Official) -> Sequence[HumanTask]:
    """The open steps the official may read (reception: its unit's at its center), soonest due first."""
    return session.scalars(
        select(HumanTask).options(joinedload(HumanTask.dossier), joinedload(HumanTask.assignee))
        .where(HumanTask.status.in_(OPEN_TASK_STATUSES),
               task_scope(session, official, ctx.today()))
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.ready_at)
        .limit(MAX_COUNTER_TASKS)
    ).unique().all()


def printable_kinds(dossier: Dossier) -> tuple[str, ...]:
    """The slips that apply to the dossier now (engine.slips.SLIP_KINDS, in their order)."""
    applies = {
        "receipt": True,
        "supplement_request": dossier.supplement_requests > 0,
        "refusal": dossier.status == DossierStatus.REFUSED,
        "apology": dossier.extended,
        "control": True,
    }
    return tuple(kind for kind in SLIP_KINDS if applies[kind])


def readable_dossier(session: Session, ctx: EngineContext, official: Official, code: str) -> Dossier:
    """The dossier by code if the official may read it, else NotFoundError (as a missing one)."""
    return find_dossier(session, official, code, today=ctx.today())


def dossier_slip(session: Session, ctx: EngineContext, official: Official, code: str, kind: str, *,
                 base_url: str, number: int | None = None, calendar: WorkingCalendar | None = None) -> SlipData:
    """A slip's data for a dossier the official may read (the same data the API's slips print)."""
    readable_dossier(session, ctx, official, code)
    return slip_data(session, kind, code, calendar=calendar or ctx.calendar, base_url=base_url, number=number)
