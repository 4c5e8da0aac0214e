"""The analysts' studio over HTTP: procedures with versions and drafts, the properties panel's
vocabulary, drafts saved with a version tag, and the validator run on a draft."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from api.deps import current_actor, current_engine, current_official, get_session
from api.org import UnitSchema
from api.schemas import ProcedureVersionSchema, VersionSummarySchema
from demo.sandbox import DEMO_SANDBOX
from engine.studio.catalogue import StudioProcedure, studio_procedures
from engine.studio.checking import DraftCheck, check_draft
from engine.studio.drafts import DraftView, read_draft, save_draft
from engine.studio.exchange import DRAFT, FileChange, compare, folder_zip, import_diagram, version_files
from engine.studio.publish import publish_draft
from engine.studio.sandbox import SandboxRun, run_sandbox
from engine.studio.templates import Template, create_from_template, procedure_templates
from engine.studio.vocabulary import studio_vocabulary

blp = Blueprint("studio", __name__, url_prefix="/api/v1/studio",
                description="Xưởng thiết kế quy trình / The analysts' studio")

KEY = r"<string(maxlength=128):key>"
FILES_DESCRIPTION = ("path in the procedure folder -> text: <key>.bpmn, procedure.json, "
                     "forms/<name>.schema.json (and .uischema.json)")


def _files_field(description: str = FILES_DESCRIPTION, **kwargs: Any) -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=255)),
                       values=fields.String(), metadata={"description": description}, **kwargs)


class DraftSummarySchema(Schema):
    tag = fields.String()
    revision = fields.Integer()
    based_on_version = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String()


class StudioProcedureSchema(Schema):
    key = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    national_code = fields.String(allow_none=True)
    active_version = fields.Integer(allow_none=True)
    latest_version = fields.Integer(allow_none=True)
    versions = fields.List(fields.Nested(VersionSummarySchema))
    draft = fields.Nested(DraftSummarySchema, allow_none=True)


class VocabularyArgsSchema(Schema):
    procedure = fields.String(validate=validate.Length(min=1, max=128),
                              metadata={"description": "also list this procedure's forms and lanes"})


class PropertySpecSchema(Schema):
    name = fields.String()
    on = fields.List(fields.String(), metadata={"description": "BPMN element types it belongs on"})
    values = fields.List(fields.String(), metadata={"description": "the closed list of values, if any"})
    meaning_vi = fields.String()
    meaning_en = fields.String()
    format_vi = fields.String()
    format_en = fields.String()


class StudioUnitSchema(UnitSchema):
    roles = fields.List(fields.String(), metadata={"description": "roles active officials hold there"})


class LocalityRoutingSchema(Schema):
    placeholder = fields.String()
    sources = fields.List(fields.String())
    localities = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))
    departments = fields.List(fields.String(), metadata={"description": "located departments every locality has"})


class VocabularySchema(Schema):
    namespace = fields.Dict(keys=fields.String(), values=fields.String())
    properties = fields.List(fields.Nested(PropertySpecSchema))
    stages = fields.List(fields.String())
    clock_effects = fields.List(fields.String())
    outcomes = fields.List(fields.String())
    roles = fields.List(fields.String())
    assignment_policies = fields.List(fields.String())
    lane_binding_keys = fields.List(fields.String())
    lane_binding_required = fields.List(fields.String())
    time_limit_units = fields.List(fields.String())
    procedure_keys = fields.List(fields.String())
    procedure_required = fields.List(fields.String())
    form_field_roles = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))
    units = fields.List(fields.Nested(StudioUnitSchema))
    locality_routing = fields.Nested(LocalityRoutingSchema)
    procedure = fields.String()
    forms = fields.List(fields.String(), metadata={"description": "the forms a step of the procedure may name"})
    lanes = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={"description": "its lane bindings"})


class DraftSchema(Schema):
    procedure = fields.String()
    tag = fields.String(allow_none=True, metadata={"description": "None until someone saves a draft"})
    revision = fields.Integer()
    based_on_version = fields.Integer(allow_none=True)
    files = _files_field()
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)


class SaveDraftArgsSchema(Schema):
    base_tag = fields.String(required=True, allow_none=True, validate=validate.Length(max=32),
                             metadata={"description": "the tag of the draft this save is based on (null: none yet)"})
    files = _files_field(required=True)


class CheckArgsSchema(Schema):
    files = _files_field(f"unsaved files to check ({FILES_DESCRIPTION}); the saved draft when absent")


class ProblemSchema(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True, metadata={"description": "the BPMN element (or lane) to mark"})
    rule = fields.String()
    severity = fields.String(metadata={"description": "error | warning"})
    message = fields.String(metadata={"description": "Vietnamese"})
    message_en = fields.String()


class DraftCheckSchema(Schema):
    procedure = fields.String()
    tag = fields.String(allow_none=True)
    valid = fields.Boolean()
    errors = fields.Integer()
    problems = fields.List(fields.Nested(ProblemSchema))


class PublishArgsSchema(Schema):
    tag = fields.String(required=True, validate=validate.Length(min=1, max=32),
                        metadata={"description": "the tag of the draft you publish (it must still be current)"})
    activate = fields.Boolean(load_default=False, metadata={"description": "also make it the active version"})
    reason = fields.String(validate=validate.Length(max=500), metadata={"description": "required to activate"})


class PublicationSchema(Schema):
    procedure = fields.String()
    version = fields.Nested(ProcedureVersionSchema)
    created = fields.Boolean(metadata={"description": "false: the same content was deployed before"})
    warnings = fields.List(fields.Nested(ProblemSchema))
    activated = fields.Boolean()
    replaced_version = fields.Integer(allow_none=True)


class SandboxArgsSchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=2147483647),
                             metadata={"description": "walk this deployed version instead of the draft"})
    center = fields.String(validate=validate.Length(min=1, max=64),
                           metadata={"description": "the demo center that receives the dossier"})
    choices = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=128)), values=fields.Raw(),
                          metadata={"description": "element id (the start event's for the intake) -> the field "
                                                   "values chosen there, e.g. a decision: one object for every visit "
                                                   "of the step, or a list of objects, one per visit"})


class PersonSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    unit = fields.String(allow_none=True)


class ChoiceOutcomeSchema(Schema):
    value = fields.Raw()
    leads_to = fields.List(fields.String(), metadata={"description": "the steps this value opens"})
    status = fields.String(allow_none=True, metadata={"description": "the dossier's status when it ends there"})
    message = fields.String(allow_none=True)
    message_en = fields.String(allow_none=True)


class SandboxStepSchema(Schema):
    element_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    allotted_time = fields.String(allow_none=True)
    ready_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    unit = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    policy = fields.String()
    assignee = fields.Nested(PersonSchema, allow_none=True)
    candidates = fields.List(fields.Nested(PersonSchema), metadata={"description": "who would see it (first 20)"})
    candidates_total = fields.Integer()
    decision_field = fields.String(allow_none=True)
    decision = fields.Raw(allow_none=True)
    options = fields.List(fields.Nested(ChoiceOutcomeSchema))
    data = fields.Dict(keys=fields.String(), values=fields.Raw())


class SandboxStopSchema(Schema):
    reason = fields.String(metadata={"description": "failed | invalid_data | waiting | loop | too_long"})
    message = fields.String()
    message_en = fields.String()
    element_id = fields.String(allow_none=True)
    problems = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))


class SandboxRunSchema(Schema):
    procedure = fields.String()
    center = fields.String()
    locality = fields.String(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    start_data = fields.Dict(keys=fields.String(), values=fields.Raw())
    steps = fields.List(fields.Nested(SandboxStepSchema))
    status = fields.String(allow_none=True)
    result_name = fields.String(allow_none=True)
    stopped = fields.Nested(SandboxStopSchema, allow_none=True)


class ImportArgsSchema(Schema):
    base_tag = fields.String(validate=validate.Length(max=32), load_default=None,
                             metadata={"description": "the tag of the draft this import replaces the diagram of"})


class DiagramFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "a .bpmn diagram (UTF-8 XML)"})


class ExportArgsSchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=2147483647),
                             metadata={"description": "this deployed version; the draft when absent"})


class VersionFilesSchema(Schema):
    procedure = fields.String()
    version = fields.String(metadata={"description": "a version number, or draft"})
    files = _files_field()


class CompareArgsSchema(Schema):
    before = fields.String(required=True, validate=validate.Regexp(r"^(draft|[1-9][0-9]{0,8})$"),
                           data_key="from", metadata={"description": "a version number, or draft"})
    after = fields.String(load_default=DRAFT, validate=validate.Regexp(r"^(draft|[1-9][0-9]{0,8})$"),
                          data_key="to", metadata={"description": "a version number, or draft (the default)"})


class FileChangeSchema(Schema):
    path = fields.String()
    status = fields.String(metadata={"description": "added | removed | changed | same"})
    diff = fields.String(metadata={"description": "unified diff of a JSON file; empty for diagrams"})


class TemplateSchema(Schema):
    name = fields.String()
    title = fields.String()
    title_en = fields.String()
    description = fields.String()
    description_en = fields.String()
    lanes = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.String()))
    time_limit = fields.Dict(keys=fields.String(), values=fields.Raw())


class NewProcedureArgsSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=128),
                        metadata={"description": "the new procedure's key (folder name): a-z, 0-9, _"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=500))
    name_en = fields.String(validate=validate.Length(max=500))
    template = fields.String(load_default="commune", validate=validate.Length(min=1, max=64))


def _which(version: int | None) -> int | str:
    return DRAFT if version is None else version


@blp.route("/procedures")
class StudioProcedures(MethodView):
    @blp.response(200, StudioProcedureSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> list[StudioProcedure]:
        """Every procedure with its versions (who deployed, activated, retired; dossiers on each) and draft
        ---
        Analysts, admins, auditors and supervisors (``procedure.version.read``).
        """
        return studio_procedures(get_session(), current_official(), clock=current_engine().clock)

    @blp.arguments(NewProcedureArgsSchema)
    @blp.response(201, DraftSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any]) -> tuple[DraftView, int]:
        """Start a new procedure from a template (analysts): its first draft, which validates as it is
        ---
        A key already taken by a procedure or a draft is refused (409).
        """
        session = get_session()
        draft = create_from_template(session, args["key"], name=args["name"], name_en=args.get("name_en"),
                                     template=args["template"], actor=current_actor(), clock=current_engine().clock)
        session.commit()
        return draft, 201


@blp.route("/vocabulary")
class Vocabulary(MethodView):
    @blp.arguments(VocabularyArgsSchema, location="query")
    @blp.response(200, VocabularySchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The values the properties panel offers: extension properties, stages, clock effects, outcomes,
        roles, assignment policies, locality routing, units of the organisation, a procedure's forms
        ---
        Read from the declarations the server's validator checks against.
        """
        return studio_vocabulary(get_session(), current_official(), clock=current_engine().clock,
                                 key=args.get("procedure"))


