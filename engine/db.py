"""Declarative base, naming convention and session factory."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Named constraints make Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create the SQLAlchemy engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    db_engine = create_engine(url, **kwargs)
    if db_engine.dialect.name == "postgresql":
        # psycopg's executemany pipelines one statement per row, with a server round trip of
        # waiting each; SQLAlchemy's "insertmanyvalues" sends the rows of a command's INSERTs as
        # one multi-row statement instead (it is on by default only for INSERT ... RETURNING).
        db_engine.dialect.use_insertmanyvalues_wo_returning = True
        _end_read_only_transactions_with_commit(db_engine)
    if db_engine.dialect.name == "sqlite":
        event.listen(db_engine, "connect", _sqlite_on_connect)
        event.listen(db_engine, "begin", _sqlite_begin_immediate)
    return db_engine


_WROTE = "motcua_wrote"


def _end_read_only_transactions_with_commit(db_engine: Engine) -> None:
    """Keep psycopg's prepared statements when a transaction that only read is closed.

    psycopg forgets every prepared statement whenever a transaction rolls back (in case the
    transaction dropped something they refer to) and sends DEALLOCATE ALL, so each statement is
    parsed and planned again. Most rollbacks here end transactions that only read: an API GET
    closes its session without committing. For those, COMMIT is the same for the database and
    keeps the statements prepared. A transaction that ran anything but a plain SELECT (written
    or not, failed or not) is rolled back as usual.
    """
    import psycopg  # only PostgreSQL engines need the driver loaded
    from psycopg.pq import TransactionStatus

    dialect = db_engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    def note_writes(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not _is_plain_read(statement):
            info = _connection_info(conn.connection)
            if info is not None:
                info[_WROTE] = True

    def do_rollback(connection: Any) -> None:
        info = _connection_info(connection)
        wrote = True if info is None else info.pop(_WROTE, False)
        driver = getattr(connection, "driver_connection", None)
        if not wrote and driver is not None and driver.info.transaction_status == TransactionStatus.INTRANS:
            try:
                driver.commit()
                return
            except psycopg.Error:
                pass  # then the rollback below ends it
        rollback(connection)

    def do_commit(connection: Any) -> None:
        info = _connection_info(connection)
        if info is not None:
            info.pop(_WROTE, None)
        commit(connection)

    event.listen(db_engine, "before_cursor_execute", note_writes)
    dialect.do_rollback = do_rollback  # type: ignore[method-assign,assignment]
    dialect.do_commit = do_commit  # type: ignore[method-assign,assignment]


def _connection_info(connection: Any) -> dict[str, Any] | None:
    # The connection SQLAlchemy uses while it first inspects the server has no info dictionary.
    try:
        info: dict[str, Any] = connection.info
    except (AttributeError, NotImplementedError):
        return None
    return info


def _is_plain_read(statement: str) -> bool:
    # SELECT ... INTO creates a table; anything else that is not a SELECT may write.
    return statement.lstrip()[:6].upper() == "SELECT" and " INTO " not in statement.upper()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Execution option of the engine that read-only sessions use (make_session_factory(read_only=True)).
READ_ONLY = "motcua_read_only"


def _sqlite_begin_immediate(connection: Any) -> None:
    # SQLite has no SELECT ... FOR UPDATE. BEGIN IMMEDIATE takes the write lock at the start of
    # each command, so two commands on one dossier run one after the other instead of failing
    # with "database is locked" half-way through. A transaction that only reads (a page, a GET)
    # takes no write lock: a deferred BEGIN reads one snapshot, next to the writer, in WAL mode.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(db_engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on ``db_engine``. ``read_only``: for requests that only read (GET): on SQLite their
    transactions do not take the write lock, so they neither wait for a command nor hold one up.
    Such a session must not write: on SQLite a write there could fail at once with "database is
    locked" when another command wrote since it began, instead of waiting its turn."""
    bind = db_engine.execution_options(**{READ_ONLY: True}) if read_only else db_engine
    return sessionmaker(bind=bind, expire_on_commit=False)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored as UTC; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass a timezone-aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
