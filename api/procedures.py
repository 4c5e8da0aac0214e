"""Procedures: the catalog, their versions, and deployment of new versions."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.access import allow
from api.deps import current_engine, current_official, get_session
from api.schemas import DeployResultSchema, ProcedureSchema, ProcedureVersionSchema
from engine.access.rules import Action
from engine.deployment.deploy import deploy_procedure
from engine.deployment.package import package_from_upload
from engine.errors import DeploymentError, NotFoundError, Problem
from engine.persistence.models import Procedure

blp = Blueprint("procedures", __name__, url_prefix="/api/v1/procedures",
                description="Thủ tục hành chính / Administrative procedures")


def _procedure_view(procedure: Procedure) -> dict[str, Any]:
    latest = procedure.versions[-1] if procedure.versions else None
    return {
        "key": procedure.key,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "national_code": procedure.national_code,
        "latest_version": latest.version if latest else None,
        "time_limit": latest.metadata_.get("time_limit") if latest else None,
    }


def _get_procedure(key: str) -> Procedure:
    procedure = get_session().scalar(
        select(Procedure).where(Procedure.key == key).options(selectinload(Procedure.versions))
    )
    if procedure is None:
        raise NotFoundError(f"Không có thủ tục '{key}'", message_en=f"No procedure '{key}'")
    return procedure


@blp.route("")
class Procedures(MethodView):
    @blp.response(200, ProcedureSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """List deployed procedures"""
        procedures = get_session().scalars(
            select(Procedure).options(selectinload(Procedure.versions)).order_by(Procedure.key)
        )
        return [_procedure_view(p) for p in procedures]

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
        """Deploy a procedure from uploaded files
        ---
        The same content deployed again returns the existing version (200). Any problem gives 422
        with every located problem; nothing is stored then.
        """
        official = current_official()
        allow(Action.PROCEDURE_DEPLOY)
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
        result = deploy_procedure(session, package, clock=current_engine().clock, actor=official.username)
        session.commit()
        body = {"procedure": key, "version": result.version, "created": result.created,
                "warnings": [w.as_dict() for w in result.warnings]}
        return body, 201 if result.created else 200


@blp.route("/<string:key>")
class ProcedureDetail(MethodView):
    @blp.response(200, ProcedureSchema)
    def get(self, key: str) -> dict[str, Any]:
        """One procedure"""
        return _procedure_view(_get_procedure(key))


@blp.route("/<string:key>/versions")
class ProcedureVersions(MethodView):
    @blp.response(200, ProcedureVersionSchema(many=True))
    def get(self, key: str) -> Any:
        """Every deployed version of a procedure"""
        return _get_procedure(key).versions
