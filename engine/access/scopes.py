"""What each scope of the rules reaches, for one official on one day.

Dossier and task scopes are SQL clauses, so a list query filters with exactly the clause that checks
one object; centers and officials (targets of a few commands) are checked in Python. A task a command
has locked is checked in Python too, by ``task_reaches``, the same rule on the loaded row (the test
suite holds the two to the same answers), so the command asks the database nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import False_, True_

from engine.access.rules import Scope
from engine.org.directory import ROLE_ALIASES, absent_officials_covered_by, normalise_role
from engine.persistence.models import Center, Dossier, HumanTask, Official, TaskStatus, Unit

OPEN = (TaskStatus.READY, TaskStatus.CLAIMED)


def _subtree(model: type[Center] | type[Unit]) -> Any:
    """The ids of the row ``:root`` and of every row below it, as a recursive CTE.

    The database walks the hierarchy, so a request reads its official's branch, not the whole
    province's tree. UNION (not UNION ALL) drops rows already found: a cycle ends the walk.
    """
    below = select(model.id).where(model.id == bindparam("root")).cte(f"{model.__tablename__}_below", recursive=True)
    return below.union(select(model.id).join(below, model.parent_id == below.c.id))


# Read on most requests (the policy's scopes): built once, as constructing costs about what running does.
_CENTERS_BELOW = select(_subtree(Center).c.id)
_UNIT_CODES_BELOW = select(Unit.code).where(Unit.id.in_(select(_subtree(Unit).c.id)))


@dataclass
class Caller:
    """An official asking the policy, with what their scopes reach (computed once, when needed)."""

    session: Session
    official: Official
    day: date
    # Dossiers and tasks (type name, id) the policy found the official may read, this transaction.
    seen: set[tuple[str, object]] = field(default_factory=set)

    @property
    def id(self) -> int:
        return self.official.id

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(normalise_role(role) or role for role in self.official.roles)

    @cached_property
    def candidate_roles(self) -> list[str]:
        """The lane roles the official can take, old names included (lanes bound before the rename)."""
        return sorted(self.roles | {old for old, new in ROLE_ALIASES.items() if new in self.roles})

    @cached_property
    def centers(self) -> frozenset[int]:
        """The official's center and those below it: a provincial center's staff serve local centers' dossiers."""
        if self.official.center_id is None:
            return frozenset()
        return frozenset(self.session.scalars(_CENTERS_BELOW, {"root": self.official.center_id}))

    @cached_property
    def led_units(self) -> list[str]:
        """Codes of the official's unit and every unit below it."""
        if self.official.unit_id is None:
            return []
        return sorted(self.session.scalars(_UNIT_CODES_BELOW, {"root": self.official.unit_id}))

    @cached_property
    def holders(self) -> list[int]:
        """The official and the absent officials they deputise for today."""
        return [self.id, *absent_officials_covered_by(self.session, self.id, self.day)]


def _in_centers(column: Any, caller: Caller) -> ColumnElement[bool]:
    return column.in_(sorted(caller.centers)) if caller.centers else false()


