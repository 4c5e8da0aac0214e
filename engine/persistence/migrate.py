"""Apply Alembic migrations programmatically (`motcua db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(db_engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db_engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(db_engine: Engine, revision: str = "head") -> None:
    config = alembic_config(db_engine)
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def make_revision(db_engine: Engine, message: str) -> None:
    """Autogenerate a migration from the models (developers only)."""
    config = alembic_config(db_engine)
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def schema_revisions(db_engine: Engine) -> tuple[set[str], set[str]]:
    """The database's applied revisions and the code's heads, after a query proving it answers.

    Raises the driver's error (sqlalchemy.exc.DBAPIError) when the database does not answer.
    """
    heads = set(ScriptDirectory.from_config(alembic_config(db_engine)).get_heads())
    with db_engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, heads
