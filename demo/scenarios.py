"""The dossiers the demo shows for each procedure, as scenarios: which path through the diagram,
how far along, what happens to the task waiting, where and when the dossier came in. The same list
on every run (seeded generators), so a second run finds every dossier already made."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from demo.paths import CONSULT_STEPS, CONSULT_WINDOW, DEFAULT_VOLUME, PATHS, VOLUME, Stage
from demo.province import COMMUNE_DESK, LOCAL_CENTERS, LOCALITIES, PROVINCIAL_CENTER
from engine.calendar.working_calendar import WorkingCalendar
from engine.org.localities import locality_source
from engine.persistence.models import Channel
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.dossiers import legal_due_at


@dataclass
class Scenario:
    ref: str
    key: str
    path: list[Stage]
    done: int  # stages fully done
    partial: int  # steps done in the next stage (a parallel branch answered, the other waiting)
    outcome: str  # open | early | on_time | late | withdrawn
    hold: str | None  # what happens to the next open task: queue | claim | assign | delegate
    extend: bool
    center: str
    locality: str
    channel: Channel
    received_at: datetime
    seed: str


def working_day_back(calendar: WorkingCalendar, today: date, n: int) -> date:
    day = today if calendar.is_working_day(today) else previous_working_day(calendar, today)
    for _ in range(n):
        day = previous_working_day(calendar, day)
    return day


def previous_working_day(calendar: WorkingCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def last_working_instant(calendar: WorkingCalendar, now: datetime) -> datetime:
    """``now`` if it is office time, else when the office last closed (the end of a working period)."""
    day = now.astimezone(calendar.timezone).date()
    for _ in range(30):
        if calendar.is_working_day(day):
            for start, end in reversed(calendar.working_hours):
                opened = datetime.combine(day, start, tzinfo=calendar.timezone)
                if opened <= now:
                    return min(now, datetime.combine(day, end, tzinfo=calendar.timezone)).astimezone(UTC)
        day -= timedelta(days=1)
    return now


def scenarios_for(session: Session, ctx: EngineContext, key: str, deployed: tuple[int, dict[str, Any]],
                  now: datetime, today: date) -> list[Scenario]:
    """The dossiers the demo shows for one procedure (the same list on every run)."""
    version_id, metadata = deployed
    version = ctx.version(session, version_id)
    calendar = ctx.calendar
    rng = random.Random(f"motcua-demo:{key}")
    paths = PATHS[key]
    main = paths["main"]
    volume = VOLUME.get(key, DEFAULT_VOLUME)
    reception_unit = next((b.get("department") for b in (metadata.get("lanes") or {}).values()
                           if b.get("role") == "reception"), None)
    # Routed by locality, or received at the commune-level desk: received at a local center.
    commune_level = reception_unit == COMMUNE_DESK[0] or locality_source(metadata) is not None
    probe = calendar.start_of_working_day(working_day_back(calendar, today, 0))
    limit_days = max(0, calendar.working_days_between(probe, legal_due_at(ctx, version, probe)))
    scenarios: list[Scenario] = []

    def add(path: list[Stage], outcome: str, *, done: int | None = None, partial: int = 0, hold: str | None = None,
            extend: bool = False, age: int | None = None) -> None:
        index = len(scenarios) + 1
        local = random.Random(f"motcua-demo:{key}:{index}")
        center, locality = _place(local, commune_level)
        stages_done = len(path) if done is None else done
        if age is None:
            if outcome in ("open", "withdrawn"):
                span = max(1, limit_days)
                age = round(span * (stages_done + 0.5) / len(path)) + local.randint(-1, 1)
                if local.random() < 0.2:
                    age = span + local.randint(1, 3)  # overdue
            else:
                age = limit_days + local.randint(2, 30)
        window = CONSULT_WINDOW.get(key)
        recent = window is not None and any(e in CONSULT_STEPS[key] for stage in path for e, _ in stage)
        if recent:
            # SpiffWorkflow times the no-reply deadline of a consultation on the real clock, so the
            # consultation of a dossier made in the past must still be running today; such a
            # dossier is recent, and when closed, closed early.
            if extend and outcome != "open":
                return
            age = min(age, window or 0)
            outcome = "early" if outcome in ("on_time", "late") else outcome
        received = _received_at(ctx, version, local, today, now, max(0, age),
                                "open" if recent else outcome, len(path), limit_days)
        channel = local.choices([Channel.DIRECT, Channel.ONLINE, Channel.POSTAL], [70, 25, 5])[0]
        scenarios.append(Scenario(f"{key}:{index:03d}", key, path, stages_done, partial, outcome, hold, extend,
                                   center, locality, channel, received, f"{key}:{index}"))

    # Waiting at every step of the usual path: in the unit's queue, and claimed by someone.
    for stage_index, stage in enumerate(main):
        add(main, "open", done=stage_index, hold="queue")
        add(main, "open", done=stage_index, hold="claim")
        if len(stage) > 1:
            add(main, "open", done=stage_index, partial=1, hold="claim")  # one branch answered, the join waits
    add(main, "open", done=0, hold="assign")
    add(main, "open", done=min(1, len(main) - 1), hold="delegate")
    for _ in range(volume["open_extra"]):
        add(main, "open", done=rng.randrange(len(main)), hold=rng.choice(["queue", "claim", "claim", "assign"]))
    # Awaiting supplementation (clock paused), and the other variants' own steps.
    supplement = paths.get("supplement", [])
    # The stage where the citizen's supplement is awaited (after the request).
    asked = next((i for i, stage in enumerate(supplement) if any(e == "receive_supplement" for e, _ in stage)), None)
    if asked is not None:
        add(supplement, "open", done=asked, hold="queue", age=1)
        add(supplement, "open", done=asked, hold="claim", age=2)
    main_elements = {element for stage in main for element, _ in stage}
    for name in ("refuse", "returned"):
        for stage_index, stage in enumerate(paths.get(name, [])):
            if any(element not in main_elements for element, _ in stage) or (name == "returned" and stage_index == 2):
                add(paths[name], "open", done=stage_index, hold="queue")
    # Closed ones: completed early, on time, late; refused; withdrawn; returned for rework.
    finished = paths.get("direct", main)
    for outcome in ("early", "on_time", "late"):
        for _ in range(volume[outcome]):
            add(finished, outcome)
    if asked is not None:
        add(supplement, "on_time")
        add(supplement, "early" if limit_days >= 3 else "on_time")
        if key != "construction_permit":  # its supplementation may be asked once only
            twice = supplement[:asked + 1] + supplement[asked - 1:]
            add(twice, "on_time")  # two requests: late by rule (Decision 766) whatever the times
    for index in range(volume["refused"]):
        add(paths["refuse"], "early" if index % 2 and limit_days >= 2 else "on_time")
    for name in ("returned", "partial"):
        if name in paths:
            add(paths[name], "on_time")
    add(main, "withdrawn", done=1)
    add(main, "withdrawn", done=0, age=1)
    if limit_days >= 2:
        add(main, "open", done=1, hold="claim", extend=True, age=1)
        add(finished, "late", extend=True)
    return scenarios


def _place(rng: random.Random, commune_level: bool) -> tuple[str, str]:
    """The receiving center and the applicant's locality."""
    local = [code for code, *_ in LOCAL_CENTERS]
    if commune_level or rng.random() < 0.15:
        center = rng.choices(local, [40, 20, 20, 12, 8])[0]
        locality = rng.choice([name for _slug, name, served_by in LOCALITIES if served_by == center])
        return center, locality
    return PROVINCIAL_CENTER[0], rng.choice([name for _slug, name, _c in LOCALITIES])


def _received_at(ctx: EngineContext, version: LoadedVersion, rng: random.Random, today: date, now: datetime,
                 age: int, outcome: str, stages: int, limit_days: int) -> datetime:
    """When the dossier came in: ``age`` working days ago, in office hours, early enough that every
    action of its scenario happens before ``now``."""
    calendar = ctx.calendar
    for extra in range(0, 90):
        day = working_day_back(calendar, today, age + extra)
        minutes = rng.randint(0, 330 if limit_days == 0 else 420)
        received = calendar.add_working_time(calendar.start_of_working_day(day), timedelta(minutes=minutes))
        if outcome in ("open", "withdrawn"):
            needed = timedelta(minutes=10 * (stages + 2))
            if calendar.working_time_between(received, now) >= needed and received < now:
                return received.astimezone(UTC)
            continue
        due = legal_due_at(ctx, version, received)
        # The last step lands by the due time, or up to a working day and a half after it, plus
        # room for a supplementation pause.
        latest = calendar.add_working_time(due, calendar.working_day_length * 3)
        if latest < now:
            return received.astimezone(UTC)
    return received.astimezone(UTC)