def _dossier_has_task(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(HumanTask.dossier_id == Dossier.id, *conditions)


def dossier_clause(caller: Caller, scope: Scope) -> ColumnElement[bool]:
    """The dossiers ``scope`` reaches for ``caller``."""
    unit = caller.official.unit_code
    if scope is Scope.ANY:
        return true()
    if scope is Scope.OWN_CENTER:
        center_id = caller.official.center_id
        return Dossier.center_id == center_id if center_id is not None else false()
    if scope is Scope.CENTER:
        return _in_centers(Dossier.center_id, caller)
    if scope is Scope.UNIT:
        return and_(_in_centers(Dossier.center_id, caller), _dossier_has_task(HumanTask.department == unit)) \
            if unit else false()
    if scope is Scope.UNIT_TREE:
        return and_(_in_centers(Dossier.center_id, caller),
                    _dossier_has_task(HumanTask.department.in_(caller.led_units))) if caller.led_units else false()
    if scope is Scope.HOLDING:
        return and_(_in_centers(Dossier.center_id, caller),
                    _dossier_has_task(HumanTask.department.in_(caller.led_units), HumanTask.status.in_(OPEN))) \
            if caller.led_units else false()
    if scope is Scope.TOOK_PART:
        return or_(Dossier.created_by_id == caller.id,
                   _dossier_has_task(or_(HumanTask.assignee_id == caller.id, HumanTask.completed_by_id == caller.id)))
    return false()


@dataclass(frozen=True)
class TaskFacts:
    """What a query already requires of every task it reads, so the policy's clause leaves out what
    those tasks satisfy anyway and the grants they cannot match. Repeated conditions mislead
    PostgreSQL's row estimates (it multiplies their selectivities) and an OR of grants that cannot
    match keeps it from walking an index in due-time order (bench.inbox): the inbox's views say
    what they are, and get the same tasks from a clause the planner reads well."""

    status: TaskStatus | None = None
    department: str | None = None
    held: bool = False  # claimed by the official or by an absent official they deputise for today
    delegated: bool = False  # handed on by the official


NO_FACTS = TaskFacts()


def _status_is(facts: TaskFacts, status: TaskStatus) -> ColumnElement[bool]:
    if facts.status is None:
        return HumanTask.status == status
    return true() if facts.status == status else false()


def _department_in(facts: TaskFacts, units: list[str]) -> ColumnElement[bool]:
    if facts.department is None:
        return HumanTask.department == units[0] if len(units) == 1 else HumanTask.department.in_(units)
    return true() if facts.department in units else false()


def _all(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """``and_``, but plainly true() or false() when the facts decide it (the policy drops such grants)."""
    if any(isinstance(condition, False_) for condition in conditions):
        return false()
    left = [condition for condition in conditions if not isinstance(condition, True_)]
    return and_(*left) if left else true()


def covers(scope: Scope, facts: TaskFacts) -> bool:
    """Whether ``scope`` reaches every task that has ``facts`` (known without asking the database)."""
    return scope is Scope.ANY or (scope is Scope.HOLDER and facts.held) \
        or (scope is Scope.DELEGATED and facts.delegated)


def task_clause(caller: Caller, scope: Scope, facts: TaskFacts = NO_FACTS) -> ColumnElement[bool]:
    """The tasks ``scope`` reaches for ``caller``, from the task row's own columns (the inbox indexes
    them); of those that have ``facts``, when the query asks only for such tasks."""
    unit = caller.official.unit_code
    if covers(scope, facts):
        return true()
    if scope is Scope.CENTER:
        return _in_centers(HumanTask.center_id, caller)
    if scope is Scope.UNIT:
        return _all(_department_in(facts, [unit]), _in_centers(HumanTask.center_id, caller)) if unit else false()
    if scope is Scope.UNIT_TREE:
        return _all(_department_in(facts, caller.led_units), _in_centers(HumanTask.center_id, caller)) \
            if caller.led_units else false()
    if scope is Scope.UNIT_TASK:
        return _all(_status_is(facts, TaskStatus.READY), _department_in(facts, [unit]),
                    HumanTask.candidate_role.in_(caller.candidate_roles),
                    _in_centers(HumanTask.center_id, caller)) if unit else false()
    if scope is Scope.HOLDER:  # the holders are a query: not asked for when the status rules them out
        claimed = _status_is(facts, TaskStatus.CLAIMED)
        return false() if isinstance(claimed, False_) else _all(claimed, HumanTask.assignee_id.in_(caller.holders))
    if scope is Scope.ASSIGNEE:
        return _all(_status_is(facts, TaskStatus.CLAIMED), HumanTask.assignee_id == caller.id)
    if scope is Scope.DELEGATED:
        return HumanTask.delegated_by_id == caller.id
    return false()


def task_reaches(caller: Caller, scope: Scope, task: HumanTask) -> bool:
    """``task_clause`` judged on a loaded task's own columns, in Python: a command checks the row it has
    just locked without asking the database again. The task's columns come first, so the caller's
    centers and deputies are read only when the task's unit and holder leave the answer open."""
    unit = caller.official.unit_code
    claimed = task.status == TaskStatus.CLAIMED
    if scope is Scope.ANY:
        return True
    if scope is Scope.CENTER:
        return task.center_id in caller.centers
    if scope is Scope.UNIT:
        return bool(unit) and task.department == unit and task.center_id in caller.centers
    if scope is Scope.UNIT_TREE:
        return task.department is not None and task.department in caller.led_units \
            and task.center_id in caller.centers
    if scope is Scope.UNIT_TASK:
        return bool(unit) and task.status == TaskStatus.READY and task.department == unit \
            and task.candidate_role in caller.candidate_roles and task.center_id in caller.centers
    if scope is Scope.HOLDER:
        return claimed and task.assignee_id is not None \
            and (task.assignee_id == caller.id or task.assignee_id in caller.holders)
    if scope is Scope.ASSIGNEE:
        return claimed and task.assignee_id == caller.id
    if scope is Scope.DELEGATED:
        return task.delegated_by_id is not None and task.delegated_by_id == caller.id
    return False


def reaches_center(caller: Caller, scope: Scope, center_id: int | None) -> bool:
    if scope is Scope.ANY:
        return True
    if scope is Scope.OWN_CENTER:
        return center_id is not None and center_id == caller.official.center_id
    if scope is Scope.CENTER:
        return center_id in caller.centers
    return False


def reaches_official(caller: Caller, scope: Scope, official: Official) -> bool:
    if scope is Scope.ANY:
        return True
    if scope is Scope.SELF:
        return official.id == caller.id
    if scope is Scope.LEADS:
        return caller.official.unit_id is not None and official.unit_id is not None \
            and official.unit_code in caller.led_units
    return False


def could_take(official: Official, task: HumanTask, centers: frozenset[int]) -> bool:
    """Whether ``official`` is one who could do ``task``: its unit, role and center (for delegation targets)."""
    return bool(official.active and task.department and official.unit_code == task.department
                and normalise_role(task.candidate_role) in {normalise_role(r) for r in official.roles}
                and task.center_id in centers)


def official_centers(session: Session, official: Official, day: date) -> frozenset[int]:
    return Caller(session, official, day).centers
