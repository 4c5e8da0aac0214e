"""The web layers (api/, admin/) hold no query of their own: every read goes through an engine
function that applies the access policy. This fails on any query-building import or session query
there, so a new endpoint cannot quietly bypass the policy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_MODULES = sorted(p for layer in ("api", "admin") for p in (ROOT / layer).rglob("*.py"))
# What builds or runs SQL; types (ColumnElement, Session) and exceptions are fine.
QUERY_NAMES = {"select", "insert", "update", "delete", "func", "text", "and_", "or_", "exists", "union",
               "joinedload", "selectinload", "subqueryload", "undefer", "aliased", "tuple_"}
SESSION_CALLS = {"execute", "scalar", "scalars", "query", "get", "merge", "add", "add_all", "delete", "flush"}


def problems(path: Path) -> list[str]:
    """What in ``path`` builds SQL or asks a session for rows, one line each."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"imports {alias.name} from {node.module}" for alias in node.names if alias.name in QUERY_NAMES]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SESSION_CALLS:
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "func", None)
            called = name if isinstance(name, str) else getattr(name, "id", "")
            if "session" in called.lower():
                found.append(f"calls {called}.{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", WEB_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_query_in_the_web_layers(path):
    assert problems(path) == [], path.relative_to(ROOT)


def test_the_check_sees_a_query(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from sqlalchemy import ColumnElement, select\n"
                      "get_session().scalar(select(X))\nsession.execute(q)\nclient.get('/')\n")
    assert problems(sample) == ["imports select from sqlalchemy", "calls get_session.scalar()",
                                "calls session.execute()"]
