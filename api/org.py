"""The organisation: units, officials, leave, deputies; import and export of the whole of it.

Who may do what is the access policy's (engine.access.rules): reading units and the officials list
needs only a sign-in; changing people needs the ``admin`` role, except leave (also a unit leader of
the official's unit or of a unit above it) and deputies (also the official themselves). Export is
for admins, auditors and supervisors.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from api.access import allow
from api.deps import current_engine, current_official, get_session
from api.schemas import MAX_PAGE, day_field
from engine.access.rules import Action
from engine.org import exchange, people

blp = Blueprint("org", __name__, url_prefix="/api/v1/org", description="Tổ chức và cán bộ / Organisation and officials")

NO_STORE = {"Cache-Control": "no-store"}  # responses that carry initial passwords


# --- schemas --------------------------------------------------------------------------------------


class UnitSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    parent = fields.String(allow_none=True, metadata={"description": "parent unit code"})
    center = fields.String(allow_none=True, metadata={"description": "center code"})


class UnitTreeSchema(UnitSchema):
    children = fields.List(fields.Nested(lambda: UnitTreeSchema()))


class UnitQueryArgsSchema(Schema):
    view = fields.String(load_default="flat", validate=validate.OneOf(["flat", "tree"]))


class OrgOfficialSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())
    unit = fields.String(allow_none=True, metadata={"description": "unit code"})
    center = fields.String(allow_none=True, metadata={"description": "center code"})
    active = fields.Boolean()
    created_at = fields.DateTime()


class LeaveSchema(Schema):
    id = fields.Integer()
    official_id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    reason = fields.String(allow_none=True)


class DeputySchema(Schema):
    id = fields.Integer()
    official_id = fields.Integer()
    deputy_id = fields.Integer()
    deputy = fields.String(metadata={"description": "the deputy's username"})
    valid_from = fields.Date()
    valid_to = fields.Date()


class OfficialLeaveSchema(Schema):
    id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    reason = fields.String(allow_none=True)


class OfficialDeputySchema(Schema):
    id = fields.Integer()
    deputy_id = fields.Integer()
    deputy = fields.String(metadata={"description": "the deputy's username"})
    valid_from = fields.Date()
    valid_to = fields.Date()


class OfficialDetailSchema(OrgOfficialSchema):
    leave = fields.List(fields.Nested(OfficialLeaveSchema))
    deputies = fields.List(fields.Nested(OfficialDeputySchema))


class CreatedOfficialSchema(OrgOfficialSchema):
    initial_password = fields.String(allow_none=True, metadata={
        "description": "generated when no password was given: hand it to the official; shown only once"})


class OfficialQueryArgsSchema(Schema):
    unit = fields.String(load_default=None, metadata={"description": "unit code"})
    role = fields.String(load_default=None, validate=validate.OneOf(list(exchange.ROLES)))
    active = fields.Boolean(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class OfficialPageSchema(Schema):
    officials = fields.List(fields.Nested(OrgOfficialSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class CreateOfficialArgsSchema(Schema):
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    roles = fields.List(fields.String(), load_default=list, metadata={"description": f"of {', '.join(exchange.ROLES)}"})
    unit = fields.String(load_default=None, allow_none=True, metadata={"description": "unit code"})
    center = fields.String(load_default=None, allow_none=True, metadata={"description": "center code"})
    active = fields.Boolean(load_default=True)
    password = fields.String(load_default=None, allow_none=True, load_only=True,
                             metadata={"description": "initial password; generated and returned when absent"})


class UpdateOfficialArgsSchema(Schema):
    full_name = fields.String()
    roles = fields.List(fields.String())
    unit = fields.String(allow_none=True, metadata={"description": "unit code; null removes the unit"})
    center = fields.String(allow_none=True, metadata={"description": "center code; null removes the center"})
    active = fields.Boolean()


class LeaveArgsSchema(Schema):
    starts_on = day_field(required=True)
    ends_on = day_field(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))


class DeputyArgsSchema(Schema):
    official_id = fields.Integer(load_default=None, allow_none=True,
                                 metadata={"description": "who is away; default: the signed-in official"})
    deputy_id = fields.Integer(required=True)
    valid_from = day_field(required=True)
    valid_to = day_field(required=True)


class ExportArgsSchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(list(exchange.FORMATS)))


class ImportArgsSchema(Schema):
    format = fields.String(load_default=None, validate=validate.OneOf(list(exchange.FORMATS)),
                           metadata={"description": "default: from the file name's extension"})
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check and count, write nothing"})


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "the organisation file (.csv or .json)"})


class InitialPasswordSchema(Schema):
    username = fields.String()
    password = fields.String(allow_none=True, metadata={"description": "null in a dry run"})


class ImportResultSchema(Schema):
    dry_run = fields.Boolean()
    counts = fields.Dict(metadata={"description": "per section: created, updated, unchanged"})
    initial_passwords = fields.List(fields.Nested(InitialPasswordSchema))


# --- routes ---------------------------------------------------------------------------------------


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitQueryArgsSchema, location="query")
    @blp.response(200, UnitTreeSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> Any:
        """Every unit, flat (parents first, with the parent's code) or as a tree (view=tree)"""
        allow(Action.ORG_READ)
        session = get_session()
        return people.unit_tree(session) if args["view"] == "tree" else people.list_units(session)


@blp.route("/officials")
class Officials(MethodView):
    @blp.arguments(OfficialQueryArgsSchema, location="query")
    @blp.response(200, OfficialPageSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """One page of officials by username, filtered by unit code, role and active"""
        allow(Action.ORG_READ)
        session = get_session()
        rows, total = people.find_officials(session, unit=args["unit"], role=args["role"], active=args["active"],
                                            page=args["page"], page_size=args["page_size"])
        return {"officials": people.describe_officials(session, rows), "total": total, "page": args["page"],
                "page_size": args["page_size"]}

    @blp.arguments(CreateOfficialArgsSchema)
    @blp.response(201, CreatedOfficialSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any]) -> Any:
        """Create an official (admin); without a password one is generated and returned once"""
        allow(Action.OFFICIAL_MANAGE)
        session = get_session()
        created = people.create_official(session, current_engine().clock, **args)
        view = people.describe_officials(session, [created.official])[0]
        session.commit()
        return {**view, "initial_password": created.initial_password}, 201, NO_STORE


@blp.route("/officials/<string:username>")
class OfficialDetail(MethodView):
    @blp.response(200, OfficialDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, username: str) -> Any:
        """One official with leave periods and deputies (admin, auditor, themselves or their leader)"""
        session = get_session()
        official = people.get_official(session, username)
        allow(Action.OFFICIAL_READ, official)
        return people.describe_official(session, official)

    @blp.arguments(UpdateOfficialArgsSchema)
    @blp.response(200, OrgOfficialSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def patch(self, args: dict[str, Any], username: str) -> Any:
        """Change an official's roles, unit, center, name or active flag (admin)
        ---
        409 when the change would leave no active admin.
        """
        allow(Action.OFFICIAL_MANAGE)
        session = get_session()
        official = people.update_official(session, people.get_official(session, username).id, args)
        view = people.describe_officials(session, [official])[0]
        session.commit()
        return view


@blp.route("/officials/<string:username>/leave")
class OfficialLeave(MethodView):
    @blp.arguments(LeaveArgsSchema)
    @blp.response(201, LeaveSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], username: str) -> Any:
        """Record a leave period (admin, or a leader of the official's unit or of a unit above it)"""
        session = get_session()
        official = people.get_official(session, username)
        allow(Action.LEAVE_MANAGE, official)
        leave = people.add_leave(session, official.id, **args)
        session.commit()
        return leave


# Leave ids stay numeric: only admins and leaders reach this, and a guess answers 403 or 404 with
# nothing about the official; the converter's bound keeps them within the database's integers.
@blp.route("/leave/<int(max=9223372036854775807):leave_id>")
class LeaveDetail(MethodView):
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    def delete(self, leave_id: int) -> None:
        """Remove a leave period (admin, or a leader of the official's unit or of a unit above it)"""
        session = get_session()
        leave = people.get_leave(session, leave_id)
        allow(Action.LEAVE_MANAGE, people.get_official(session, leave.official_id))
        people.delete_leave(session, leave)
        session.commit()


@blp.route("/deputies")
class Deputies(MethodView):
    @blp.arguments(DeputyArgsSchema)
    @blp.response(201, DeputySchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any]) -> Any:
        """Choose who acts for an official in a period (admin, or the official themselves)
        ---
        The same official, deputy and valid_from update the existing row's valid_to.
        """
        session = get_session()
        official_id = args["official_id"] or current_official().id
        allow(Action.DEPUTY_MANAGE, people.get_official(session, official_id))
        deputy, _ = people.set_deputy(session, official_id, deputy_id=args["deputy_id"],
                                      valid_from=args["valid_from"], valid_to=args["valid_to"])
        body = {"id": deputy.id, "official_id": deputy.official_id, "deputy_id": deputy.deputy_id,
                "deputy": people.get_official(session, deputy.deputy_id).username,
                "valid_from": deputy.valid_from, "valid_to": deputy.valid_to}
        session.commit()
        return body


