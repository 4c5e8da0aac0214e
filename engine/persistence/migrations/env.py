"""Alembic environment: runs against the connection engine.persistence.migrate hands it."""

from __future__ import annotations

from alembic import context

from engine.db import Base
from engine.persistence import models  # noqa: F401  (registers every table on Base.metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through engine.persistence.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
