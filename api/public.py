"""The public lookup as JSON, for kiosks and the hotline desk's own screens: the same view as the
lookup page (engine.public), for whoever holds the dossier's code and its receipt's secret, with the
same throttle per client address; and the citizen's one rating. No bearer token: nothing here names
a person."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from api.deps import current_engine, get_session
from engine.identity.throttle import SignInGuard
from engine.persistence.models import SatisfactionLevel
from engine.public import PublicDossier, lookup, rate_with_secret
from engine.satisfaction import LEVELS_VI, MAX_COMMENT

blp = Blueprint("public_api", __name__, url_prefix="/api/v1/public",
                description="Tra cứu hồ sơ công khai / Public dossier lookup (kiosks, hotline)")

_LEVELS = [level.value for level in SatisfactionLevel]


def _take_lookup() -> None:
    """Count one lookup for the client's address; TooManyAttemptsError (429) past the limit."""
    guard: SignInGuard = current_app.extensions["sign_in"]
    guard.counters.take("lookup", request.remote_addr or "unknown")


class SecretArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    secret = fields.String(required=True, validate=validate.Length(min=1, max=32),
                           metadata={"description": "Mã bảo mật in trên giấy tiếp nhận / the receipt's secret"})


class RatingArgsSchema(SecretArgsSchema):
    level = fields.String(required=True, validate=validate.OneOf(_LEVELS))
    official_level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(_LEVELS),
                                   metadata={"description": "the official who returned the result (optional)"})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_COMMENT))


class PublicStepSchema(Schema):
    name = fields.String()
    status_text = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class SupplementItemSchema(Schema):
    name = fields.String()
    copy_type = fields.String()
    quantity = fields.Integer(allow_none=True)


class OpenSupplementSchema(Schema):
    number = fields.Integer()
    requested_at = fields.DateTime()
    documents = fields.List(fields.Nested(SupplementItemSchema))
    reason = fields.String()


class NewAppointmentSchema(Schema):
    first_appointment_at = fields.DateTime(allow_none=True)
    new_appointment_at = fields.DateTime(allow_none=True)
    apology = fields.String()
    given_at = fields.DateTime()


class PublicRatingSchema(Schema):
    level = fields.String()
    official_level = fields.String(allow_none=True)
    rated_at = fields.DateTime()


class PublicDossierSchema(Schema):
    code = fields.String()
    procedure = fields.String()
    status = fields.String(metadata={"description": "in the national list's words (Vietnamese)"})
    national_status_code = fields.Integer()
    received_at = fields.DateTime()
    appointment_at = fields.DateTime(allow_none=True)
    extended = fields.Boolean()
    new_appointment = fields.Nested(NewAppointmentSchema, allow_none=True)
    supplement = fields.Nested(OpenSupplementSchema, allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    result = fields.String(allow_none=True)
    timeliness = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(PublicStepSchema))
    rating = fields.Nested(PublicRatingSchema, allow_none=True)
    may_rate = fields.Boolean()


@blp.route("/dossiers/<string:code>")
class PublicDossierLookup(MethodView):
    @blp.arguments(SecretArgsSchema, location="query")
    @blp.response(200, PublicDossierSchema)
    @blp.alt_response(404, description="No dossier with this code and secret (the same answer for both)")
    @blp.alt_response(429, description="Too many lookups from this address (Retry-After)")
    def get(self, args: dict[str, Any], code: str) -> PublicDossier:
        """Look up a dossier's progress by its code and the receipt's secret"""
        _take_lookup()
        return lookup(get_session(), code, args["secret"], calendar=current_engine().calendar)


@blp.route("/dossiers/<string:code>/rating")
class PublicDossierRating(MethodView):
    @blp.arguments(RatingArgsSchema)
    @blp.response(201, PublicRatingSchema)
    @blp.alt_response(404, description="No dossier with this code and secret")
    @blp.alt_response(409, description="Not returned yet, or rated already (a dossier is rated once)")
    @blp.alt_response(429, description="Too many attempts from this address (Retry-After)")
    def post(self, args: dict[str, Any], code: str) -> dict[str, Any]:
        """Rate a dossier once its result was returned (once per dossier)"""
        _take_lookup()  # the secret may be guessed here as well as on the lookup
        session = get_session()
        rating = rate_with_secret(session, code, args["secret"], level=args["level"],
                                  official_level=args.get("official_level"), comment=args.get("comment"),
                                  at=current_engine().clock.now())
        session.commit()
        return {"level": LEVELS_VI[rating.level], "rated_at": rating.rated_at,
                "official_level": LEVELS_VI[rating.official_level] if rating.official_level else None}