@blp.route("/export")
class Export(MethodView):
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> Response:
        """The whole organisation as a JSON or CSV file (admin, auditor); never passwords
        ---
        The format is the one POST /import reads (see engine/org/exchange.py); CSV carries a BOM.
        """
        allow(Action.ORG_EXPORT)
        fmt = args["format"]
        content = exchange.export_file(get_session(), fmt)
        filename = f"motcua-org-{current_engine().clock.now().date().isoformat()}.{fmt}"
        mimetype = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return Response(content, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE})


@blp.route("/import")
class Import(MethodView):
    @blp.arguments(ImportArgsSchema, location="query")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportResultSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], files: dict[str, Any]) -> Any:
        """Import an organisation file (admin): all or nothing, upserting by code and username
        ---
        422 lists every problem by row and column (CSV: "row 7: roles") or JSON pointer
        ("/officials/3/roles"); nothing is written then. 200 gives the created/updated/unchanged
        counts and the initial passwords generated for new officials (shown only once).
        """
        allow(Action.ORG_IMPORT)
        upload = files["file"]
        fmt = args["format"] or exchange.detect_format(upload.filename)
        session = get_session()
        result = exchange.import_org(session, upload.read(), fmt, clock=current_engine().clock)
        body = {"dry_run": args["dry_run"], **result.as_dict()}
        if args["dry_run"]:
            session.rollback()
            body["initial_passwords"] = [{"username": e["username"], "password": None}
                                         for e in body["initial_passwords"]]
        else:
            session.commit()
        return body, 200, NO_STORE
