"""Read and write a dossier's workflow_task rows (see engine.persistence.state)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.persistence.models import WorkflowTask, table_of
from engine.persistence.state import StateChanges

_TABLE = table_of(WorkflowTask)


def _upsert_statement(dialect: Any) -> Any:
    statement = dialect.insert(_TABLE)
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.dossier_id, _TABLE.c.task_id], set_={"body": statement.excluded.body}
    )


# Built once: constructing the ON CONFLICT clause costs more than executing it.
_UPSERT = {"postgresql": _upsert_statement(postgresql), "sqlite": _upsert_statement(sqlite)}


# Core, built once: an ORM-enabled DELETE costs several times what the statement does.
_DELETE = delete(_TABLE).where(
    _TABLE.c.dossier_id == bindparam("dossier_id"), _TABLE.c.task_id.in_(bindparam("task_ids", expanding=True))
)


# Core, built once, like the others: the rows come back as plain tuples, a few hundred of them for
# a dossier that has looped through its steps many times.
_READ = (
    select(_TABLE.c.task_id, _TABLE.c.position, _TABLE.c.body)
    .where(_TABLE.c.dossier_id == bindparam("dossier_id"))
    .order_by(_TABLE.c.position)
)


def read_task_rows(session: Session, dossier_id: int) -> list[tuple[str, int, str]]:
    return [tuple(row) for row in session.connection().execute(_READ, {"dossier_id": dossier_id})]


def write_task_rows(session: Session, dossier_id: int, changes: StateChanges) -> None:
    """Upsert the changed rows in one statement and delete the removed ones."""
    connection = session.connection()
    if changes.upserts:
        connection.execute(
            _UPSERT[connection.dialect.name],
            [{"dossier_id": dossier_id, "task_id": r.task_id, "position": r.position, "body": r.body}
             for r in changes.upserts],
        )
    if changes.deleted:
        connection.execute(_DELETE, {"dossier_id": dossier_id, "task_ids": changes.deleted})
