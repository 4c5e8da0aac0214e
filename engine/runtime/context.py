"""EngineContext: what every command needs, built once per process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar.clock import Clock, SystemClock
from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import ProcedureVersion
from engine.persistence.state import WorkflowCache, load_spec
from engine.runtime import library_patches
from engine.runtime.diagram_helpers import calendar_helpers
from engine.runtime.script_env import make_script_engine
from engine.runtime.script_limits import ScriptLimits
from engine.settings import EngineSettings
from forms.validate import compile_form


@dataclass
class LoadedVersion:
    """A deployed version with its spec objects built, shared read-only by all its dossiers."""

    id: int
    key: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    elements: dict[str, dict]  # type: ignore[type-arg]
    metadata: dict  # type: ignore[type-arg]
    forms: dict  # type: ignore[type-arg]
    has_timers: bool
    validators: dict[str, Draft202012Validator] = field(default_factory=dict)

    def validator(self, form_name: str) -> Draft202012Validator | None:
        """The compiled validator of one of the version's forms, built on first use."""
        validator = self.validators.get(form_name)
        if validator is None and form_name in self.forms:
            validator = self.validators[form_name] = compile_form(self.forms[form_name])
        return validator


@dataclass
class EngineContext:
    settings: EngineSettings = field(default_factory=EngineSettings)
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    script_engine: PythonScriptEngine = field(default_factory=make_script_engine)
    workflows: WorkflowCache = field(default_factory=WorkflowCache)
    _versions: dict[int, LoadedVersion] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Which recorded calendar change the loaded calendar includes, and when that was last checked.
    calendar_revision: int = 0
    calendar_checked_at: float = 0.0

    def today(self) -> date:
        """The local day now, in the configured timezone (leave, deputies and access rules go by day)."""
        return self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    def reload_calendar(self, session: Session) -> WorkingCalendar:
        """Rebuild the working calendar from the database (after overrides change, and at start)."""
        from engine.calendar.store import calendar_revision, load_calendar

        # The revision first: a change committed between the two reads is then caught next time.
        self.calendar_revision = calendar_revision(session)
        self.calendar = load_calendar(session, self.settings.province)
        self.calendar_checked_at = time.monotonic()
        return self.calendar

    def refresh_calendar(self, session_factory: sessionmaker[Session], *, every_seconds: float = 60.0) -> bool:
        """Reload the calendar when another process (a web worker, the CLI) changed it since this
        one loaded it. Checks at most once per ``every_seconds``, so a request pays one small query a
        minute at most; returns whether it reloaded."""
        from engine.calendar.store import calendar_revision

        now = time.monotonic()
        if now - self.calendar_checked_at < every_seconds:
            return False
        self.calendar_checked_at = now
        with session_factory() as session:
            if calendar_revision(session) == self.calendar_revision:
                return False
            self.reload_calendar(session)
        return True

    def version(self, session: Session, version_id: int) -> LoadedVersion:
        """The built spec of a deployed version; versions are immutable, so caching is safe."""
        loaded = self._versions.get(version_id)
        if loaded is not None:
            return loaded
        row = session.execute(
            select(
                ProcedureVersion.spec_json,
                ProcedureVersion.elements,
                ProcedureVersion.metadata_,
                ProcedureVersion.forms,
                ProcedureVersion.process_id,
            ).where(ProcedureVersion.id == version_id)
        ).one()
        spec, subprocess_specs = load_spec(row.spec_json)
        loaded = LoadedVersion(
            id=version_id,
            key=row.process_id,
            spec=spec,
            subprocess_specs=subprocess_specs,
            elements=row.elements,
            metadata=row.metadata_,
            forms=row.forms,
            has_timers=any(
                e["type"] in ("intermediateCatchEvent", "boundaryEvent", "eventBasedGateway")
                for e in row.elements.values()
            ),
        )
        with self._lock:
            self._versions.setdefault(version_id, loaded)
        return self._versions[version_id]


def build_context(settings: EngineSettings | None = None, clock: Clock | None = None) -> EngineContext:
    settings = settings or EngineSettings()
    library_patches.apply(speedups=settings.spiff_speedups)
    ctx = EngineContext(settings=settings, clock=clock or SystemClock(),
                        workflows=WorkflowCache(settings.workflow_cache_size))
    limits = ScriptLimits(seconds=settings.script_time_limit_seconds,
                          memory_bytes=settings.script_memory_limit_mb * 1024 * 1024)
    ctx.script_engine = make_script_engine(calendar_helpers(lambda: ctx.calendar), limits)
    return ctx
