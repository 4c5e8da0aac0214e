"""Which units a unit's figures roll up to: the unit itself and every unit above it.

Read on every command that reaches or closes a dossier, so the tree is kept per database and
reloaded when a code is missing or a few minutes have passed (units change rarely: an import).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.persistence.models import Official, Unit

_RELOAD_AFTER_SECONDS = 300.0
_lock = threading.Lock()


@dataclass
class _Tree:
    """One database's units: each code's chain up to the root, and each unit id's code."""

    loaded_at: float = 0.0
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)

    def stale(self) -> bool:
        return time.monotonic() - self.loaded_at > _RELOAD_AFTER_SECONDS


_trees: dict[str, _Tree] = {}
# Each Engine's database as a string, worked out once: hashing a URL renders it, which cost a
# command more than looking the codes up.
_database_of: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _database(session: Session) -> str:
    engine = session.get_bind().engine
    database = _database_of.get(engine)
    if database is None:
        database = _database_of[engine] = engine.url.render_as_string(hide_password=False)
    return database


def _load(session: Session) -> _Tree:
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.code)).all()
    parent = {row.id: row.parent_id for row in rows}
    code = {row.id: row.code for row in rows}
    chains: dict[str, tuple[str, ...]] = {}
    for unit_id, unit_code in code.items():
        chain, seen, current = [], set(), unit_id
        while current is not None and current not in seen:  # a cycle in bad data must not hang a command
            seen.add(current)
            chain.append(code[current])
            current = parent.get(current)
        chains[unit_code] = tuple(chain)
    return _Tree(time.monotonic(), chains, code)


def _tree(session: Session, codes: set[str] = frozenset(), unit_id: int | None = None) -> _Tree:  # type: ignore[assignment]
    """The database's tree, reloaded when stale or when it lacks one of ``codes`` or ``unit_id``."""
    key = _database(session)  # the database, not the Engine object: tests make many of one
    with _lock:
        tree = _trees.get(key) or _Tree()
    if tree.stale() or not codes <= tree.chains.keys() or (unit_id is not None and unit_id not in tree.codes):
        tree = _load(session)
        # A code still missing is no unit (a department a diagram names that the organisation lacks):
        # kept as itself, so the next command naming it does not read the tree again.
        tree.chains.update({code: (code,) for code in codes - tree.chains.keys()})
        with _lock:
            _trees[key] = tree
    return tree


def with_ancestors(session: Session, codes: Iterable[str | None]) -> set[str]:
    """The units of ``codes`` and all units above them; a code that is no unit stands for itself."""
    wanted = {code for code in codes if code}
    if not wanted:
        return set()
    chains = _tree(session, wanted).chains
    found: set[str] = set()
    for code in wanted:
        found.update(chains.get(code, (code,)))
    return found


def receiving_unit(session: Session, official_id: int | None) -> str | None:
    """The unit of the official who received a dossier at the desk (None: received online or by
    the system, or an official of no unit). The official is in the session already: the access
    policy read them to allow the reception."""
    if official_id is None:
        return None
    official = session.get(Official, official_id)
    return None if official is None else unit_code(session, official.unit_id)


def unit_code(session: Session, unit_id: int | None) -> str | None:
    """The code of the unit ``unit_id`` (None for None or a unit that no longer exists)."""
    if unit_id is None:
        return None
    return _tree(session, unit_id=unit_id).codes.get(unit_id)


def forget_units() -> None:
    """Drop every loaded tree (after an organisation import, and between tests)."""
    with _lock:
        _trees.clear()
