"""The test dossier: a draft (or a version) run in a throwaway database with an organisation,
step by step, saying for each step which officials it would reach and the time it is allotted.

Nothing touches the real database beyond reading the draft: the sandbox is an in-memory SQLite
database holding the organisation a seed function writes (the web layers pass the demo
province's; the engine may not import ``demo``), built once a day per process and copied for each
run. The procedure is deployed and activated there, a dossier received at a center, and each open
step completed by the system with data its form accepts (engine.studio.sample_data), the
analyst's choices winning. At a step that records a decision, each choice is tried in a savepoint
and undone; unless the analyst chose, the walk takes the one nearest to a result issued
(engine.studio.paths). The engine's own commands do every step, so the walk is what a real
dossier would do in that organisation.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.calendar.clock import FixedClock
from engine.db import Base, make_db_engine, make_session_factory
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import activate_version
from engine.deployment.validate import read_diagrams
from engine.errors import EngineError, FormInvalidError, NotFoundError, WorkflowFailedError
from engine.org.directory import candidate_ids
from engine.org.localities import FIELD_ROLE, LOCALITY_KIND, RECEIVING_CENTER, locality_source
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    OPEN_TASK_STATUSES,
    Center,
    Dossier,
    DossierStatus,
    HumanTask,
    Official,
    Unit,
)
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext, LoadedVersion, build_context
from engine.runtime.dossiers import start_dossier, start_form_name
from engine.runtime.tasks import complete_task
from engine.studio.drafts import files_of
from engine.studio.files import package_of, shared_diagrams
from engine.studio.paths import distances_to_result
from engine.studio.sample_data import choices as field_choices
from engine.studio.sample_data import sample
from forms.roles import roles_of

Seed = Callable[[Session, datetime], None]  # writes an organisation into an empty database
SANDBOX_ACTOR = Actor(None, "Hồ sơ thử")
MAX_STEPS = 60
MAX_VISITS = 4  # the same step this often: the walk is going round a loop
FAR = 10**6  # a choice that does not bring the dossier nearer to a result issued
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    unit: str | None


@dataclass(frozen=True)
class ChoiceOutcome:
    """Where one value of a step's decision leads: the next steps, or the dossier's end."""

    value: Any
    leads_to: list[str]
    status: str | None = None  # the dossier's status when it ends (or fails) there
    message: str | None = None
    message_en: str | None = None


@dataclass(frozen=True)
class SandboxStep:
    element_id: str
    name: str
    lane: str | None
    stage: str | None
    allotted_time: str | None
    ready_at: datetime
    due_at: datetime | None
    unit: str | None
    unit_name: str | None
    role: str | None
    policy: str
    assignee: Person | None
    candidates: list[Person]
    candidates_total: int
    decision_field: str | None
    decision: Any
    options: list[ChoiceOutcome]
    data: dict[str, Any]


@dataclass(frozen=True)
class SandboxStop:
    """Why the walk stopped before the dossier ended."""

    reason: str  # failed | invalid_data | waiting | loop | too_long
    message: str
    message_en: str
    element_id: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SandboxRun:
    procedure: str
    center: str
    locality: str | None
    received_at: datetime | None
    due_at: datetime | None
    start_data: dict[str, Any]
    steps: list[SandboxStep]
    status: str | None
    result_name: str | None
    stopped: SandboxStop | None


class Sandbox:
    """Throwaway in-memory databases holding the organisation ``seed`` writes.

    The organisation is written once a day into a template (leave and deputies depend on the day);
    each run gets a copy (SQLite's backup API), so a run costs a copy, not a seeding.
    """

    def __init__(self, seed: Seed) -> None:
        self._seed = seed
        self._template: Engine | None = None
        self._day: date | None = None
        self._lock = threading.Lock()

    def database(self, now: datetime) -> Engine:
        with self._lock:
            if self._template is None or self._day != now.date():
                if self._template is not None:
                    self._template.dispose()
                self._template, self._day = self._build(now), now.date()
            copy = _memory_database()
            with self._template.connect() as source, copy.connect() as target:
                source.connection.driver_connection.backup(target.connection.driver_connection)  # type: ignore[union-attr]
            return copy

    def _build(self, now: datetime) -> Engine:
        template = _memory_database()
        Base.metadata.create_all(template)
        with make_session_factory(template).begin() as session:
            self._seed(session, now)
        return template


def _memory_database() -> Engine:
    # One connection shared by every session, or each would see an empty database of its own.
    return make_db_engine("sqlite://", poolclass=StaticPool)


def run_sandbox(session: Session, who: Someone, key: str, *, ctx: EngineContext, sandbox: Sandbox,
                version: int | None = None, center: str | None = None,
                choices: Mapping[str, Any] | None = None) -> SandboxRun:
    """Walk a test dossier of the procedure's draft (or of version ``version``) in the sandbox.

    ``choices`` maps a step's element id (the start event's for the intake) to the field values the
    analyst chose there: one mapping for every visit of the step, or a list of them, one per visit
    (``[{"decision": "request_supplement"}]``: supplementation once, then the default path). A draft
    that does not validate raises DeploymentError with its problems.
    """
    authorize(session, who, Action.PROCEDURE_DRAFT_READ, today=ctx.today())
    files = files_of(session, key, version)
    now = ctx.clock.now().astimezone(UTC)
    database = sandbox.database(now)
    try:
        sandbox_ctx = build_context(dataclasses.replace(ctx.settings, workflow_cache_size=0), FixedClock(now))
        sandbox_ctx.calendar = ctx.calendar
        package = package_of(key, files, shared_diagrams(ctx.settings.library_path))
        with make_session_factory(database)() as sandbox_session:
            deployed = deploy_procedure(sandbox_session, package, clock=sandbox_ctx.clock, actor=SANDBOX_ACTOR)
            activate_version(sandbox_session, key, deployed.version.version, actor=SANDBOX_ACTOR,
                             reason="Hồ sơ thử", clock=sandbox_ctx.clock)
            diagrams, _ = read_diagrams(package)
            walk = _Walk(sandbox_session, sandbox_ctx, sandbox_ctx.version(sandbox_session, deployed.version.id),
                         dict(choices or {}), distances_to_result(diagrams))
            return walk.run(center)
    finally:
        database.dispose()


@dataclass
class _Walk:
    session: Session
    ctx: EngineContext
    version: LoadedVersion
    choices: dict[str, Any]
    distances: dict[str, int]

    def chosen(self, element_id: str, visit: int) -> dict[str, Any]:
        """The analyst's values for the ``visit``-th time the walk is at ``element_id`` (from 1)."""
        given = self.choices.get(element_id)
        if isinstance(given, list):
            given = given[visit - 1] if visit <= len(given) else None
        return dict(given) if isinstance(given, Mapping) else {}

    def run(self, center_code: str | None) -> SandboxRun:
        center = self._center(center_code)
        start_id = next((e_id for e_id, e in self.version.elements.items() if e["type"] == "startEvent"), "")
        start_data = self._data(start_form_name(self.version), self.chosen(start_id, 1))
        empty = SandboxRun(self.version.key, center.code, None, None, None, start_data, [], None, None, None)
        try:
            dossier = start_dossier(self.session, self.ctx, self.version.key, actor=SANDBOX_ACTOR,
                                    center_code=center.code, data=start_data)
        except FormInvalidError as error:
            return dataclasses.replace(empty, stopped=_invalid(error, start_id))
        except WorkflowFailedError as error:
            return dataclasses.replace(empty, stopped=_failed(error))
        steps, stopped = self._steps(dossier)
        dossier = self.session.get(Dossier, dossier.id) or dossier
        return SandboxRun(self.version.key, center.code, dossier.locality, dossier.received_at, dossier.due_at,
                          start_data, steps, dossier.status.value, dossier.result_name, stopped)

    def _steps(self, dossier: Dossier) -> tuple[list[SandboxStep], SandboxStop | None]:
        steps: list[SandboxStep] = []
        visits: Counter[str] = Counter()
        while len(steps) < MAX_STEPS:
            self.session.expire_all()
            current = self.session.get(Dossier, dossier.id)
            if current is None or current.status in CLOSED_DOSSIER_STATUSES:
                return steps, None
            tasks = self._open_tasks(dossier.id)
            if not tasks:
                return steps, SandboxStop(
                    "waiting", "Hồ sơ dừng chờ hẹn giờ hoặc thông điệp, không còn bước nào cho cán bộ",
                    "The dossier waits for a timer or a message; no step is left for an official")
            task = tasks[0]
            visits[task.element_id] += 1
            if visits[task.element_id] > MAX_VISITS:
                return steps, SandboxStop(
                    "loop", f"Bước '{task.element_id}' lặp lại quá {MAX_VISITS} lần với các lựa chọn đã cho",
                    f"Step '{task.element_id}' came back more than {MAX_VISITS} times with the choices given",
                    element_id=task.element_id)
            chosen, decision_field, options = self._decide(task, self.chosen(task.element_id, visits[task.element_id]),
                                                           {t.id for t in tasks})
            data = self._data(task.form_name, chosen)
            steps.append(self._describe(task, current, data, decision_field, options))
            savepoint = self.session.begin_nested()
            try:
                complete_task(self.session, self.ctx, task.id, actor=SANDBOX_ACTOR, data=data)
            except FormInvalidError as error:
                savepoint.rollback()
                return steps, _invalid(error, task.element_id)
            except WorkflowFailedError as error:
                savepoint.rollback()
                return steps, _failed(error)
            savepoint.commit()
        return steps, SandboxStop("too_long", f"Dừng sau {MAX_STEPS} bước", f"Stopped after {MAX_STEPS} steps")

    def _open_tasks(self, dossier_id: int) -> list[HumanTask]:
        return list(self.session.scalars(
            select(HumanTask).where(HumanTask.dossier_id == dossier_id, HumanTask.status.in_(OPEN_TASK_STATUSES))
            .order_by(HumanTask.ready_at, HumanTask.element_id)))

    def _decide(self, task: HumanTask, chosen: dict[str, Any],
                open_ids: set[Any]) -> tuple[dict[str, Any], str | None, list[ChoiceOutcome]]:
        """The values to submit at ``task``: the analyst's, and for its decision field, if they left it,
        the choice nearest to a result issued (each tried and undone)."""
        properties = self.version.elements.get(task.element_id, {}).get("properties", {})
        decision_field = properties.get("decisionField")
        form = self.version.forms.get(task.form_name or "", {})
        values = field_choices((form.get("properties") or {}).get(decision_field)) if decision_field else []
        if not values:
            return chosen, decision_field, []
        options = [self._try(task, {**chosen, decision_field: value}, value, open_ids) for value in values]
        if decision_field not in chosen:
            best = min(options, key=lambda o: (self._score(o), values.index(o.value)))
            chosen[decision_field] = best.value
        return chosen, decision_field, options

    def _try(self, task: HumanTask, chosen: dict[str, Any], value: Any, open_ids: set[Any]) -> ChoiceOutcome:
        savepoint = self.session.begin_nested()
        try:
            complete_task(self.session, self.ctx, task.id, actor=SANDBOX_ACTOR,
                          data=self._data(task.form_name, chosen))
            dossier = self.session.get(Dossier, task.dossier_id)
            after = self._open_tasks(task.dossier_id)
            closed = dossier is not None and dossier.status in CLOSED_DOSSIER_STATUSES
            return ChoiceOutcome(value, sorted({t.element_id for t in after if t.id not in open_ids}),
                                 dossier.status.value if closed and dossier else None)
        except EngineError as error:
            return ChoiceOutcome(value, [], DossierStatus.FAILED.value, error.message, error.message_en)
        finally:
            savepoint.rollback()
            self.session.expire_all()

    def _score(self, option: ChoiceOutcome) -> int:
        if option.status == DossierStatus.COMPLETED.value:
            return -1
        if option.status is not None:
            return FAR + (1 if option.status == DossierStatus.FAILED.value else 0)
        return min((self.distances.get(element, FAR - 1) for element in option.leads_to), default=FAR - 1)

    def _data(self, form_name: str | None, chosen: Mapping[str, Any]) -> dict[str, Any]:
        form = self.version.forms.get(form_name or "")
        if not isinstance(form, dict):
            return dict(chosen)
        data = sample(form, chosen)
        # A field naming the applicant's commune must name one the organisation has.
        for name, role in roles_of(form).items():
            if role == FIELD_ROLE and name not in chosen:
                locality = self.session.scalar(select(Unit.code).where(Unit.kind == LOCALITY_KIND).order_by(Unit.code))
                if locality:
                    data[name] = locality
        return data

    def _center(self, code: str | None) -> Center:
        if code:
            center = self.session.scalar(select(Center).where(Center.code == code))
            if center is None:
                raise NotFoundError(f"Tổ chức thử không có trung tâm '{code}'",
                                    message_en=f"The sandbox organisation has no center '{code}'")
            return center
        # Commune-level steps routed by the receiving center's locality need a center that has one.
        located = locality_source(self.version.metadata) == RECEIVING_CENTER
        centers = list(self.session.scalars(select(Center).order_by(Center.code)))
        preferred = [c for c in centers if c.locality] if located else [c for c in centers if c.kind == "provincial"]
        if not (preferred or centers):
            raise NotFoundError("Tổ chức thử không có trung tâm nào",
                                message_en="The sandbox organisation has no center")
        return (preferred or centers)[0]

    def _describe(self, task: HumanTask, dossier: Dossier, data: dict[str, Any], decision_field: str | None,
                  options: list[ChoiceOutcome]) -> SandboxStep:
        properties = self.version.elements.get(task.element_id, {}).get("properties", {})
        binding = (self.version.metadata.get("lanes") or {}).get(task.lane or "", {})
        today = self.ctx.today()
        ids = candidate_ids(self.session, task.department, task.candidate_role, today, dossier.center_id)
        people = {o.id: o for o in self.session.scalars(
            select(Official).where(Official.id.in_([*ids[:MAX_CANDIDATES], task.assignee_id or 0])))}
        unit_name = self.session.scalar(select(Unit.name).where(Unit.code == task.department))
        return SandboxStep(
            element_id=task.element_id, name=task.name, lane=task.lane, stage=task.stage,
            allotted_time=properties.get("allottedTime"), ready_at=task.ready_at, due_at=task.due_at,
            unit=task.department, unit_name=unit_name, role=task.candidate_role,
            policy=str(binding.get("policy", "pool")),
            assignee=_person(people.get(task.assignee_id)) if task.assignee_id else None,
            candidates=[p for p in (_person(people.get(i)) for i in ids[:MAX_CANDIDATES]) if p is not None],
            candidates_total=len(ids), decision_field=decision_field,
            decision=data.get(decision_field) if decision_field else None, options=options, data=data)


def _person(official: Official | None) -> Person | None:
    if official is None:
        return None
    return Person(official.username, official.full_name, official.unit.code if official.unit else None)


def _invalid(error: FormInvalidError, element_id: str) -> SandboxStop:
    return SandboxStop("invalid_data", f"Dữ liệu thử của bước '{element_id}' không hợp lệ: {error.message}",
                       f"The test data of step '{element_id}' is invalid: {error.message_en}", element_id=element_id,
                       problems=[{"field": p.field, "message": p.message, "message_en": p.message_en}
                                 for p in error.problems])


def _failed(error: WorkflowFailedError) -> SandboxStop:
    return SandboxStop("failed", error.message, error.message_en, element_id=error.element_id)
