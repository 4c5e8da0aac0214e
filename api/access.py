"""The signed-in official asks the engine's access policy (engine.access.policy); the API decides nothing itself."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from api.deps import current_engine, current_official, get_session
from engine.access import policy
from engine.access.policy import Target
from engine.access.rules import Action


def allow(action: Action, target: Target = None) -> None:
    """Raise unless the signed-in official may do ``action`` to ``target`` (403 naming the rule, or 404)."""
    policy.authorize(get_session(), current_official(), action, target, today=current_engine().today())


def seen_dossiers(action: Action = Action.DOSSIER_READ) -> ColumnElement[bool]:
    """The dossiers the signed-in official may read (or ``action``), as the engine's clause: built before
    a command, so that reading its result after the commit is one short query (on SQLite, a write lock)."""
    return policy.dossier_scope(get_session(), current_official(), current_engine().today(), action)


def seen_tasks() -> ColumnElement[bool]:
    """The tasks the signed-in official may read, as the engine's clause (built before a command, as above)."""
    return policy.task_scope(get_session(), current_official(), current_engine().today())
