"""Auditors: verify dossiers' history chains, anchors and evidence packs; replay a dossier and see it as of any event.

Every view calls one engine function with the signed-in official; the engine's access policy
(``audit.read``, ``audit.admin.read``, ``audit.anchor``) decides.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.deps import current_engine, current_official, get_session
from engine.audit.anchors import export_anchors, list_anchors, write_anchor
from engine.audit.pack import build_pack
from engine.audit.replay import replay_dossier
from engine.audit.time_travel import dossier_as_of
from engine.audit.verify import verify_all, verify_center, verify_dossier
from engine.slips.printed import options_from

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Kiểm tra / Audit")


class BreakSchema(Schema):
    chain = fields.String(metadata={"description": "the dossier's code, or admin for the administrative chain"})
    kind = fields.String(metadata={"description": "altered | link | gap | head | row | anchor | missing | "
                                                  "anchor_invalid"})
    message = fields.String()
    message_en = fields.String()
    seq = fields.Integer(allow_none=True, metadata={"description": "the event's number in its chain"})
    event_id = fields.Integer(allow_none=True)
    event_type = fields.String(allow_none=True)
    field = fields.String(allow_none=True, metadata={"description": "what differs (hash, prev_hash, seq, head, "
                                                                     "human_task.completed_at, …)"})
    expected = fields.String(allow_none=True)
    found = fields.String(allow_none=True)


class VerificationSchema(Schema):
    ok = fields.Boolean(required=True)
    chains = fields.Integer(required=True)
    events = fields.Integer(required=True)
    seconds = fields.Float(required=True)
    breaks = fields.List(fields.Nested(BreakSchema), required=True,
                         metadata={"description": "the first break of each broken chain"})
    anchor = fields.Dict(allow_none=True, metadata={"description": "the anchor the chains were held to"})


class VerifyArgsSchema(Schema):
    center = fields.String(metadata={"description": "a center's code; without it, every dossier you may audit"})


@blp.route("/verification")
class Verification(MethodView):
    @blp.arguments(VerifyArgsSchema, location="query")
    @blp.response(200, VerificationSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> Any:
        """Verify the history chains of a center's dossiers, or of every dossier you may audit
        ---
        Answers ok, or the first broken link of each broken chain (event, what differs).
        """
        engine = current_engine()
        if args.get("center"):
            result = verify_center(get_session(), current_official(), args["center"], today=engine.today(),
                                   settings=engine.settings)
        else:
            result = verify_all(get_session(), current_official(), today=engine.today(), settings=engine.settings)
        return result.as_dict()


@blp.route("/dossiers/<string:code>/verification")
class DossierVerification(MethodView):
    @blp.response(200, VerificationSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, code: str) -> Any:
        """Verify one dossier's history chain, its stored head and the rows shown beside it"""
        engine = current_engine()
        return verify_dossier(get_session(), current_official(), code, today=engine.today(),
                              settings=engine.settings).as_dict()


class AnchorCheckSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.String(required=True)
    hash = fields.String(required=True)
    chains = fields.Integer(required=True)
    events = fields.Integer(required=True)
    ok = fields.Boolean(required=True)
    problem = fields.Nested(BreakSchema, allow_none=True)


class AnchorsSchema(Schema):
    ok = fields.Boolean(required=True)
    trusted = fields.Boolean(required=True, metadata={
        "description": "signatures checked with the deployment's configured key (false: with the key each "
                       "anchor declares)"})
    anchors = fields.List(fields.Nested(AnchorCheckSchema), required=True)


class AnchorWrittenSchema(Schema):
    written = fields.Boolean(required=True, metadata={"description": "false: no chain moved since the last"})
    seq = fields.Integer(allow_none=True)
    hash = fields.String(allow_none=True)
    changed = fields.Integer(required=True)
    refused = fields.List(fields.Nested(BreakSchema), required=True, metadata={
        "description": "chains left at their previous anchored head because they do not verify"})


