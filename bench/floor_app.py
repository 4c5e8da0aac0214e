"""The floor under ``bench.throughput``: what a request costs on this stack before the product does anything.

``bench.throughput`` serves this app with the same server (gunicorn, ``api.gunicorn_config``, the same
workers and threads) on the same database, and its clients send it the same kind of request: a JSON
body with a bearer header, a JSON answer. Each request runs, in one transaction through SQLAlchemy Core
on the product's engine settings (``engine.db.make_db_engine``), as many single-row statements as a
request of the throughput workload runs on average, and answers the rows. No token check, no ORM, no
access policy, no SpiffWorkflow: the server, Flask, JSON and the database's round trips only. What
the product spends above this is what its own code costs; no version of it can spend less.

Not part of the product: ``create_app`` reads ``MOTCUA_DATABASE_URL`` like the product's.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from flask import Flask, jsonify, request
from sqlalchemy import text

from engine.db import make_db_engine

# Statements per request of the throughput workload, from bench.calls' counts on the demo province
# (start 15, claim 7, complete 10.5, queue 4, dossier page 4.5): per dossier of 3 steps, one start and
# 3 x (queue, claim, complete, page) = 93 statements in 13 requests.
STATEMENTS_PER_REQUEST = 7
_ROW = text("SELECT id, username, full_name, unit_id, center_id FROM official WHERE id = :id")


def create_app() -> Flask:
    app = Flask("motcua_floor")
    db_engine = make_db_engine(os.environ["MOTCUA_DATABASE_URL"])  # the product's pool, as api.app
    with db_engine.connect() as connection:
        ids = [row[0] for row in connection.execute(text("SELECT id FROM official ORDER BY id LIMIT 64"))]
    turns = itertools.count()  # each request reads other rows; next() on a count is atomic under the GIL

    @app.get("/readyz")
    def ready() -> Any:
        return jsonify({"status": "ok"})

    @app.post("/floor")
    def floor() -> Any:
        body = request.get_json(silent=True) or {}
        offset = next(turns)
        with db_engine.begin() as connection:
            rows = [connection.execute(_ROW, {"id": ids[(offset + n) % len(ids)]}).one()._asdict()
                    for n in range(STATEMENTS_PER_REQUEST)]
        return jsonify({"rows": rows, "data": body.get("data")})

    return app
