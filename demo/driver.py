"""Plays one demo scenario with the engine's own commands (start, claim, complete, reassign,
delegate, extend, withdraw), moving a fixed clock from action to action, so the dossier's history,
due times, pauses and timeliness are what the engine computed."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.intake import start_data
from demo.org_plan import DEMO_USERNAMES
from demo.people import Names
from demo.roster import Person, Roster
from demo.scenarios import Scenario, last_working_instant, previous_working_day
from demo.step_data import DELEGATE_REASONS, EXTEND_REASONS, WITHDRAW_REASONS
from engine.calendar.clock import FixedClock
from engine.persistence.models import OPEN_TASK_STATUSES, Dossier, HumanTask, TaskStatus
from engine.runtime.actions import extend_deadline, withdraw_dossier
from engine.runtime.assignments import delegate_task, reassign_tasks
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task

REF_KEY = "demo_ref"  # in Dossier.applicant: which demo scenario made the dossier


class DemoError(Exception):
    """A scenario the demo organisation cannot play (nobody to do a step)."""


_TOKEN = re.compile(r"\$([a-z_]+)(?:\+(\d+))?")


def fill(template: Any, values: dict[str, Any], day: date) -> Any:
    """The step data with its placeholders filled for this dossier and day."""
    if isinstance(template, dict):
        return {k: fill(v, values, day) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values, day) for v in template]
    if not isinstance(template, str) or "$" not in template:
        return template

    def value(match: re.Match[str]) -> Any:
        name, offset = match.group(1), int(match.group(2) or 0)
        if name == "date":
            return (day + timedelta(days=offset)).isoformat()
        if name == "dmy":
            return day.strftime("%d/%m/%Y")
        return values[name]

    whole = _TOKEN.fullmatch(template)
    if whole:
        return value(whole)
    return _TOKEN.sub(lambda m: str(value(m)), template)


class Driver:
    """Plays one scenario with the engine's commands, moving the fixed clock from action to action."""

    def __init__(self, session: Session, ctx: EngineContext, clock: FixedClock, roster: Roster, names: Names,
                 scenario: Scenario, zone: ZoneInfo, now: datetime) -> None:
        self.session, self.ctx, self.clock, self.roster, self.s, self.zone = session, ctx, clock, roster, scenario, zone
        self.rng = random.Random(scenario.seed)
        self.names = names
        names.reseed(f"{scenario.seed}:people")
        self.calendar = ctx.calendar
        self.now = now  # the real present: every action happens before it
        self.done_by: dict[str, set[int]] = defaultdict(set)
        self.version: LoadedVersion | None = None
        self.dossier: Dossier | None = None
        self.values: dict[str, Any] = {}

    def day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def run(self) -> None:
        s = self.s
        steps = [step for stage in s.path[:s.done] for step in stage]
        if s.done < len(s.path):
            steps += s.path[s.done][:s.partial]
        actions: list[tuple[str, Any]] = [("complete", step) for step in steps]
        if s.extend:
            actions.insert(min(1, len(actions)), ("extend", None))
        if s.outcome == "withdrawn":
            actions.append(("withdraw", None))
        elif s.outcome == "open":
            actions.append(("hold", s.hold or "queue"))
        self.start()
        if s.outcome in ("open", "withdrawn"):
            end = last_working_instant(self.calendar, self.now) - timedelta(minutes=5)
            yesterday = self.calendar.end_of_working_day(
                previous_working_day(self.calendar, self.day(self.now))).astimezone(UTC)
            if s.hold in ("claim", "assign", "delegate") and self.rng.random() < 0.5 \
                    and s.received_at < yesterday - timedelta(hours=2):
                # Taken on an earlier day, by someone who may be away today (their deputy has it).
                end = yesterday - timedelta(minutes=self.rng.randint(10, 90))
            instants = self.spread(s.received_at, end, len(actions))
            for (kind, argument), at in zip(actions, instants, strict=True):
                self.act(kind, argument, at)
            return
        assert self.dossier is not None and self.dossier.due_at is not None
        planned_final = self.final_instant(self.dossier.due_at, s.received_at)
        instants = self.spread(s.received_at, planned_final, len(actions))
        for (kind, argument), at in zip(actions[:-1], instants[:-1], strict=True):
            self.act(kind, argument, at)
        due = self.dossier.due_at
        final = max(self.final_instant(due, instants[-2] if len(instants) > 1 else s.received_at),
                    self.clock.now() + timedelta(minutes=2))
        if final >= self.now:
            final = self.now - timedelta(minutes=1)
        kind, argument = actions[-1]
        self.act(kind, argument, final)

    def final_instant(self, due: datetime, after: datetime) -> datetime:
        """When the last step happens for the scenario's outcome, given the legal due time."""
        outcome, calendar = self.s.outcome, self.calendar
        if self.s.extend:
            return calendar.add_working_time(due, timedelta(hours=self.rng.randint(2, 7)))
        if outcome == "late":
            return calendar.add_working_time(due, timedelta(hours=self.rng.randint(2, 14)))
        if outcome == "early":
            due_day = self.day(due)
            candidate = calendar.add_working_time(after, calendar.working_time_between(after, due) * 0.45)
            # A recent dossier closed early: by now, however far its due time is.
            candidate = min(candidate, last_working_instant(calendar, self.now) - timedelta(minutes=20))
            if self.day(candidate) < due_day and candidate > after:
                return candidate
        # on time: on the due day, before the due time (the last hour or two of the day)
        on_time = due - timedelta(minutes=self.rng.randint(15, 100))
        if self.calendar.is_working_day(due) and on_time < (opening := calendar.start_of_working_day(due)):
            on_time = opening + (due - opening) / 2  # due early in the morning (moved by a pause)
        return max(on_time, after + timedelta(minutes=5))

    def spread(self, start: datetime, end: datetime, count: int) -> list[datetime]:
        """``count`` instants after ``start``, the last at ``end``, evenly in working time."""
        total = self.calendar.working_time_between(start, end)
        instants, previous = [], start
        for index in range(1, count + 1):
            position = index if index == count else index - self.rng.uniform(0.1, 0.5)
            share = total * (position / count)
            at = self.calendar.add_working_time(start, share) if total > timedelta() else start
            at = end if index == count else at
            at = max(at, previous + timedelta(minutes=1))
            instants.append(at.astimezone(UTC))
            previous = at
        return instants

    # -- commands -----------------------------------------------------------------------------

    def start(self) -> None:
        s = self.s
        self.clock.set(s.received_at)
        day = self.day(s.received_at)
        center_id = self.roster.centers[s.center]
        receptionist = self.pick(None, "reception", day, center_id=center_id, any_unit=True)
        person = self.names.applicant(s.locality)
        intake, self.values = start_data(s.key, self.rng, self.names, person, s.locality, day)
        self.values.update(self.team_names(day))
        applicant = {**intake["applicant"], REF_KEY: s.ref}
        self.dossier = start_dossier(self.session, self.ctx, s.key, actor=receptionist.actor, center_code=s.center,
                                     channel=s.channel, data=intake, applicant=applicant)
        self.version = self.ctx.version(self.session, self.dossier.procedure_version_id)

    def act(self, kind: str, argument: Any, at: datetime) -> None:
        self.clock.set(at)
        if kind == "complete":
            element, template = argument
            self.complete(element, template, at)
        elif kind == "extend":
            self.extend(at)
        elif kind == "withdraw":
            self.withdraw(at)
        elif kind == "hold":
            self.hold(argument, at)

    def open_task(self, element: str | None = None) -> HumanTask | None:
        assert self.dossier is not None
        query = select(HumanTask).where(HumanTask.dossier_id == self.dossier.id,
                                        HumanTask.status.in_(OPEN_TASK_STATUSES))
        if element is not None:
            query = query.where(HumanTask.element_id == element)
        return self.session.scalars(query.order_by(HumanTask.ready_at, HumanTask.element_id)).first()

    def four_eyes(self, element: str) -> set[int]:
        assert self.version is not None
        pairs = self.version.metadata.get("four_eyes", [])
        return {official for pair in pairs if len(pair) == 2 and pair[1] == element
                for official in self.done_by.get(pair[0], set())}

    def complete(self, element: str, template: dict[str, Any], at: datetime) -> None:
        task = self.open_task(element)
        if task is None:
            return  # the diagram went another way (a timer fired): nothing to do at this step
        day = self.day(at)
        if task.status == TaskStatus.CLAIMED and task.assignee_id is not None:
            person = self.roster.acting_for(self.roster.people[task.assignee_id], day)
            if person is None:
                raise DemoError(f"nobody acts for the holder of {element}")
        else:
            person = self.pick(task.department, task.candidate_role, day, exclude=self.four_eyes(element))
            if self.rng.random() < 0.25:
                gap = min(timedelta(minutes=20), (at - task.ready_at) / 2)
                self.clock.set(at - gap)
                claim_task(self.session, self.ctx, task.id, actor=person.actor)
                self.clock.set(at)
        submitted = fill(template, self.values, day)
        complete_task(self.session, self.ctx, task.id, actor=person.actor, data=submitted)
        self.done_by[element].add(person.id)

    def hold(self, how: str, at: datetime) -> None:
        if how == "claim":
            # Every open task of the dossier is taken, parallel branches too.
            assert self.dossier is not None
            for ready in self.session.scalars(
                    select(HumanTask).where(HumanTask.dossier_id == self.dossier.id,
                                            HumanTask.status == TaskStatus.READY)
                    .order_by(HumanTask.ready_at, HumanTask.element_id)).all():
                self.hold_one(ready, how, at)
            return
        first = self.open_task()
        if first is not None and how != "queue" and first.status == TaskStatus.READY:
            self.hold_one(first, how, at)

    def hold_one(self, task: HumanTask, how: str, at: datetime) -> None:
        day = self.day(at)
        people = self.roster.candidates(task.department, task.candidate_role, day, self.dossier_center(),
                                     exclude=self.four_eyes(task.element_id))
        if not people:
            raise DemoError(f"nobody in {task.department} ({task.candidate_role}) on {day}")
        # Now and then the holder is away today, so their deputy sees the task.
        away_today = [p for p in people if self.roster.on_leave(p, self.day(self.now))]
        person = self.choose(people, prefer=away_today if self.rng.random() < 0.35 else None)
        if how == "assign":
            leader = self.roster.leader_for(task.department, day, self.dossier_center())
            if leader is None:
                raise DemoError(f"no leader for {task.department}")
            reassign_tasks(self.session, self.ctx, [task.id], actor=leader.actor,
                           to_official_id=person.id, reason="Phân công xử lý theo lĩnh vực phụ trách")
            return
        claim_task(self.session, self.ctx, task.id, actor=person.actor)
        others = [p for p in people if p.id != person.id and not self.roster.on_leave(p, self.day(self.now))]
        if how == "delegate" and others:
            self.clock.set(at + timedelta(minutes=3) if at + timedelta(minutes=3) < self.now else at)
            delegate_task(self.session, self.ctx, task.id, actor=person.actor,
                          to_official_id=self.rng.choice(others).id, reason=self.rng.choice(DELEGATE_REASONS))

    def extend(self, at: datetime) -> None:
        assert self.dossier is not None and self.version is not None and self.dossier.due_at is not None
        leader = self.center_leader(at)
        due = self.dossier.due_at
        new_due = self.calendar.end_of_working_day(self.calendar.add_working_days(due, 3))
        extend_deadline(self.session, self.ctx, self.dossier.id, actor=leader.actor, new_due_at=new_due,
                        reason=self.rng.choice(EXTEND_REASONS))

    def withdraw(self, at: datetime) -> None:
        assert self.dossier is not None
        # The citizen's request is recorded by whom the law lets withdraw: the center's leader.
        withdraw_dossier(self.session, self.ctx, self.dossier.id, actor=self.center_leader(at).actor,
                         reason=self.rng.choice(WITHDRAW_REASONS))

    # -- people -------------------------------------------------------------------------------

    def center_leader(self, at: datetime) -> Person:
        return self.pick(None, "center_leader", self.day(at), center_id=self.dossier_center(), any_unit=True)

    def dossier_center(self) -> int | None:
        return self.dossier.center_id if self.dossier is not None else None

    def pick(self, unit: str | None, role: str | None, day: date, *, center_id: int | None = None,
             exclude: set[int] | None = None, any_unit: bool = False) -> Person:
        center_id = center_id if center_id is not None else self.dossier_center()
        if any_unit:
            people = self.roster.anywhere(role or "", day, center_id)
        else:
            people = self.roster.candidates(unit, role, day, center_id, exclude)
        if not people:
            raise DemoError(f"nobody in {unit or 'any unit'} ({role}) on {day}")
        return self.choose(people)

    def choose(self, people: list[Person], prefer: list[Person] | None = None) -> Person:
        """Someone of ``people``; the README's demo logins get a fair share of the work."""
        demo = [p for p in people if p.username in DEMO_USERNAMES]
        if prefer:
            return self.rng.choice(prefer)
        if demo and self.rng.random() < 0.4:
            return demo[0]
        return self.rng.choice(sorted(people, key=lambda p: p.id))

    def team_names(self, day: date) -> dict[str, str]:
        """Names the tourist appraisal team lists: real people of the department and the association."""
        values = {}
        for placeholder, unit in (("specialist_name", "so_vhttdl.phong_quan_ly_du_lich"),
                                  ("association_name", "hiep_hoi_du_lich")):
            people = self.roster.candidates(unit, "specialist", day)
            values[placeholder] = people[0].full_name if people else "Chuyên viên"
        return values