@blp.route(f"/procedures/{KEY}/draft")
class Draft(MethodView):
    @blp.response(200, DraftSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, key: str) -> DraftView:
        """The procedure's draft with its tag; the latest version's files (tag null) while it has none"""
        return read_draft(get_session(), current_official(), key, clock=current_engine().clock)

    @blp.arguments(SaveDraftArgsSchema)
    @blp.response(200, DraftSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def put(self, args: dict[str, Any], key: str) -> DraftView:
        """Save the draft (analysts), based on the tag you read; answers the new tag
        ---
        A save based on a tag that is no longer current is refused with 409 ``draft_stale``; its
        ``errors.yours`` and ``errors.current`` hold both versions, and nothing is written.
        """
        session = get_session()
        draft = save_draft(session, key, args["files"], base_tag=args["base_tag"], actor=current_actor(),
                           clock=current_engine().clock)
        session.commit()
        return draft


@blp.route(f"/procedures/{KEY}/check")
class CheckDraft(MethodView):
    @blp.arguments(CheckArgsSchema)
    @blp.response(200, DraftCheckSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], key: str) -> DraftCheck:
        """Run the server's validator on the draft (or on the files sent): every problem with its element id"""
        ctx = current_engine()
        return check_draft(get_session(), current_official(), key, clock=ctx.clock,
                           library_path=ctx.settings.library_path, files=args.get("files"))


