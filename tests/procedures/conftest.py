"""Fixtures of the procedure tests: the engine context with the workflow cache off (so each command
really loads what the last one stored) and the stored writes verified, and a dossier of the
procedure a test module names in its module-level `PROCEDURE` (a `driver.Procedure`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from engine.calendar.clock import FixedClock
from engine.runtime.context import EngineContext, build_context
from engine.settings import EngineSettings
from tests.conftest import LIBRARY, deploy
from tests.procedures.driver import Procedure, SessionFactory, assert_state_round_trips, start
from tests.staff import Staff


@pytest.fixture
def ctx(clock: FixedClock) -> EngineContext:
    return build_context(EngineSettings(library_path=LIBRARY, workflow_cache_size=0, verify_state_writes=True), clock)


@pytest.fixture
def procedure(request: pytest.FixtureRequest) -> Procedure:
    """The procedure under test: the module's `PROCEDURE`."""
    return request.module.PROCEDURE


@pytest.fixture
def deployed(session_factory: SessionFactory, ctx: EngineContext, procedure: Procedure) -> int:
    """The id of the deployed version of the procedure under test."""
    return deploy(session_factory, ctx, procedure.key)


@pytest.fixture
def dossier_id(session_factory: SessionFactory, ctx: EngineContext, procedure: Procedure, deployed: int,
               center: Any, staff: Staff) -> int:
    """A dossier of the procedure under test, just received by the center's reception, its stored
    state round-tripped."""
    dossier_id = start(session_factory, ctx, procedure, center, staff)
    assert_state_round_trips(session_factory, ctx, dossier_id)
    return dossier_id


@pytest.fixture
def traveller(clock: FixedClock) -> Iterator[Any]:
    """SpiffWorkflow compares timers with the real now(): freeze it at the engine clock.

    Modules with timers use it for every test: `pytestmark = pytest.mark.usefixtures("traveller")`."""
    with time_machine.travel(clock.now(), tick=False) as traveller:
        yield traveller
