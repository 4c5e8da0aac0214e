"""The ``Idempotency-Key`` header on commands: a retry gets the first answer, byte for byte.

Put ``@idempotent`` between ``@blp.arguments`` and ``@blp.response``: it sees the finished
response, stores it with the command in one transaction and commits. The view itself does not
commit. Without the header the command simply commits.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Response, current_app, request

from api.deps import current_engine, current_official, get_session
from api.errors import error_body
from engine.errors import WorkflowFailedError
from engine.idempotency import MAX_KEY_LENGTH, check_key, record_answer, request_fingerprint, take_key

HEADER = "Idempotency-Key"
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
    "description": "Gửi lại cùng khoá thì nhận lại câu trả lời đầu tiên / a retry with the same key gets "
                   "the first answer (kept 24 h by default; per official)",
}


def idempotent(view: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        session = get_session()
        key = request.headers.get(HEADER)
        if key is None:
            response = view(*args, **kwargs)
            session.commit()
            return response
        official_id = current_official().id
        engine = current_engine()
        stored = take_key(session, official_id, check_key(key),
                          request_fingerprint(request.method, request.path, request.get_data()),
                          engine.clock.now(), timedelta(hours=engine.settings.idempotency_key_hours))
        if stored is not None:
            session.rollback()
            replay = current_app.response_class(stored.body, status=stored.status, mimetype="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = view(*args, **kwargs)
        except WorkflowFailedError as error:
            if error.incident is not None:
                # A failed reception keeps its dossier as an incident: the retry gets this answer
                # (naming that dossier) rather than receiving a second one.
                body = error_body(422, error.message, error.message_en, error.code, error.details())
                record_answer(session, official_id, key, 422, json.dumps(body, ensure_ascii=False))
            raise
        record_answer(session, official_id, key, response.status_code, response.get_data(as_text=True))
        session.commit()
        return response

    return wrapper
