"""Verify dossiers' history chains: one dossier, a center's, or every one an auditor may read.

Each chain is re-computed from its stored events (``engine.audit.chain``), its end compared with
the head stored on the dossier, and the rows shown beside the history compared with the chained
events (``engine.audit.covered``). Dossiers are read in batches and their events streamed as plain
rows (Core, no ORM objects): this is the path ``bench.audit`` measures.

Access: ``audit.read`` (auditors and supervisors, their center and those below); the system (the
command line, the scheduler) reads everything.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize, dossier_not_found, dossier_scope, may
from engine.access.rules import Action
from engine.audit.admin_chain import walk_admin_chain
from engine.audit.anchors import ADMIN_CHAIN, AnchorFold, anchored_breaks, load_fold
from engine.audit.chain import Break, ChainWalk
from engine.audit.covered import ChainedEvent, check_dossier, check_tasks
from engine.errors import NotFoundError
from engine.history.recorder import HASHED_FIELDS, chain_hash
from engine.persistence.models import Center, Dossier, HistoryEvent, HumanTask, table_of
from engine.settings import EngineSettings

_EVENTS = table_of(HistoryEvent)
_DOSSIERS = table_of(Dossier)
_TASKS = table_of(HumanTask)
# The hashed columns first, in the recorder's order, then what the walk itself needs.
_EVENT_COLUMNS = [_EVENTS.c[name] for name in HASHED_FIELDS] + [_EVENTS.c.id, _EVENTS.c.prev_hash, _EVENTS.c.hash]
_HASHED = len(HASHED_FIELDS)
_DOSSIER_COLUMNS = (_DOSSIERS.c.id, _DOSSIERS.c.code, _DOSSIERS.c.event_count, _DOSSIERS.c.last_event_hash,
                    _DOSSIERS.c.status, _DOSSIERS.c.received_at, _DOSSIERS.c.due_at, _DOSSIERS.c.paused_at,
                    _DOSSIERS.c.paused_seconds, _DOSSIERS.c.completed_at, _DOSSIERS.c.timeliness,
                    _DOSSIERS.c.result_element_id, _DOSSIERS.c.extended_due_at)
_TASK_COLUMNS = (_TASKS.c.id, _TASKS.c.dossier_id, _TASKS.c.name, _TASKS.c.element_id, _TASKS.c.status,
                 _TASKS.c.assignee_id, _TASKS.c.ready_at, _TASKS.c.claimed_at, _TASKS.c.completed_at,
                 _TASKS.c.completed_by_id, _TASKS.c.submitted_data)
BATCH = 500  # dossiers per round trip: few enough for one IN list, many enough to stream


def dossier_digest(prev_hash: str | None, row: Sequence[Any]) -> str:
    """The hash an event row should have: the recorder's own function over the hashed columns."""
    return chain_hash(prev_hash, dict(zip(HASHED_FIELDS, row[:_HASHED], strict=True)))


@dataclass
class Verification:
    """The verdict: how much was checked, and the first break of each broken chain."""

    chains: int = 0
    events: int = 0
    seconds: float = 0.0
    breaks: list[Break] = field(default_factory=list)
    anchor: dict[str, Any] | None = None   # the anchor the chains were held to (engine.audit.anchors)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "chains": self.chains, "events": self.events, "seconds": round(self.seconds, 4),
                "breaks": [b.as_dict() for b in self.breaks], "anchor": self.anchor}

    def merge(self, other: Verification) -> None:
        self.chains += other.chains
        self.events += other.events
        self.breaks += other.breaks


def _chained(row: Sequence[Any]) -> ChainedEvent:
    # HASHED_FIELDS order: dossier_id, seq, at, event_type, actor_id, actor_name, element_id,
    # element_name, element_type, lane, task_id, payload.
    return ChainedEvent(row[1], row[3], row[2], row[4], row[10], row[11], row[6])


def _walk_one(dossier: Any, rows: Sequence[Sequence[Any]], tasks: Sequence[Any], check_rows: bool,
              fold: AnchorFold | None) -> Break | None:
    anchored = fold.heads.get(dossier.code) if fold is not None else None
    latest = fold.latest if fold is not None else None
    walk = ChainWalk(dossier.code, dossier_digest, anchored=anchored, anchor_seq=latest.seq if latest else None)
    for row in rows:
        walk.feed(row[_HASHED], row[1], row[3], row[_HASHED + 1], row[_HASHED + 2], row)
    broken = walk.finish(dossier.event_count or 0, dossier.last_event_hash)
    if broken is not None or not check_rows:
        return broken
    events = [_chained(row) for row in rows]
    return check_dossier(dossier.code, events, dossier._mapping) or check_tasks(
        dossier.code, events, (task._mapping for task in tasks))


