"""A finished dossier with every kind of step (a supplementation round, a claim, completions), and a
second one still running, for the audit tests to verify and tamper with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import ColumnElement, insert, select, text, update

from engine.persistence.models import Dossier, table_of
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from tests.conftest import deploy, enterprise_start_data, open_tasks
from tests.procedures.test_enterprise_registration import APPRAISE_OK, APPRAISE_SUPPLEMENT, RETURN, SIGN, SUPPLEMENT

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FINISHED_PATH = [("appraise_dossier", APPRAISE_SUPPLEMENT), ("receive_supplement", SUPPLEMENT),
                 ("appraise_dossier", APPRAISE_OK), ("approve_dossier", SIGN), ("return_result", RETURN)]


@dataclass
class Dossiers:
    finished: str
    running: str
    ids: dict[str, int]


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=HANOI)


def _start(session_factory: Any, ctx: Any, center: Any, staff: Any) -> int:
    with session_factory.begin() as session:
        return start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                             center_code=center.code, data=enterprise_start_data()).id


def _work(session_factory: Any, ctx: Any, clock: Any, staff: Any, dossier_id: int,
          path: list[tuple[str, dict[str, Any]]]) -> None:
    for hour, (element, data) in enumerate(path, start=8):
        clock.set(local(1, hour))
        (task,) = open_tasks(session_factory, dossier_id)
        assert task.element_id == element
        actor = staff.for_task(task.id)
        if hour % 2:  # some steps claimed first, some completed straight from the queue
            with session_factory.begin() as session:
                claim_task(session, ctx, task.id, actor=actor)
        with session_factory.begin() as session:
            complete_task(session, ctx, task.id, actor=actor, data=data)


@pytest.fixture
def dossiers(session_factory, ctx, clock, center, staff) -> Dossiers:
    deploy(session_factory, ctx, "enterprise_registration")
    clock.set(local(1, 7))
    finished, running = _start(session_factory, ctx, center, staff), _start(session_factory, ctx, center, staff)
    _work(session_factory, ctx, clock, staff, finished, FINISHED_PATH)
    _work(session_factory, ctx, clock, staff, running, FINISHED_PATH[:2])
    with session_factory() as session:
        codes = {row.id: row.code for row in session.execute(select(Dossier.id, Dossier.code))}
    return Dossiers(codes[finished], codes[running], {codes[finished]: finished, codes[running]: running})


def sql(session_factory: Any, statement: str, **params: Any) -> None:
    """Change the database behind the engine's back, as an administrator with a SQL prompt would."""
    with session_factory.begin() as session:
        session.execute(text(statement), params)


def change(session_factory: Any, model: Any, where: ColumnElement[bool], **values: Any) -> None:
    """UPDATE rows of ``model``'s table directly (typed, so instants are stored as the engine stores them)."""
    with session_factory.begin() as session:
        session.execute(update(table_of(model)).where(where).values(**values))


def add(session_factory: Any, model: Any, **values: Any) -> None:
    """INSERT a row into ``model``'s table directly (typed, as ``change``)."""
    with session_factory.begin() as session:
        session.execute(insert(table_of(model)).values(**values))


@pytest.fixture
def signed(ctx: Any, tmp_path: Any) -> Any:
    """The engine context with a signing key of its own (as `motcua demo` makes one)."""
    from dataclasses import replace

    from engine.audit.keys import write_demo_key

    path = tmp_path / "anchor-key.pem"
    write_demo_key(path)
    ctx.settings = replace(ctx.settings, audit_signing_key=str(path))
    return ctx


def rechain(session_factory: Any, dossier_id: int, keep: int | None = None, **edits: Any) -> None:
    """Rewrite a dossier's chain as a database administrator who knows the hashing could: drop the
    events after ``keep``, edit events (``seq_N={field: value}``), recompute every hash forward and
    store the new head on the dossier, so that the chain on its own verifies."""
    from engine.history.recorder import chain_hash
    from engine.persistence.models import HistoryEvent

    with session_factory.begin() as session:
        events = list(session.scalars(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id)
                                      .order_by(HistoryEvent.seq)))
        if keep is not None:
            for event in events[keep:]:
                session.delete(event)
            events = events[:keep]
        head = None
        for event in events:
            for name, value in edits.get(f"seq_{event.seq}", {}).items():
                setattr(event, name, value)
            event.prev_hash = head
            event.hash = head = chain_hash(head, {name: getattr(event, name) for name in (
                "dossier_id", "seq", "at", "event_type", "actor_id", "actor_name", "element_id", "element_name",
                "element_type", "lane", "task_id", "payload")})
        session.flush()
        session.execute(update(table_of(Dossier)).where(table_of(Dossier).c.id == dossier_id)
                        .values(event_count=len(events), last_event_hash=head))