@blp.route("/anchors")
class Anchors(MethodView):
    @blp.response(200, AnchorsSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> Any:
        """Every anchor, each checked: hash, link to the one before, signature, digest of chain heads"""
        engine = current_engine()
        fold = list_anchors(get_session(), engine.settings, current_official(), today=engine.today())
        return {"ok": fold.first_problem is None, "trusted": fold.trusted,
                "anchors": [check.as_dict() for check in fold.checks]}

    @blp.response(201, AnchorWrittenSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self) -> Any:
        """Write an anchor now: every chain head that moved since the last, signed
        ---
        Chains that do not verify are left at their previous anchored head and listed as refused.
        """
        engine, session = current_engine(), get_session()
        written = write_anchor(session, engine.settings, current_official(), now=engine.clock.now(),
                               today=engine.today())
        session.commit()
        anchor = written.anchor
        return {"written": anchor is not None, "seq": anchor.seq if anchor else None,
                "hash": anchor.hash if anchor else None, "changed": written.changed,
                "refused": [b.as_dict() for b in written.refused]}


class AnchorRecordSchema(Schema):
    statement = fields.String(required=True, metadata={"description": "the exact text signed (canonical JSON)"})
    signature = fields.String(required=True, metadata={"description": "Ed25519 signature of statement, hex"})
    public_key = fields.String(required=True)
    hash = fields.String(required=True, metadata={"description": "SHA-256 of statement; the next anchor's prev_hash"})
    changes = fields.String(required=True, metadata={"description": "canonical JSON of the chain heads that moved"})


class AnchorExportSchema(Schema):
    format = fields.String(required=True)
    public_key = fields.String(allow_none=True, metadata={"description": "the deployment's Ed25519 key, hex"})
    anchors = fields.List(fields.Nested(AnchorRecordSchema), required=True)


@blp.route("/anchors/export")
class AnchorExport(MethodView):
    @blp.response(200, AnchorExportSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> Any:
        """Every anchor with the deployment's public key, as JSON for the Inspectorate to keep
        ---
        Check a kept copy offline with `motcua audit anchors --check FILE`.
        """
        engine = current_engine()
        return export_anchors(get_session(), engine.settings, current_official(), today=engine.today())


_ZIP = {"200": {"description": "Gói chứng cứ (zip) / Evidence pack (zip)", "content": {"application/zip": {}}}}


@blp.route("/dossiers/<string:code>/evidence-pack")
class EvidencePack(MethodView):
    @blp.doc(security=[{"bearerAuth": []}], responses=_ZIP)
    def get(self, code: str) -> Response:
        """The dossier's evidence pack: BPMN, forms, history, control slip, anchors, signed manifest
        ---
        Check it offline with `motcua audit check PACK --public-key KEY`.
        """
        engine = current_engine()
        data = build_pack(get_session(), engine.settings, current_official(), code, today=engine.today(),
                          calendar=engine.calendar, options=options_from(current_app.config), now=engine.clock.now())
        response = Response(data, mimetype="application/zip")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", code)
        response.headers["Content-Disposition"] = f'attachment; filename="evidence-{safe}.zip"'
        response.headers["Cache-Control"] = "no-store"  # personal data of the applicant
        return response



class DivergenceSchema(Schema):
    subject = fields.String(required=True, metadata={
        "description": "event | input | task | dossier | data | workflow | unsupported"})
    message = fields.String(required=True)
    message_en = fields.String(required=True)
    seq = fields.Integer(allow_none=True, metadata={"description": "the stored event where replay and record part"})
    event_type = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    expected = fields.Raw(allow_none=True, metadata={"description": "what replaying the recorded inputs gives"})
    found = fields.Raw(allow_none=True, metadata={"description": "what is stored"})


class ReplaySchema(Schema):
    code = fields.String(required=True)
    version_id = fields.Integer(required=True)
    identical = fields.Boolean(required=True)
    events = fields.Integer(required=True)
    commands = fields.Integer(required=True, metadata={"description": "commands run again"})
    path = fields.List(fields.String(), required=True, metadata={"description": "the steps completed, in order"})
    divergence = fields.Nested(DivergenceSchema, allow_none=True)


class EventSummarySchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    event_type = fields.String(required=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)


class ActiveStepSchema(Schema):
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "task | event"})
    status = fields.String(required=True, metadata={"description": "ready | claimed | waiting"})
    task_id = fields.String(allow_none=True)
    holder_id = fields.Integer(allow_none=True)
    holder = fields.String(allow_none=True)
    since = fields.DateTime(allow_none=True)
    data = fields.Dict(required=True, metadata={"description": "the dossier's data as the step saw it"})


class ChangeSchema(Schema):
    key = fields.String(required=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class ClockAsOfSchema(Schema):
    received_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    original_due_at = fields.DateTime(allow_none=True)
    extended_due_at = fields.DateTime(allow_none=True)
    paused = fields.Boolean(required=True)
    paused_since = fields.DateTime(allow_none=True)
    elapsed_seconds = fields.Integer(required=True, metadata={"description": "working time used"})
    paused_seconds = fields.Integer(required=True, metadata={"description": "working time the clock stood still"})
    remaining_seconds = fields.Integer(allow_none=True, metadata={"description": "negative once overdue"})


class AsOfSchema(Schema):
    code = fields.String(required=True)
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    event = fields.Nested(EventSummarySchema, required=True)
    command = fields.List(fields.Nested(EventSummarySchema), required=True, metadata={
        "description": "every event of the command the asked event belongs to (commands are atomic)"})
    status = fields.String(required=True)
    done = fields.List(fields.String(), required=True)
    active = fields.List(fields.Nested(ActiveStepSchema), required=True)
    data = fields.Dict(required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    clock = fields.Nested(ClockAsOfSchema, required=True)
    events = fields.Integer(required=True)
    divergence = fields.Nested(DivergenceSchema, allow_none=True)


@blp.route("/dossiers/<string:code>/replay")
class DossierReplay(MethodView):
    @blp.response(200, ReplaySchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, code: str) -> Any:
        """Replay a dossier's recorded inputs in memory and compare with what is stored
        ---
        Answers identical, or the first divergence (the event or row, what the replay gives, what is
        stored). Never writes.
        """
        return replay_dossier(get_session(), current_engine(), current_official(), code).as_dict()


@blp.route("/dossiers/<string:code>/as-of/<int:seq>")
class DossierAsOf(MethodView):
    @blp.response(200, AsOfSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, code: str, seq: int) -> Any:
        """The dossier as it stood right after event seq of its history
        ---
        Active steps and who held them, the data each saw, what the event's command changed, the
        legal clock then (working seconds used, paused, remaining).
        """
        return dossier_as_of(get_session(), current_engine(), current_official(), code, seq).as_dict()
