"""Dossiers: receive (start), read, and read the history of every stage."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload, undefer

from api.access import seen_dossiers
from api.deps import current_actor, current_engine, get_session
from api.idempotency import HEADER_DOC as IDEMPOTENCY_HEADER
from api.idempotency import idempotent
from api.schemas import (
    DossierDetailSchema,
    DossierHistorySchema,
    ExtendArgsSchema,
    StartDossierArgsSchema,
    WithdrawArgsSchema,
)
from engine.access.policy import dossier_not_found
from engine.persistence.models import Dossier, HistoryEvent, HumanTask, Official, ProcedureVersion, TaskStatus
from engine.runtime.actions import extend_deadline, stop_dossier, withdraw_dossier
from engine.runtime.dossiers import start_dossier

blp = Blueprint("dossiers", __name__, url_prefix="/api/v1/dossiers", description="Hồ sơ / Dossiers")


def find_dossier(ref: str | int, *, with_data: bool = False, scope: ColumnElement[bool] | None = None) -> Dossier:
    """A dossier by its code (mã hồ sơ) from a URL, or by id from code (URLs never carry sequential
    ids), among those the official may read (else 404)."""
    query = select(Dossier).options(
        joinedload(Dossier.procedure_version).joinedload(ProcedureVersion.procedure), joinedload(Dossier.center)
    )
    if with_data:
        query = query.options(undefer(Dossier.data))
    condition = Dossier.id == ref if isinstance(ref, int) else Dossier.code == ref
    dossier = get_session().scalar(query.where(condition, seen_dossiers() if scope is None else scope))
    if dossier is None:
        raise dossier_not_found(ref)
    return dossier


def dossier_view(dossier: Dossier) -> Dossier:
    open_tasks = get_session().scalars(
        select(HumanTask)
        .where(HumanTask.dossier_id == dossier.id, HumanTask.status.in_([TaskStatus.READY, TaskStatus.CLAIMED]))
        .order_by(HumanTask.ready_at)
    ).all()
    dossier.open_tasks = open_tasks  # type: ignore[attr-defined]
    return dossier


@blp.route("")
class Dossiers(MethodView):
    @blp.arguments(StartDossierArgsSchema)
    @idempotent
    @blp.response(201, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}], parameters=[IDEMPOTENCY_HEADER])
    def post(self, args: dict[str, Any]) -> Any:
        """Receive a dossier (tiếp nhận hồ sơ) and start its procedure"""
        session = get_session()
        scope = seen_dossiers()  # before the command: after the commit, one short read (on SQLite, a write lock)
        dossier = start_dossier(
            session,
            current_engine(),
            args["procedure"],
            actor=current_actor(),
            center_code=args["center"],
            channel=args["channel"],
            data=args["data"],
            applicant=args.get("applicant"),
        )
        return dossier_view(find_dossier(dossier.id, with_data=True, scope=scope))


@blp.route("/<string:ref>")
class DossierDetail(MethodView):
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, ref: str) -> Any:
        """One dossier, by code or id, with its open tasks and current data"""
        return dossier_view(find_dossier(ref, with_data=True))


@blp.route("/<string:ref>/withdraw")
class DossierWithdrawal(MethodView):
    @blp.arguments(WithdrawArgsSchema)
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], ref: str) -> Any:
        """The citizen withdraws the dossier (rút hồ sơ); open steps are cancelled"""
        session = get_session()
        scope = seen_dossiers()  # before the command: after the commit, one short read (on SQLite, a write lock)
        dossier = withdraw_dossier(session, current_engine(), ref, actor=current_actor(), reason=args["reason"])
        session.commit()
        return dossier_view(find_dossier(dossier.id, with_data=True, scope=scope))


@blp.route("/<string:ref>/stop")
class DossierStop(MethodView):
    @blp.arguments(WithdrawArgsSchema)
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], ref: str) -> Any:
        """Stop processing the dossier (dừng giải quyết), with the reason for the notice"""
        session = get_session()
        scope = seen_dossiers()  # before the command: after the commit, one short read (on SQLite, a write lock)
        dossier = stop_dossier(session, current_engine(), ref, actor=current_actor(), reason=args["reason"])
        session.commit()
        return dossier_view(find_dossier(dossier.id, with_data=True, scope=scope))


@blp.route("/<string:ref>/extend")
class DossierExtension(MethodView):
    @blp.arguments(ExtendArgsSchema)
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], ref: str) -> Any:
        """Give the one new appointment the law allows, with the apology's reason
        ---
        409 when the dossier was already extended or its deadline has passed.
        """
        session = get_session()
        scope = seen_dossiers()  # before the command: after the commit, one short read (on SQLite, a write lock)
        dossier = extend_deadline(session, current_engine(), ref, actor=current_actor(),
                                  new_due_at=args["new_due_at"], reason=args["reason"])
        session.commit()
        return dossier_view(find_dossier(dossier.id, with_data=True, scope=scope))


def _person(official: Official | None) -> str | None:
    return official.full_name if official is not None else None


@blp.route("/<string:ref>/history")
class DossierHistory(MethodView):
    @blp.response(200, DossierHistorySchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, ref: str) -> dict[str, Any]:
        """Every stage of a dossier: human steps with ready/claimed/completed times, and all events"""
        dossier = find_dossier(ref)
        session = get_session()
        tasks = session.scalars(
            select(HumanTask)
            .options(joinedload(HumanTask.completed_by), joinedload(HumanTask.assignee))
            .where(HumanTask.dossier_id == dossier.id)
            .order_by(HumanTask.ready_at)
        ).all()
        events = session.scalars(
            select(HistoryEvent).where(HistoryEvent.dossier_id == dossier.id).order_by(HistoryEvent.seq)
        ).all()
        steps = [
            {
                "task_id": t.id, "element_id": t.element_id, "name": t.name, "lane": t.lane, "status": t.status,
                "ready_at": t.ready_at, "claimed_at": t.claimed_at, "completed_at": t.completed_at,
                "actor": _person(t.completed_by or t.assignee),
                "due_at": t.due_at,
            }
            for t in tasks
        ]
        return {"dossier": dossier.code, "steps": steps, "events": events}
