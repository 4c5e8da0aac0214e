"""Fixtures shared by the engine's integration tests."""

from __future__ import annotations

import pytest

from engine.persistence.models import Official
from engine.runtime.command import Actor


@pytest.fixture
def admin(session_factory, ctx) -> Actor:
    with session_factory.begin() as session:
        official = Official(username="quantri", full_name="Vũ Thị Quản", password_hash="x", roles=["admin"],
                            active=True, created_at=ctx.clock.now())
        session.add(official)
        session.flush()
        return Actor(official.id, official.full_name)
