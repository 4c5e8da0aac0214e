"""Every procedure of the library, driven along random paths (hypothesis: which open step is done
next, with which of the demo's answers for it, claims and releases, an extension, waiting for the
timers, the scheduler's deadline sweep, a withdrawal), then replayed and verified: the replay of
each dossier is identical to its record, and its history chain (with the task and dossier rows it
covers) verifies.

Bounded and derandomized so the whole module stays within about a minute on a loaded machine: a
few examples per procedure, each a dozen actions at most.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import undefer

from demo.driver import fill
from demo.intake import start_data
from demo.paths import PATHS
from demo.people import Names
from engine.audit.replay import replay
from engine.audit.verify import verify_where
from engine.errors import EngineError, FormInvalidError, PermissionDeniedError
from engine.feedback import submit_feedback
from engine.persistence.models import Dossier, DossierStatus
from engine.runtime.actions import extend_deadline, withdraw_dossier
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task, release_task
from engine.scheduling import fire_due_timers, mark_dossier_deadlines
from tests.conftest import LIBRARY, deploy, open_tasks
from tests.procedures import test_citizen_feedback as feedback
from tests.procedures.driver import move_time_to, wake_at
from tests.procedures.test_certified_copy import center  # noqa: F401 - a ward's center: commune steps go there
from tests.staff import Staff

pytestmark = pytest.mark.usefixtures("traveller")

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# What the demo's officials answer at each step, per procedure: every answer any demo path gives.
ANSWERS: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
for _key, _paths in PATHS.items():
    for _path in _paths.values():
        for _stage in _path:
            for _element, _answer in _stage:
                if _answer not in ANSWERS[_key][_element]:
                    ANSWERS[_key][_element].append(_answer)


# Citizens' feedback comes from the public form, not the counter: its own answers and intake.
ANSWERS["citizen_feedback"].update(classify_feedback=[feedback.FORWARD, feedback.NOT_ACCEPTED],
                                   answer_feedback=[feedback.ANSWER])


def test_the_answers_cover_every_procedure_of_the_library():
    assert set(ANSWERS) == {folder.name for folder in LIBRARY.iterdir()
                            if (folder / "procedure.json").exists() and not folder.name.startswith("_")}


@pytest.fixture(params=sorted(ANSWERS))
def key(request, session_factory, ctx):
    deploy(session_factory, ctx, request.param)
    return request.param


@pytest.fixture(scope="module")
def names():
    return Names("replay-property")  # building a Faker is slow: one per module


class Walk:
    """One random path of one dossier, drawn action by action."""

    def __init__(self, key, draw, session_factory, ctx, clock, traveller, staff, names):
        self.key, self.draw, self.sf, self.ctx, self.clock = key, draw, session_factory, ctx, clock
        self.traveller, self.staff = traveller, staff
        self.extended = False
        seed = draw(st.integers(0, 10_000), label="seed")
        if key == "citizen_feedback":
            self.values = {}
            with session_factory.begin() as session:
                code = submit_feedback(session, ctx, center_code="hcc_ha_long", **feedback.FEEDBACK).code
                self.dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
            return
        intake, self.values = start_data(key, random.Random(seed), names, names.applicant("phường Hạ Long"),
                                         "phường Hạ Long", self.day())
        self.values.setdefault("specialist_name", "Trần Văn Minh")
        self.values.setdefault("association_name", "Lê Thị Hoa")
        with session_factory.begin() as session:
            self.dossier_id = start_dossier(session, ctx, key, actor=staff.reception, center_code="hcc_ha_long",
                                            data=intake).id

    def day(self):
        return self.clock.now().astimezone(ZONE).date()

    def later(self, minutes):
        move_time_to(self.traveller, self.clock, self.clock.now() + timedelta(minutes=minutes))

    def status(self):
        with self.sf() as session:
            return session.scalar(select(Dossier.status).where(Dossier.id == self.dossier_id))

    def run(self, actions):
        for _ in range(actions):
            if self.status() not in (DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT,
                                     DossierStatus.AWAITING_PAYMENT):
                return
            tasks = open_tasks(self.sf, self.dossier_id)
            choices = ["complete"] * 8 + ["claim", "release"] if tasks else []
            if wake_at(self.sf, self.dossier_id) is not None:
                choices += ["wait"] * 4
            choices += ["sweep"] + ([] if self.extended else ["extend"])
            if not tasks or self.draw(st.integers(0, 9), label="withdraw?") == 0:
                choices.append("withdraw")
            action = self.draw(st.sampled_from(choices), label="action")
            self.later(self.draw(st.sampled_from([5, 40, 240, 1500, 4000]), label="minutes"))
            getattr(self, action)(tasks)

    def complete(self, tasks):
        task = self.draw(st.sampled_from(tasks), label="task")
        answers = ANSWERS[self.key][task.element_id]
        assert answers, f"no demo answer for {self.key}.{task.element_id}"
        first = self.draw(st.integers(0, len(answers) - 1), label="answer")
        for answer in answers[first:] + answers[:first]:  # an answer the form refuses now: the next one
            try:
                self._complete(task, fill(answer, self.values, self.day()))
                return
            except FormInvalidError:
                continue

    def _complete(self, task, data, number=1):
        actor = self.staff.for_task(task.id, number)
        try:
            with self.sf.begin() as session:
                complete_task(session, self.ctx, task.id, actor=actor, data=data)
        except PermissionDeniedError:
            if number > 1:
                raise
            self._complete(task, data, 2)  # four-eyes: a colleague of the same unit does it

    def claim(self, tasks):
        task = self.draw(st.sampled_from(tasks), label="task")
        with self.sf.begin() as session:
            claim_task(session, self.ctx, task.id, actor=self.staff.for_task(task.id))

    def release(self, tasks):
        claimed = [t for t in tasks if t.assignee_id is not None]
        if claimed:
            task = self.draw(st.sampled_from(claimed), label="task")
            with self.sf.begin() as session:
                release_task(session, self.ctx, task.id, actor=self.staff.for_task(task.id))

    def wait(self, tasks):
        move_time_to(self.traveller, self.clock, wake_at(self.sf, self.dossier_id) + timedelta(minutes=1))
        fire_due_timers(self.sf, self.ctx)

    def sweep(self, tasks):
        mark_dossier_deadlines(self.sf, self.ctx)

    def extend(self, tasks):
        self.extended = True
        with self.sf() as session:
            due = session.scalar(select(Dossier.due_at).where(Dossier.id == self.dossier_id))
        try:
            with self.sf.begin() as session:
                extend_deadline(session, self.ctx, self.dossier_id, actor=self.staff.center_leader,
                                new_due_at=due + timedelta(days=5), reason="Cần thêm thời gian xác minh")
        except EngineError:
            pass  # past the deadline already: the law allows no extension then

    def withdraw(self, tasks):
        with self.sf.begin() as session:
            withdraw_dossier(session, self.ctx, self.dossier_id, actor=self.staff.center_leader,
                             reason="Công dân xin rút hồ sơ")


@settings(max_examples=4, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_paths_replay_identical(key, data, session_factory, ctx, clock, traveller, center, names):  # noqa: F811
    staff = Staff(session_factory, center.code)
    walk = Walk(key, data.draw, session_factory, ctx, clock, traveller, staff, names)
    walk.run(data.draw(st.integers(4, 14), label="actions"))

    with session_factory() as session:
        dossiers = session.scalars(select(Dossier).options(undefer(Dossier.state), undefer(Dossier.data))).all()
        for dossier in dossiers:  # the sweep also marks the dossiers of earlier examples
            result = replay(session, ctx, dossier)
            assert result.divergence is None, (dossier.code, result.divergence.as_dict())
        verification = verify_where(session, Dossier.id.in_([d.id for d in dossiers]))
        assert verification.ok, [b.as_dict() for b in verification.breaks]
