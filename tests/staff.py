"""Real officials for the tests that drive dossiers: one per unit and role at the test center, made
the first time a step needs them, so every command passes the access policy as it would in use.
The system actor (no official) is the scheduler's alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence.models import Center, HumanTask, Official, TaskStatus, Unit
from engine.runtime.command import Actor

RECEPTION_DESK = "trung_tam_hcc"


@dataclass
class Staff:
    """The test center's officials by (unit, role); ``for_task`` names who does a step."""

    session_factory: sessionmaker[Session]
    center_code: str
    made: dict[tuple[str, str, int], Actor] = field(default_factory=dict)

    @property
    def reception(self) -> Actor:
        return self.of(RECEPTION_DESK, "reception")

    @property
    def center_leader(self) -> Actor:
        """The center's leader: withdraws, stops and extends its dossiers."""
        return self.of(RECEPTION_DESK, "center_leader")

    def of(self, unit: str, role: str, number: int = 1) -> Actor:
        """The ``number``-th official of ``unit`` with ``role`` at the test center (made if missing)."""
        key = (unit, role, number)
        if key not in self.made:
            self.made[key] = self._make(unit, role, number)
        return self.made[key]

    def for_task(self, task_id: uuid.UUID, number: int = 1) -> Actor:
        """Who does the task: its holder if claimed, else an official of its unit and role."""
        with self.session_factory() as session:  # closed before `of` opens its own (SQLite: one writer)
            task = session.get(HumanTask, task_id)
            assert task is not None, task_id
            if task.status == TaskStatus.CLAIMED and task.assignee_id is not None:
                holder = session.get(Official, task.assignee_id)
                assert holder is not None
                return Actor(holder.id, holder.full_name)
            department, role = task.department, task.candidate_role
        assert department and role, f"task {task_id} has no unit or role"
        return self.of(department, role, number)

    def _make(self, unit_code: str, role: str, number: int) -> Actor:
        with self.session_factory.begin() as session:
            unit = session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                parent_code = unit_code.rsplit(".", 1)[0] if "." in unit_code else None
                parent = session.scalar(select(Unit).where(Unit.code == parent_code)) if parent_code else None
                unit = Unit(code=unit_code, name=unit_code, kind="division" if parent else "department",
                            parent_id=parent.id if parent else None)
                session.add(unit)
                session.flush()
            center_id = session.scalar(select(Center.id).where(Center.code == self.center_code))
            username = f"{role}.{unit_code}.{number}"
            official = session.scalar(select(Official).where(Official.username == username))
            if official is None:
                official = Official(username=username, full_name=f"Cán bộ {role} {unit_code} {number}",
                                    password_hash="-", roles=[role], unit_id=unit.id, center_id=center_id,
                                    active=True, created_at=datetime(2026, 1, 1, tzinfo=UTC))
                session.add(official)
                session.flush()
            return Actor(official.id, official.full_name)


def staff_of(session_factory: sessionmaker[Session], center: Any) -> Staff:
    return Staff(session_factory, center.code)
