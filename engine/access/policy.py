"""The one access policy: "may this official do this to this object?" and "which objects may they see?".

Every command and query asks here; the rules themselves are data (``engine.access.rules``). The
system (an actor without an official, i.e. the scheduler) is not an official and is never refused.
A dossier or task outside the caller's scope is "not found", as if it did not exist: its existence
is itself personal. Anything else refused is a PermissionDeniedError naming the rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, event, false, or_, select, true
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.expression import False_, True_

from engine.access.rules import ANYONE, RULES, Action, Grant, Rule
from engine.access.scopes import (
    NO_FACTS,
    Caller,
    TaskFacts,
    could_take,
    covers,
    dossier_clause,
    reaches_center,
    reaches_official,
    task_clause,
    task_reaches,
)
from engine.errors import NotFoundError, PermissionDeniedError
from engine.persistence.models import Center, Dossier, HumanTask, Official

Target = Dossier | HumanTask | Center | Official | None


class Someone(Protocol):
    """An official, or an actor naming one by id (None: the system)."""

    @property
    def id(self) -> int | None: ...


def dossier_not_found(ref: object) -> NotFoundError:
    return NotFoundError(f"Không tìm thấy hồ sơ '{ref}'", message_en=f"Dossier '{ref}' not found")


def task_not_found(task_id: object) -> NotFoundError:
    return NotFoundError(f"Không tìm thấy công việc {task_id}", message_en=f"Task {task_id} not found")


def denied(rule: Rule) -> PermissionDeniedError:
    error = PermissionDeniedError(f"Không được phép ({rule.action}): {rule.rule}",
                                  message_en=f"Not allowed ({rule.action}): {rule.rule_en}")
    error.rule = rule.action  # type: ignore[attr-defined]
    return error


def caller_of(session: Session, who: Someone, today: date) -> Caller | None:
    """The official behind ``who`` (None for the system); an unknown or inactive account may do nothing.

    One Caller per official and day for the rest of the transaction: a request asks the policy
    several times (the scope of its answer, the command's checks), and the centers and deputies
    behind each answer are the same queries every time. Forgotten at the end of the transaction
    and after any write through the session (see ``_forget_callers``).
    """
    if who.id is None:
        return None
    callers: dict[tuple[int, date], Caller] = session.info.setdefault(_CALLERS, {})
    caller = callers.get((who.id, today))
    if caller is not None:
        return caller
    official = who if isinstance(who, Official) else session.get(Official, who.id)
    if official is None or not official.active:
        raise PermissionDeniedError("Tài khoản không còn hoạt động", message_en="The account is not active")
    caller = callers[(who.id, today)] = Caller(session, official, today)
    return caller


_CALLERS = "motcua_access_callers"


def _forget_callers(session: Session, *_args: object) -> None:
    session.info.pop(_CALLERS, None)


def _forget_callers_after_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget_callers(state.session)


# An organisation change written in the transaction (a deputy, a unit, an official's roles) is
# seen by the next question: flushes and ORM-level UPDATE/DELETE statements forget the callers.
event.listen(Session, "after_flush", _forget_callers)
event.listen(Session, "after_transaction_end", _forget_callers)
event.listen(Session, "do_orm_execute", _forget_callers_after_write)


def _grants(caller: Caller, action: Action) -> list[Grant]:
    return [g for g in RULES[action].grants if g.role == ANYONE or g.role in caller.roles]


def dossier_scope(session: Session, who: Someone, today: date,
                  action: Action = Action.DOSSIER_READ) -> ColumnElement[bool]:
    """The dossiers ``who`` may ``action``, as a clause on Dossier."""
    caller = caller_of(session, who, today)
    if caller is None:
        return true()
    clauses = [dossier_clause(caller, g.scope) for g in _grants(caller, action)]
    return or_(*clauses) if clauses else false()


def task_scope(session: Session, who: Someone, today: date, action: Action = Action.TASK_READ,
               facts: TaskFacts = NO_FACTS) -> ColumnElement[bool]:
    """The tasks ``who`` may ``action``, as a clause on HumanTask; ``facts``: what the query already
    requires of every task it reads (the clause is then only right for such tasks)."""
    caller = caller_of(session, who, today)
    if caller is None:
        return true()
    grants = _grants(caller, action)
    if any(covers(g.scope, facts) for g in grants):  # before any clause asks for the caller's centers
        return true()
    clauses = [task_clause(caller, g.scope, facts) for g in grants]
    if any(isinstance(clause, True_) for clause in clauses):
        return true()
    clauses = [clause for clause in clauses if not isinstance(clause, False_)]
    return or_(*clauses) if clauses else false()


def task_reader(session: Session, who: Someone, today: date) -> Callable[[HumanTask], bool]:
    """Whether ``who`` may read a task, judged on the task's loaded columns. Taken before a command
    (whose writes make the policy forget the caller), it answers on the command's result with the
    centers and deputies read once, without reading the task again."""
    caller = caller_of(session, who, today)
    if caller is None:
        return lambda _task: True
    grants = _grants(caller, Action.TASK_READ)
    return lambda task: any(task_reaches(caller, g.scope, task) for g in grants)


def _reaches(session: Session, caller: Caller, action: Action, target: Target) -> bool:
    grants = _grants(caller, action)
    if isinstance(target, Dossier):
        clauses = [dossier_clause(caller, g.scope) for g in grants]
        return bool(clauses) and session.scalar(
            select(Dossier.id).where(Dossier.id == target.id, or_(*clauses))) is not None
    if isinstance(target, HumanTask):  # the clause's own test, on the loaded row (a command has just locked it)
        return any(task_reaches(caller, g.scope, target) for g in grants)
    if isinstance(target, Center):
        return any(reaches_center(caller, g.scope, target.id) for g in grants)
    if isinstance(target, Official):
        return any(reaches_official(caller, g.scope, target) for g in grants)
    return bool(grants)


def may(session: Session, who: Someone, action: Action, target: Target = None, *, today: date) -> bool:
    caller = caller_of(session, who, today)
    return caller is None or _reaches(session, caller, action, target)


def _reaches_noted(session: Session, caller: Caller, action: Action, target: Target) -> bool:
    """``_reaches``, noting a dossier or task the caller may read (for ``_was_seen``)."""
    reached = _reaches(session, caller, action, target)
    if reached and isinstance(target, Dossier | HumanTask) and action in (Action.DOSSIER_READ, Action.TASK_READ):
        caller.seen.add((type(target).__name__, target.id))
    return reached


def _was_seen(session: Session, caller: Caller, action: Action, target: Dossier | HumanTask) -> bool:
    """Whether the caller may read the target, or was shown it earlier in this transaction.

    Only the choice between "not found" and "not allowed" rests on it (a target the caller was
    shown is no secret to them, whatever a command did to it since), so a command that first
    locked and read its task asks the database once, not twice."""
    return (type(target).__name__, target.id) in caller.seen or _reaches_noted(session, caller, action, target)


def authorize(session: Session, who: Someone, action: Action, target: Target = None, *, today: date,
              ref: object = None) -> None:
    """Raise unless ``who`` may do ``action`` to ``target``.

    A dossier (or task) the caller may not even see raises NotFoundError with ``ref`` (what the
    caller named it by), exactly as a missing one would; otherwise PermissionDeniedError names the rule.
    """
    caller = caller_of(session, who, today)
    if caller is None:
        return
    if isinstance(target, Dossier) and action is not Action.DOSSIER_READ \
            and not _was_seen(session, caller, Action.DOSSIER_READ, target):
        raise dossier_not_found(target.code if ref is None else ref)
    if isinstance(target, HumanTask) and action is not Action.TASK_READ \
            and not _was_seen(session, caller, Action.TASK_READ, target):
        raise task_not_found(target.id)
    if not _reaches_noted(session, caller, action, target):
        if action is Action.DOSSIER_READ and isinstance(target, Dossier):
            raise dossier_not_found(target.code if ref is None else ref)
        if action is Action.TASK_READ and isinstance(target, HumanTask):
            raise task_not_found(target.id)
        raise denied(RULES[action])


def check_new_holder(session: Session, official: Official, task: HumanTask, *, today: date) -> None:
    """The official a task is handed to (delegation, reassignment) must be one who could do it there."""
    if not could_take(official, task, Caller(session, official, today).centers):
        raise PermissionDeniedError(
            f"{official.full_name} không thuộc {task.department} với vai trò {task.candidate_role} "
            f"tại trung tâm của hồ sơ",
            message_en=f"{official.full_name} is not in {task.department} with role {task.candidate_role} "
                       f"at the dossier's center")


def visible_task_id(session: Session, who: Someone, task_id: uuid.UUID, *, today: date) -> uuid.UUID:
    """``task_id`` if ``who`` may see that task; NotFoundError otherwise, as for a missing task."""
    found = session.scalar(select(HumanTask.id).where(HumanTask.id == task_id, task_scope(session, who, today)))
    if found is None:
        raise task_not_found(task_id)
    return found