@blp.route(f"/procedures/{KEY}/publish")
class Publish(MethodView):
    @blp.arguments(PublishArgsSchema)
    @blp.response(200, PublicationSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """Publish the draft as the procedure's next version (analysts); with ``activate``, also make it active
        ---
        The draft must validate: otherwise 422 with every problem under ``errors.problems`` and
        nothing is written. A tag that is no longer the draft's is refused (409 ``draft_stale``).
        Activating needs a ``reason``; the version it replaces is retired, running dossiers stay on
        theirs. Later changes: ``/api/v1/procedures/KEY/versions/N/activate``, ``…/retire``, ``…/rollback``.
        """
        ctx = current_engine()
        session = get_session()
        activate_reason = (args.get("reason") or "") if args["activate"] else None
        published = publish_draft(session, key, tag=args["tag"], actor=current_actor(), clock=ctx.clock,
                                  library_path=ctx.settings.library_path, activate_reason=activate_reason)
        session.commit()
        change = published.activation
        return {"procedure": key, "version": published.version, "created": published.created,
                "warnings": [w.as_dict() for w in published.warnings], "activated": bool(change and change.changed),
                "replaced_version": change.replaced.version if change and change.replaced else None}


@blp.route(f"/procedures/{KEY}/sandbox")
class TestDossier(MethodView):
    @blp.arguments(SandboxArgsSchema)
    @blp.response(200, SandboxRunSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], key: str) -> SandboxRun:
        """Walk a test dossier of the draft (or of a version) with the demo organisation, in a throwaway database
        ---
        Each step says which unit, role and assignment policy it goes to, which demo officials it
        would reach, its stage and allotted time; each decision lists where each of its values
        leads. Unless ``choices`` say otherwise, the walk takes the choice nearest to a result
        issued. Nothing is written to the real database. An invalid draft gives 422 with its problems.
        """
        return run_sandbox(get_session(), current_official(), key, ctx=current_engine(), sandbox=DEMO_SANDBOX,
                           version=args.get("version"), center=args.get("center"), choices=args.get("choices"))


