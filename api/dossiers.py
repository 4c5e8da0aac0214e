"""Dossiers: receive (start), search, read, and read the history of every stage."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import ColumnElement

from api.access import seen_dossiers
from api.deps import current_actor, current_engine, current_official, get_session
from api.idempotency import HEADER_DOC as IDEMPOTENCY_HEADER
from api.idempotency import idempotent
from api.schemas import (
    DossierDetailSchema,
    DossierHistorySchema,
    DossierPageSchema,
    DossierSearchArgsSchema,
    ExtendArgsSchema,
    StartDossierArgsSchema,
    WithdrawArgsSchema,
)
from engine.persistence.models import Dossier, DossierStatus
from engine.reads.dossiers import (
    DossierPage,
    DossierSearch,
    DossierTimeliness,
    dossier_history,
    dossier_with_open_tasks,
    search_dossiers,
)
from engine.runtime.actions import extend_deadline, stop_dossier, withdraw_dossier
from engine.runtime.dossiers import start_dossier

blp = Blueprint("dossiers", __name__, url_prefix="/api/v1/dossiers", description="Hồ sơ / Dossiers")


def dossier_page(ref: str | int, scope: ColumnElement[bool] | None = None) -> Dossier:
    """The dossier with its data and open tasks, if the signed-in official may read it (else 404)."""
    return dossier_with_open_tasks(get_session(), current_official(), ref, today=current_engine().today(),
                                   scope=scope)


def _search(args: dict[str, Any]) -> DossierSearch:
    return DossierSearch(
        text=args.get("q"), procedure=args.get("procedure"),
        status=DossierStatus(args["status"]) if args.get("status") else None,
        timeliness=DossierTimeliness(args["timeliness"]) if args.get("timeliness") else None,
        received_from=args.get("received_from"), received_to=args.get("received_to"), center=args.get("center"))


@blp.route("")
class Dossiers(MethodView):
    @blp.arguments(DossierSearchArgsSchema, location="query")
    @blp.response(200, DossierPageSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> DossierPage:
        """Search the dossiers the official may read, newest received first, one page at a time
        ---
        ``q`` matches the dossier code or the applicant's name, with or without accents. Pass
        ``next_cursor`` back as ``cursor`` for the next page.
        """
        engine = current_engine()
        return search_dossiers(get_session(), current_official(), _search(args), now=engine.clock.now(),
                               today=engine.today(), calendar=engine.calendar, limit=args["limit"],
                               cursor=args.get("cursor"))

    @blp.arguments(StartDossierArgsSchema)
    @idempotent
    @blp.response(201, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}], parameters=[IDEMPOTENCY_HEADER])
    def post(self, args: dict[str, Any]) -> Any:
        """Receive a dossier (tiếp nhận hồ sơ) and start its procedure"""
        session = get_session()
        scope = seen_dossiers()
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
        return dossier_page(dossier.id, scope)


@blp.route("/<string:ref>")
class DossierDetail(MethodView):
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, ref: str) -> Any:
        """One dossier, by code or id, with its open tasks and current data"""
        return dossier_page(ref)


@blp.route("/<string:ref>/withdraw")
class DossierWithdrawal(MethodView):
    @blp.arguments(WithdrawArgsSchema)
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], ref: str) -> Any:
        """The citizen withdraws the dossier (rút hồ sơ); open steps are cancelled"""
        session = get_session()
        scope = seen_dossiers()
        dossier = withdraw_dossier(session, current_engine(), ref, actor=current_actor(), reason=args["reason"])
        session.commit()
        return dossier_page(dossier.id, scope)


@blp.route("/<string:ref>/stop")
class DossierStop(MethodView):
    @blp.arguments(WithdrawArgsSchema)
    @blp.response(200, DossierDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], ref: str) -> Any:
        """Stop processing the dossier (dừng giải quyết), with the reason for the notice"""
        session = get_session()
        scope = seen_dossiers()
        dossier = stop_dossier(session, current_engine(), ref, actor=current_actor(), reason=args["reason"])
        session.commit()
        return dossier_page(dossier.id, scope)


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
        scope = seen_dossiers()
        dossier = extend_deadline(session, current_engine(), ref, actor=current_actor(),
                                  new_due_at=args["new_due_at"], reason=args["reason"])
        session.commit()
        return dossier_page(dossier.id, scope)


@blp.route("/<string:ref>/history")
class DossierHistory(MethodView):
    @blp.response(200, DossierHistorySchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, ref: str) -> Any:
        """Every stage of a dossier: human steps with ready/claimed/completed times, and all events"""
        return dossier_history(get_session(), current_official(), ref, today=current_engine().today())
