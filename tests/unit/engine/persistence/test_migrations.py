"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import Base

# Created by the migrations on PostgreSQL only (GIN indexes: pg_trgm, JSONB), so not declared on the models.
MIGRATION_ONLY = {"ix_human_task_open_search_trgm", "ix_dossier_open_reached"}


def _declared(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and reflected and name in MIGRATION_ONLY)


def test_migrated_schema_matches_the_models(db_engine):
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _declared})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_postgresql_has_the_trigram_index_for_inbox_search(db_engine):
    import pytest
    from sqlalchemy import inspect

    if db_engine.dialect.name != "postgresql":
        pytest.skip("pg_trgm exists on PostgreSQL only")
    names = {index["name"] for index in inspect(db_engine).get_indexes("human_task")}
    assert "ix_human_task_open_search_trgm" in names


def test_postgresql_indexes_open_dossiers_by_the_units_they_reached(db_engine):
    import pytest
    from sqlalchemy import inspect

    if db_engine.dialect.name != "postgresql":
        pytest.skip("a JSONB GIN index exists on PostgreSQL only")
    names = {index["name"] for index in inspect(db_engine).get_indexes("dossier")}
    assert "ix_dossier_open_reached" in names
