"""A diagram whose script never ends, or builds a gigabyte, fails at its step and holds nothing:
intake at the same center goes on, in another thread, while it runs."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from engine.errors import ScriptLimitError
from engine.persistence.models import Dossier, DossierCodeSequence, HistoryEvent, HumanTask, TaskStatus
from engine.runtime.context import build_context
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from engine.settings import EngineSettings
from tests.conftest import LIBRARY, deploy
from tests.fixtures import tiny_procedure

LIMIT = 1.0
# Loops when the intake says so: one deployed procedure serves the stuck start and the normal one.
SPIN = "n = 0\nwhile spin:\n    n += 1\nlabel = 'a' * size"


@pytest.fixture
def limited_ctx(clock):
    return build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True,
                                        script_time_limit_seconds=LIMIT, script_memory_limit_mb=8), clock)


@pytest.fixture
def spinning(session_factory, limited_ctx, tmp_path):
    folder = tmp_path / tiny_procedure.KEY
    for name, content in tiny_procedure.files(script=SPIN).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    deploy(session_factory, limited_ctx, tiny_procedure.KEY, folder)


def _start(session_factory, ctx, center, actor, *, spin: bool, size: int = 1) -> Dossier:
    with session_factory.begin() as session:
        return start_dossier(session, ctx, tiny_procedure.KEY, actor=actor, center_code=center.code,
                             data={"applicant": {"applicant_name": "Phạm Văn Bình"}, "spin": spin, "size": size})


def _rows(session_factory, model) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_endless_script_fails_at_its_step_and_line_and_writes_nothing(
        session_factory, limited_ctx, center, actor, spinning):
    started = time.monotonic()
    with pytest.raises(ScriptLimitError) as caught:
        _start(session_factory, limited_ctx, center, actor, spin=True)
    assert time.monotonic() - started < LIMIT + 2.0
    error = caught.value
    assert error.element_id == "compute" and error.kind == "time" and error.line in (2, 3)
    assert error.details() == {"element_id": "compute", "detail": error.detail, "limit": "time",
                               "limit_value": "1 s", "line": error.line, "incident": error.incident}
    # The dossier was kept as an incident in the session; this caller's transaction rolled it back.
    assert "compute" in error.message and "thời gian" in error.message and "time limit" in error.message_en
    assert [_rows(session_factory, m) for m in (Dossier, HumanTask, HistoryEvent)] == [0, 0, 0]


def test_a_memory_bomb_fails_at_its_line(session_factory, limited_ctx, center, actor, spinning):
    with pytest.raises(ScriptLimitError) as caught:
        _start(session_factory, limited_ctx, center, actor, spin=False, size=10**9)
    assert (caught.value.kind, caught.value.line, caught.value.limit) == ("memory", 4, "8 MiB")
    assert _rows(session_factory, Dossier) == 0
    assert _start(session_factory, limited_ctx, center, actor, spin=False).code  # the next one goes through


def test_intake_at_the_same_center_goes_on_while_a_script_spins(
        session_factory, limited_ctx, center, actor, spinning, is_postgresql):
    finished: dict[str, float] = {}
    outcome: dict[str, object] = {}

    def stuck() -> None:
        try:
            _start(session_factory, limited_ctx, center, actor, spin=True)
        except ScriptLimitError as error:
            outcome["stuck"] = error
        finished["stuck"] = time.monotonic()

    thread = threading.Thread(target=stuck)
    thread.start()
    time.sleep(LIMIT / 3)  # the first start is inside its script now
    code = _start(session_factory, limited_ctx, center, actor, spin=False).code
    finished["normal"] = time.monotonic()
    thread.join(timeout=LIMIT + 30)
    assert not thread.is_alive()
    assert isinstance(outcome["stuck"], ScriptLimitError)
    with session_factory() as session:
        assert session.scalars(select(Dossier.code)).all() == [code]
        counter = session.scalar(select(DossierCodeSequence.last_number))
    if is_postgresql:
        # Nothing locks the counter while the diagram runs; the stuck start's number stays unused.
        assert finished["normal"] < finished["stuck"]
        assert code.endswith("-0002") and counter == 2
    else:
        # SQLite has one writer at a time: the second start waits for the first to be stopped.
        assert code.endswith("-0001") and counter == 1


def test_a_condition_over_its_limit_fails_the_completion_and_leaves_the_task_open(
        session_factory, limited_ctx, center, actor, tmp_path):
    folder = tmp_path / "bomb" / tiny_procedure.KEY
    for name, content in tiny_procedure.files(condition='9 ** 4000000 > 1 and decision == "approve"').items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    deploy(session_factory, limited_ctx, tiny_procedure.KEY, folder)
    dossier = _start(session_factory, limited_ctx, center, actor, spin=False)
    with session_factory() as session:
        (task_id,) = session.scalars(select(HumanTask.id).where(HumanTask.dossier_id == dossier.id)).all()
    with pytest.raises(ScriptLimitError) as caught, session_factory.begin() as session:
        complete_task(session, limited_ctx, task_id, actor=actor, data={"decision": "approve"})
    assert caught.value.kind == "memory" and caught.value.line is None
    with session_factory.begin() as session:  # nothing half-written, nothing locked: the task is still open
        assert claim_task(session, limited_ctx, task_id, actor=actor).status == TaskStatus.CLAIMED
