"""Procedures: the catalog, their versions, and deployment of new versions."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.deps import current_actor, current_engine, current_official, get_session
from api.schemas import (
    DeployResultSchema,
    ProcedureSchema,
    VersionChangeArgsSchema,
    VersionChangeSchema,
    VersionEventSchema,
    VersionSummarySchema,
)
from engine.deployment.catalog import (
    CatalogEntry,
    VersionEventView,
    VersionSummary,
    catalog,
    catalog_entry,
    version_events,
    version_summaries,
)
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import VersionChange, activate_version, retire_version, rollback_procedure
from engine.deployment.package import package_from_upload
from engine.errors import DeploymentError, Problem

blp = Blueprint("procedures", __name__, url_prefix="/api/v1/procedures",
                description="Thủ tục hành chính / Administrative procedures")


def _commit_change(key: str, change: VersionChange) -> dict[str, Any]:
    """Commit the lifecycle command's transaction and say what it did."""
    get_session().commit()
    return {"procedure": key, "version": change.version, "changed": change.changed,
            "replaced_version": change.replaced.version if change.replaced else None}


@blp.route("")
class Procedures(MethodView):
    @blp.response(200, ProcedureSchema(many=True))
    def get(self) -> list[CatalogEntry]:
        """List deployed procedures, each with the version new dossiers use"""
        return catalog(get_session())

    @blp.response(201, DeployResultSchema)
    @blp.doc(
        security=[{"bearerAuth": []}],
        requestBody={
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "key": {"type": "string", "description": "procedure key (folder name)"},
                            "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                                      "description": "<key>.bpmn, procedure.json and forms/*.schema.json"},
                        },
                    }
                }
            }
        },
    )
    def post(self) -> tuple[dict[str, Any], int]:
        """Deploy a procedure from uploaded files (analysts); it is not active until activated
        ---
        The new version receives no dossiers until it is activated. The same content deployed again
        returns the existing version (200), whatever its state. Any problem gives 422 with every
        located problem; nothing is stored then.
        """
        uploads = request.files.getlist("files")
        key = (request.form.get("key") or "").strip()
        if not key:
            bpmn_names = [u.filename or "" for u in uploads if (u.filename or "").endswith(".bpmn")]
            key = bpmn_names[0].rsplit("/", 1)[-1][: -len(".bpmn")] if bpmn_names else ""
        if not uploads:
            raise DeploymentError([Problem(file="", rule="package", message="Chưa gửi tệp nào (trường files)",
                                           message_en="No files were sent (field 'files')")])
        package = package_from_upload(key, {u.filename or "": u.read() for u in uploads})
        session = get_session()
        result = deploy_procedure(session, package, clock=current_engine().clock, actor=current_actor())
        session.commit()
        body = {"procedure": key, "version": result.version, "created": result.created,
                "warnings": [w.as_dict() for w in result.warnings]}
        return body, 201 if result.created else 200


@blp.route("/<string:key>")
class ProcedureDetail(MethodView):
    @blp.response(200, ProcedureSchema)
    def get(self, key: str) -> CatalogEntry:
        """One procedure"""
        return catalog_entry(get_session(), key)


@blp.route("/<string:key>/versions")
class ProcedureVersions(MethodView):
    @blp.response(200, VersionSummarySchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, key: str) -> list[VersionSummary]:
        """Every deployed version: its state, who deployed and activated it, how many dossiers run on it
        ---
        Analysts, admins, auditors and supervisors (``procedure.version.read``).
        """
        return version_summaries(get_session(), current_official(), key, today=current_engine().today())


@blp.route("/<string:key>/version-events")
class ProcedureVersionEvents(MethodView):
    @blp.response(200, VersionEventSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, key: str) -> list[VersionEventView]:
        """The recorded life of the procedure's versions: deploy, activate, roll back, retire
        ---
        Analysts, admins, auditors and supervisors (``procedure.version.read``).
        """
        return version_events(get_session(), current_official(), key, today=current_engine().today())


@blp.route("/<string:key>/versions/<int(max=2147483647):number>/activate")
class ActivateVersion(MethodView):
    @blp.arguments(VersionChangeArgsSchema)
    @blp.response(200, VersionChangeSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], key: str, number: int) -> dict[str, Any]:
        """Make this version the one new dossiers use (analysts); the active one is retired
        ---
        Activating a version that was active before is recorded as a rollback. Running dossiers
        stay on the version they started on.
        """
        return _commit_change(key, activate_version(get_session(), key, number, actor=current_actor(),
                                                  reason=args["reason"], clock=current_engine().clock))


@blp.route("/<string:key>/versions/<int(max=2147483647):number>/retire")
class RetireVersion(MethodView):
    @blp.arguments(VersionChangeArgsSchema)
    @blp.response(200, VersionChangeSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], key: str, number: int) -> dict[str, Any]:
        """Stop this version receiving new dossiers (analysts); those running on it finish on it
        ---
        Retiring the active version leaves the procedure refusing new dossiers (409) until a version
        is activated.
        """
        return _commit_change(key, retire_version(get_session(), key, number, actor=current_actor(),
                                                reason=args["reason"], clock=current_engine().clock))


@blp.route("/<string:key>/rollback")
class RollbackProcedure(MethodView):
    @blp.arguments(VersionChangeArgsSchema)
    @blp.response(200, VersionChangeSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """Undo the latest activation (analysts): the version active before it is active again"""
        return _commit_change(key, rollback_procedure(get_session(), key, actor=current_actor(),
                                                    reason=args["reason"], clock=current_engine().clock))
