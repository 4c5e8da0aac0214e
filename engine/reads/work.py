"""The officials' inbox as its page shows it: one view's page of tasks grouped by dossier, each with
its traffic light, the counts of every view, and the choices the filters offer.

The lists come from ``engine.org.inbox`` (which applies the access policy); the traffic light is the
dossier search's rule (``timeliness_at``) judged on the task's own due time, with the same due-soon edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.scopes import official_centers
from engine.calendar.deadlines import due_soon_edge
from engine.org.inbox import group_by_dossier, inbox_counts, inbox_filters, inbox_page
from engine.persistence.models import Center, Dossier, HumanTask, Official, Procedure
from engine.reads.dossiers import DossierTimeliness, timeliness_at
from engine.runtime.context import EngineContext


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    timeliness: DossierTimeliness


@dataclass(frozen=True)
class InboxGroup:
    dossier_code: str
    applicant_name: str
    rows: list[InboxRow]


@dataclass(frozen=True)
class InboxScreen:
    view: str
    groups: list[InboxGroup]
    counts: dict[str, int]
    next_cursor: str | None

    @property
    def tasks(self) -> list[HumanTask]:
        return [row.task for group in self.groups for row in group.rows]


def inbox_screen(session: Session, ctx: EngineContext, official: Official, view: str, filters: dict[str, Any], *,
                 cursor: str | None = None, limit: int = 50) -> InboxScreen:
    """One page of ``view`` under ``filters`` (the keyword arguments of ``inbox_filters``), grouped by
    dossier in the order of each dossier's most urgent task, and the counts of all views."""
    now, day = ctx.clock.now(), ctx.today()
    chosen = inbox_filters(session, **filters)
    page = inbox_page(session, official, view, chosen, now=now, day=day, limit=limit, cursor=cursor)
    load_dossiers(session, page.tasks)
    soon = due_soon_edge(ctx.calendar, now)
    groups = [
        InboxGroup(group["dossier_code"] or "", group["tasks"][0].dossier.applicant_name,
                   [InboxRow(task, timeliness_at(task.due_at, task.dossier.paused_at is not None, now=now, soon=soon))
                    for task in group["tasks"]])
        for group in group_by_dossier(page.tasks)
    ]
    counts = inbox_counts(session, official, chosen, now=now, day=day)
    return InboxScreen(view, groups, counts, page.next_cursor)


def load_dossiers(session: Session, tasks: list[HumanTask]) -> None:
    """The dossiers of a page in one query (each group shows its applicant and whether it is paused),
    instead of one per group: ``task.dossier`` then comes from the session."""
    ids = sorted({task.dossier_id for task in tasks})
    if ids:
        session.scalars(select(Dossier).where(Dossier.id.in_(ids))).all()


def procedure_choices(session: Session, *, english: bool = False) -> list[tuple[str, str]]:
    """Every procedure's key and name (English where it has one, if asked), by Vietnamese name, for
    the filters of the inbox and the search."""
    rows = session.execute(select(Procedure.key, Procedure.name, Procedure.name_en).order_by(Procedure.name))
    return [(row.key, (english and row.name_en) or row.name) for row in rows]


def center_choices(session: Session, ctx: EngineContext, official: Official) -> list[tuple[str, str]]:
    """The centers whose work ``official`` serves (their own and those below it), by name."""
    centers = official_centers(session, official, ctx.today())
    if not centers:
        return []
    return [(row.code, row.name) for row in session.execute(
        select(Center.code, Center.name).where(Center.id.in_(sorted(centers))).order_by(Center.name))]