@blp.route("/templates")
class Templates(MethodView):
    @blp.response(200, TemplateSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> list[Template]:
        """The templates a new procedure may start from"""
        return procedure_templates()


@blp.route(f"/procedures/{KEY}/import")
class ImportDiagram(MethodView):
    @blp.arguments(ImportArgsSchema, location="form")
    @blp.arguments(DiagramFileSchema, location="files")
    @blp.response(200, DraftSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], files: dict[str, Any], key: str) -> DraftView:
        """Make a .bpmn drawn in another tool the draft's diagram (analysts), kept as it is
        ---
        Unsafe or malformed XML is refused (422) with its line under ``errors.problems``; the
        draft's procedure.json and forms stay. ``base_tag`` as for saving the draft.
        """
        upload = files["file"]
        session = get_session()
        draft = import_diagram(session, key, upload.read(), filename=upload.filename or "", base_tag=args["base_tag"],
                               actor=current_actor(), clock=current_engine().clock)
        session.commit()
        return draft


@blp.route(f"/procedures/{KEY}/files")
class Files(MethodView):
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, VersionFilesSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """The files of a version (or of the draft): its BPMN XML, procedure.json and forms, as text"""
        which = _which(args.get("version"))
        files = version_files(get_session(), current_official(), key, which, clock=current_engine().clock)
        return {"procedure": key, "version": str(which), "files": files}


@blp.route(f"/procedures/{KEY}/export.zip")
class Export(MethodView):
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.doc(security=[{"bearerAuth": []}],
             responses={"200": {"description": "the procedure's folder / thư mục thủ tục",
                                "content": {"application/zip": {}}}})
    def get(self, args: dict[str, Any], key: str) -> Response:
        """Download a version (or the draft) as its folder in a zip: <key>.bpmn, procedure.json, forms/"""
        which = _which(args.get("version"))
        files = version_files(get_session(), current_official(), key, which, clock=current_engine().clock)
        name = f"{key}-{which if which == DRAFT else f'v{which}'}.zip"
        return Response(folder_zip(key, files), mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@blp.route(f"/procedures/{KEY}/compare")
class Compare(MethodView):
    @blp.arguments(CompareArgsSchema, location="query")
    @blp.response(200, FileChangeSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any], key: str) -> list[FileChange]:
        """What changed between two versions (or a version and the draft), file by file
        ---
        Forms and procedure.json as a unified diff; the diagrams compare in the browser, from each
        side's BPMN XML (``GET …/files?version=N``).
        """
        before, after = (value if value == DRAFT else int(value) for value in (args["before"], args["after"]))
        return compare(get_session(), current_official(), key, before, after, clock=current_engine().clock)
