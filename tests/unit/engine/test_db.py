"""Database engine set-up: on PostgreSQL, transactions that only read end without losing psycopg's
prepared statements; anything that wrote, or failed, is still rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import ProgrammingError

from engine.persistence.models import Center, table_of

CENTERS = table_of(Center)


@pytest.fixture
def postgresql_engine(db_engine, session_factory):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements exist on PostgreSQL only")
    return db_engine


def _prepared(connection) -> int:
    return connection.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar_one()


def test_reads_closed_without_commit_keep_the_prepared_statements(postgresql_engine):
    with postgresql_engine.connect() as connection:
        for _ in range(8):  # psycopg prepares a statement on its fifth run
            connection.execute(select(CENTERS.c.id).where(CENTERS.c.code == "none"))
            connection.rollback()
        assert _prepared(connection) >= 1


def test_a_transaction_that_wrote_is_rolled_back(postgresql_engine):
    with postgresql_engine.connect() as connection:
        connection.execute(insert(CENTERS).values(code="rolled_back", name="x", agency_identifier="x", kind="local"))
        connection.rollback()
        assert connection.execute(select(CENTERS.c.id).where(CENTERS.c.code == "rolled_back")).first() is None


def test_a_failed_transaction_is_rolled_back_and_the_connection_works_on(postgresql_engine):
    with postgresql_engine.connect() as connection:
        with pytest.raises(ProgrammingError):
            connection.execute(text("SELECT no_such_column FROM center"))
        connection.rollback()
        assert connection.execute(text("SELECT 1")).scalar_one() == 1


def test_a_session_that_only_read_leaves_nothing_open(postgresql_engine, session_factory):
    with session_factory() as session:
        session.execute(select(Center)).all()
    with postgresql_engine.connect() as connection:
        open_transactions = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND pid <> pg_backend_pid()").scalar_one()
    assert open_transactions == 0


# --- SQLite: a transaction that only reads takes no write lock -----------------------------------


@pytest.fixture
def sqlite_engine(db_engine, session_factory):
    if db_engine.dialect.name != "sqlite":
        pytest.skip("the write lock taken at BEGIN is SQLite's")
    return db_engine


def _begins(db_engine, work) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if statement.upper().startswith("BEGIN"):
            seen.append(statement.upper())

    event.listen(db_engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(db_engine, "before_cursor_execute", note)
    return seen


def test_commands_take_the_write_lock_at_begin_and_reads_do_not(sqlite_engine, session_factory):
    from engine.db import make_session_factory

    reads = make_session_factory(sqlite_engine, read_only=True)

    def command() -> None:
        with session_factory.begin() as session:
            session.execute(select(Center.id)).all()

    def read() -> None:
        with reads() as session:
            session.execute(select(Center.id)).all()

    assert _begins(sqlite_engine, command) == ["BEGIN IMMEDIATE"]
    assert _begins(sqlite_engine, read) == ["BEGIN"]


def test_a_read_goes_on_while_a_command_holds_the_write_lock(sqlite_engine, session_factory):
    from engine.db import make_session_factory

    reads = make_session_factory(sqlite_engine, read_only=True)
    with session_factory() as command:
        command.execute(insert(CENTERS).values(code="held", name="x", agency_identifier="x", kind="local"))
        # The command holds SQLite's write lock until it ends; a read neither waits nor sees its row.
        with reads() as session:
            assert session.execute(select(CENTERS.c.id).where(CENTERS.c.code == "held")).first() is None
        command.commit()
    with reads() as session:
        assert session.execute(select(CENTERS.c.id).where(CENTERS.c.code == "held")).first() is not None
