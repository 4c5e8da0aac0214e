"""Incidents: dossiers whose diagram failed, for administrators to list and retry."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.deps import current_actor, current_engine, get_session
from engine.errors import WorkflowFailedError
from engine.runtime.incidents import list_incidents, record_incident, retry_incident
from engine.runtime.migration import migrate_incident

blp = Blueprint("incidents", __name__, url_prefix="/api/v1/incidents", description="Sự cố hồ sơ / Incidents")


class IncidentSchema(Schema):
    dossier_id = fields.Integer()
    dossier_code = fields.String()
    procedure_version_id = fields.Integer()
    failed_at = fields.DateTime()
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    error = fields.Function(lambda i: i.payload.get("error"))
    message = fields.Function(lambda i: i.payload.get("message"))
    message_en = fields.Function(lambda i: i.payload.get("message_en"))
    expression = fields.Function(lambda i: i.payload.get("expression"))
    line = fields.Function(lambda i: i.payload.get("line"))
    retry = fields.Function(lambda i: (i.payload.get("retry") or {}).get("kind"))


@blp.route("")
class Incidents(MethodView):
    @blp.response(200, IncidentSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> Any:
        """Open incidents (dossiers in status failed), oldest first; administrators only"""
        return list_incidents(get_session(), current_actor())


class RetryResultSchema(Schema):
    """What a retry did to the dossier; its content stays with the officials the policy lets read it."""

    code = fields.String(required=True)
    status = fields.String(required=True)


@blp.route("/<string:ref>/retry")
class IncidentRetry(MethodView):
    @blp.response(200, RetryResultSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, ref: str) -> Any:
        """Re-run the failed command of a dossier (by its code) once its cause is fixed
        ---
        422 with a new incident when it fails again; 409 when the dossier has no open incident.
        """
        session = get_session()
        dossier = retry_incident(session, current_engine(), ref, actor=current_actor())
        answer = {"code": dossier.code, "status": str(dossier.status)}
        session.commit()
        return answer


class MigrateArgsSchema(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2_147_483_647),
                             metadata={"description": "the number of the procedure's version to move to"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "why, kept in the dossier's history"})


class MigrateResultSchema(RetryResultSchema):
    version = fields.Integer(required=True)


@blp.route("/<string:ref>/migrate")
class IncidentMigration(MethodView):
    @blp.arguments(MigrateArgsSchema)
    @blp.response(200, MigrateResultSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], ref: str) -> Any:
        """Move a dossier in incident (by its code) to another version of its procedure, to retry it there
        ---
        Its steps are matched by element id; 409 `migration_refused` names the steps the version
        lacks (`errors.element_ids`). The dossier stays an incident until it is retried.
        """
        session = get_session()
        dossier = migrate_incident(session, current_engine(), ref, version=args["version"], reason=args["reason"],
                                   actor=current_actor())
        answer = {"code": dossier.code, "status": str(dossier.status), "version": args["version"]}
        session.commit()
        return answer


def record_failed_command(error: WorkflowFailedError) -> None:
    """Called by the error handler: the failed command is rolled back and its dossier marked as
    an incident, committed in the same request, before the official gets the 422. A failed
    reception has already kept its dossier as an incident in the session: it is committed."""
    session = get_session()
    if error.incident is not None:
        session.commit()
    elif error.retry is not None and record_incident(session, current_engine(), error, current_actor()):
        session.commit()