def _grouped(rows: Iterable[Any], key: int) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def verify_batch(session: Session, dossiers: Sequence[Any], *, check_rows: bool = True,
                 fold: AnchorFold | None = None) -> Verification:
    """Verify the dossiers of one batch (rows of ``_DOSSIER_COLUMNS``): chains, heads, and rows."""
    result = Verification(chains=len(dossiers))
    ids = [d.id for d in dossiers]
    connection = session.connection()
    events = _grouped(connection.execute(
        select(*_EVENT_COLUMNS).where(_EVENTS.c.dossier_id.in_(ids)).order_by(_EVENTS.c.dossier_id, _EVENTS.c.seq)),
        0)
    tasks = _grouped(connection.execute(select(*_TASK_COLUMNS).where(_TASKS.c.dossier_id.in_(ids))), 1) \
        if check_rows else {}
    for dossier in dossiers:
        rows = events.get(dossier.id, [])
        result.events += len(rows)
        broken = _walk_one(dossier, rows, tasks.get(dossier.id, []), check_rows, fold)
        if broken is not None:
            result.breaks.append(broken)
    return result


def _batches(session: Session, where: ColumnElement[bool]) -> Iterator[Sequence[Any]]:
    """The selected dossiers' head rows, BATCH at a time, by id (keyset pages: no OFFSET)."""
    last = 0
    while True:
        query: Select[Any] = (select(*_DOSSIER_COLUMNS).where(where, _DOSSIERS.c.id > last)
                              .order_by(_DOSSIERS.c.id).limit(BATCH))
        batch = session.connection().execute(query).all()
        if not batch:
            return
        yield batch
        last = batch[-1].id


def verify_where(session: Session, where: ColumnElement[bool], *, check_rows: bool = True,
                 fold: AnchorFold | None = None) -> Verification:
    """Verify every dossier ``where`` selects (no access check: the caller has made it), held to the
    anchored heads of ``fold`` when given."""
    started = time.perf_counter()
    result = Verification(anchor=fold.summary() if fold is not None else None)
    for batch in _batches(session, where):
        result.merge(verify_batch(session, batch, check_rows=check_rows, fold=fold))
    result.seconds = time.perf_counter() - started
    return result


def _fold(session: Session, settings: EngineSettings) -> AnchorFold:
    return load_fold(session, settings)


def verify_dossier(session: Session, who: Someone, code: str, *, today: date,
                   settings: EngineSettings) -> Verification:
    """Verify one dossier by its code, if ``who`` may audit it (else "not found")."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise dossier_not_found(code)
    authorize(session, who, Action.AUDIT_READ, dossier, today=today, ref=code)
    return verify_where(session, _DOSSIERS.c.id == dossier.id, fold=_fold(session, settings))


def _missing(session: Session, fold: AnchorFold, prefix: str = "") -> list[Break]:
    """Anchored dossiers (whose code starts with ``prefix``) that no longer exist."""
    wanted = [name for name in fold.heads if name != ADMIN_CHAIN and name.startswith(prefix)]
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        found.update(session.scalars(select(Dossier.code).where(Dossier.code.in_(wanted[start:start + BATCH]))))
    latest = fold.latest
    return anchored_breaks({name: fold.heads[name] for name in wanted}, found, latest.seq if latest else None)


def _finish(result: Verification, session: Session, fold: AnchorFold, prefix: str) -> Verification:
    started = time.perf_counter()
    result.breaks += _missing(session, fold, prefix)
    if fold.first_problem is not None:
        result.breaks.insert(0, fold.first_problem)
    result.seconds += time.perf_counter() - started
    return result


def verify_center(session: Session, who: Someone, center_code: str, *, today: date,
                  settings: EngineSettings) -> Verification:
    """Verify every dossier received at a center (and that ``who`` may audit); anchored dossiers of
    the center that are gone are named too (codes begin with the center's agency identifier)."""
    authorize(session, who, Action.AUDIT_READ, today=today)
    center = session.scalar(select(Center).where(Center.code == center_code))
    if center is None:
        raise NotFoundError(f"Không có trung tâm '{center_code}'", message_en=f"No center '{center_code}'")
    scope = dossier_scope(session, who, today, Action.AUDIT_READ)
    fold = _fold(session, settings)
    result = verify_where(session, (Dossier.center_id == center.id) & scope, fold=fold)
    return _finish(result, session, fold, f"{center.agency_identifier}-")


def verify_all(session: Session, who: Someone, *, today: date, settings: EngineSettings) -> Verification:
    """Verify every dossier ``who`` may audit (the system: all of them), the administrative chain, the
    anchors themselves, and that no anchored dossier is gone."""
    authorize(session, who, Action.AUDIT_READ, today=today)
    scope = dossier_scope(session, who, today, Action.AUDIT_READ)
    fold = _fold(session, settings)
    result = verify_where(session, scope, fold=fold)
    if may(session, who, Action.AUDIT_ADMIN_READ, today=today):
        result.merge(verify_admin_chain(session, fold))
        _finish(result, session, fold, "")
    return result


def verify_admin_chain(session: Session, fold: AnchorFold | None = None) -> Verification:
    """Verify the administrative chain (no access check: the caller has made it)."""
    started = time.perf_counter()
    latest = fold.latest if fold is not None else None
    walk, count = walk_admin_chain(session, fold.heads.get(ADMIN_CHAIN) if fold is not None else None,
                                   latest.seq if latest else None)
    return Verification(chains=1 if count else 0, events=count, seconds=time.perf_counter() - started,
                        breaks=[walk.broken] if walk.broken else [])
