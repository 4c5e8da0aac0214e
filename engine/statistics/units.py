"""Which units a unit's figures roll up to: the unit itself and every unit above it.

Read on every command that reaches or closes a dossier, so the tree is kept per database and
reloaded when a code is missing or a few minutes have passed (units change rarely: an import).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.persistence.models import Unit

_RELOAD_AFTER_SECONDS = 300.0
_lock = threading.Lock()
_trees: dict[str, tuple[float, dict[str, tuple[str, ...]]]] = {}
# Each Engine's database as a string, worked out once: hashing a URL renders it, which cost a
# command more than looking the codes up.
_database_of: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _database(session: Session) -> str:
    engine = session.get_bind().engine
    database = _database_of.get(engine)
    if database is None:
        database = _database_of[engine] = engine.url.render_as_string(hide_password=False)
    return database


def _load(session: Session) -> dict[str, tuple[str, ...]]:
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.code)).all()
    parent = {row.id: row.parent_id for row in rows}
    code = {row.id: row.code for row in rows}
    tree: dict[str, tuple[str, ...]] = {}
    for unit_id, unit_code in code.items():
        chain, seen, current = [], set(), unit_id
        while current is not None and current not in seen:  # a cycle in bad data must not hang a command
            seen.add(current)
            chain.append(code[current])
            current = parent.get(current)
        tree[unit_code] = tuple(chain)
    return tree


def with_ancestors(session: Session, codes: Iterable[str | None]) -> set[str]:
    """The units of ``codes`` and all units above them; a code that is no unit stands for itself."""
    wanted = {code for code in codes if code}
    if not wanted:
        return set()
    key = _database(session)  # the database, not the Engine object: tests make many of one
    with _lock:
        loaded_at, tree = _trees.get(key, (0.0, {}))
    if time.monotonic() - loaded_at > _RELOAD_AFTER_SECONDS or not wanted <= tree.keys():
        tree = _load(session)
        # A code still missing is no unit (a department a diagram names that the organisation lacks):
        # kept as itself, so the next command naming it does not read the tree again.
        tree.update({code: (code,) for code in wanted - tree.keys()})
        with _lock:
            _trees[key] = (time.monotonic(), tree)
    found: set[str] = set()
    for code in wanted:
        found.update(tree.get(code, (code,)))
    return found


def forget_units() -> None:
    """Drop every loaded tree (after an organisation import, and between tests)."""
    with _lock:
        _trees.clear()
