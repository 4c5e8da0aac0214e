"""Auditors: verify dossiers' history chains (and, as they land, anchors, evidence packs, replay).

Every view calls one engine function with the signed-in official; the engine's access policy
(``audit.read``, ``audit.admin.read``, ``audit.anchor``) decides.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.deps import current_engine, current_official, get_session
from engine.audit.verify import verify_all, verify_center, verify_dossier

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
            result = verify_center(get_session(), current_official(), args["center"], today=engine.today())
        else:
            result = verify_all(get_session(), current_official(), today=engine.today())
        return result.as_dict()


@blp.route("/dossiers/<string:code>/verification")
class DossierVerification(MethodView):
    @blp.response(200, VerificationSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, code: str) -> Any:
        """Verify one dossier's history chain, its stored head and the rows shown beside it"""
        return verify_dossier(get_session(), current_official(), code, today=current_engine().today()).as_dict()
