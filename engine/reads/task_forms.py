"""What a task's form page shows one official: the task, its form's JSON Schema, the decisions the
diagram offers, what the official may do with it, and their saved draft.

The access policy decides everything here: a task the official may not read is not found, and
``may_claim`` / ``may_complete`` are the policy's answers, so the page only shows what the
commands would accept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.access.policy import may
from engine.access.rules import Action
from engine.persistence.models import OPEN_TASK_STATUSES, Dossier, HumanTask, Official, TaskStatus
from engine.reads.tasks import find_task
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.drafts import held_draft


@dataclass(frozen=True)
class Choice:
    """One value an enum field allows, with its title from the schema."""

    value: str
    title: str


@dataclass(frozen=True)
class TaskForm:
    task: HumanTask
    dossier: Dossier
    procedure_name: str
    procedure_name_en: str | None
    schema: dict[str, Any] | None
    decision_field: str | None  # declared by the step (``decisionField``), never guessed from names
    decisions: tuple[Choice, ...]
    may_claim: bool
    may_complete: bool
    draft: dict[str, Any] | None

    @property
    def held(self) -> bool:
        return self.task.status == TaskStatus.CLAIMED and self.may_complete

    @property
    def open(self) -> bool:
        return self.task.status in OPEN_TASK_STATUSES


def choices(field: Any) -> tuple[Choice, ...]:
    """The values of an enum field: ``oneOf`` of ``const`` with titles, or a plain ``enum``."""
    if not isinstance(field, dict):
        return ()
    if isinstance(field.get("oneOf"), list):
        return tuple(Choice(str(option["const"]), str(option.get("title") or option["const"]))
                     for option in field["oneOf"] if isinstance(option, dict) and "const" in option)
    if isinstance(field.get("enum"), list):
        return tuple(Choice(str(value), str(value)) for value in field["enum"])
    return ()


def procedure_names(version: LoadedVersion) -> tuple[str, str | None]:
    """The procedure's name in Vietnamese and, where it has one, in English (procedure.json)."""
    names = version.metadata.get("name") or {}
    if not isinstance(names, dict):
        return str(names or version.key), None
    return str(names.get("vi") or version.key), str(names["en"]) if names.get("en") else None


def step_decision_field(version: LoadedVersion, element_id: str) -> str | None:
    element = version.elements.get(element_id) or {}
    field = (element.get("properties") or {}).get("decisionField")
    return str(field) if field else None


def task_form(session: Session, ctx: EngineContext, official: Official, task_id: uuid.UUID) -> TaskForm:
    """The form page's task, as ``official`` may see it; NotFoundError outside their scope."""
    today = ctx.today()
    task = find_task(session, official, task_id, today=today)
    dossier = task.dossier
    version = ctx.version(session, dossier.procedure_version_id)
    schema = version.forms.get(task.form_name) if task.form_name else None
    decision_field = step_decision_field(version, task.element_id)
    properties = (schema or {}).get("properties") or {}
    is_open = task.status in OPEN_TASK_STATUSES
    holds = task.status == TaskStatus.CLAIMED and task.assignee_id == official.id
    name, name_en = procedure_names(version)
    return TaskForm(
        task=task, dossier=dossier, procedure_name=name, procedure_name_en=name_en,
        schema=schema, decision_field=decision_field if decision_field in properties else None,
        decisions=choices(properties.get(decision_field)) if decision_field else (),
        may_claim=is_open and task.status == TaskStatus.READY
        and may(session, official, Action.TASK_CLAIM, task, today=today),
        may_complete=holds and may(session, official, Action.TASK_COMPLETE, task, today=today),
        draft=held_draft(session, task, Actor.of(official)) if holds else None,
    )
