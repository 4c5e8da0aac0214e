"""Read and write a dossier's workflow_task rows (see engine.persistence.state)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.persistence.models import WorkflowTask
from engine.persistence.state import StateChanges

_TABLE = WorkflowTask.__table__


def read_task_rows(session: Session, dossier_id: int) -> list[tuple[str, int, str]]:
    rows = session.execute(
        select(WorkflowTask.task_id, WorkflowTask.position, WorkflowTask.body)
        .where(WorkflowTask.dossier_id == dossier_id)
        .order_by(WorkflowTask.position)
    )
    return [(row.task_id, row.position, row.body) for row in rows]


def write_task_rows(session: Session, dossier_id: int, changes: StateChanges) -> None:
    """Upsert the changed rows in one statement and delete the removed ones."""
    if changes.upserts:
        dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_TABLE)
        statement = statement.on_conflict_do_update(
            index_elements=[_TABLE.c.dossier_id, _TABLE.c.task_id], set_={"body": statement.excluded.body}
        )
        session.execute(
            statement,
            [{"dossier_id": dossier_id, "task_id": r.task_id, "position": r.position, "body": r.body}
             for r in changes.upserts],
        )
    if changes.deleted:
        session.execute(
            delete(WorkflowTask).where(WorkflowTask.dossier_id == dossier_id, WorkflowTask.task_id.in_(changes.deleted))
        )
