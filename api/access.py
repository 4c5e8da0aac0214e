"""The signed-in official asks the engine's access policy (engine.access.policy); the API decides nothing itself."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement

from api.deps import current_engine, current_official, get_session
from engine.access import policy
from engine.access.policy import Target
from engine.access.rules import Action
from engine.persistence.models import HumanTask


def allow(action: Action, target: Target = None) -> None:
    """Raise unless the signed-in official may do ``action`` to ``target`` (403 naming the rule, or 404)."""
    policy.authorize(get_session(), current_official(), action, target, today=current_engine().today())


def seen_dossiers(action: Action = Action.DOSSIER_READ) -> ColumnElement[bool]:
    """The dossiers the signed-in official may read (or ``action``), as the engine's clause: built before
    a command, so that reading its result after the commit is one short query (on SQLite, a write lock)."""
    return policy.dossier_scope(get_session(), current_official(), current_engine().today(), action)


def task_reader() -> Callable[[HumanTask], bool]:
    """Whether the signed-in official may read a task, as the engine judges it on the task's row: taken
    before a command, it answers on the command's result without reading the task again."""
    return policy.task_reader(get_session(), current_official(), current_engine().today())
