"""Publishing a draft: deploy it as the procedure's next version, and activate it when asked.

Deployment and the version's life are the deployment package's own (engine.deployment.deploy,
engine.deployment.lifecycle): publishing adds only that the draft published is the one the analyst
looked at (its tag), and that the draft then counts as based on the new version. An invalid draft
raises DeploymentError with every problem, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy.orm import Session

from engine.access.policy import authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import VersionChange, activate_version
from engine.errors import ConflictError, DraftConflictError, Problem
from engine.persistence.models import ProcedureVersion
from engine.runtime.command import Actor
from engine.studio.drafts import current_draft, record_published
from engine.studio.files import package_of, shared_diagrams


@dataclass(frozen=True)
class Publication:
    """The version a draft became (``created`` False: that content was deployed before), its warnings,
    and the activation when one was asked for."""

    version: ProcedureVersion
    created: bool
    warnings: list[Problem]
    activation: VersionChange | None


def publish_draft(session: Session, key: str, *, tag: str, actor: Actor, clock: Clock, library_path: Path,
                  activate_reason: str | None = None) -> Publication:
    """Deploy the draft whose tag is ``tag`` as a new version; with ``activate_reason``, also make it
    the version new dossiers use (the one it replaces is retired). Does not commit."""
    authorize(session, actor, Action.PROCEDURE_DRAFT_EDIT, today=clock.now().astimezone(UTC).date())
    draft = current_draft(session, key)
    if draft.tag is None:
        raise ConflictError(f"Thủ tục '{key}' chưa có bản nháp nào được lưu để công bố",
                            message_en=f"Procedure '{key}' has no saved draft to publish")
    if draft.tag != tag:
        raise DraftConflictError(
            f"Bản nháp của thủ tục '{key}' đã được {draft.updated_by} lưu lại sau bản bạn định công bố; "
            "hãy xem bản mới rồi công bố lại",
            message_en=f"The draft of procedure '{key}' was saved again by {draft.updated_by} after the one you "
                       "meant to publish; look at the new one and publish again",
            yours={"tag": tag}, current=draft.as_dict())
    result = deploy_procedure(session, package_of(key, draft.files, shared_diagrams(library_path)),
                              clock=clock, actor=actor)
    record_published(session, key, result.version.version)
    activation = None
    if activate_reason is not None:
        activation = activate_version(session, key, result.version.version, actor=actor, reason=activate_reason,
                                      clock=clock)
    return Publication(result.version, result.created, result.warnings, activation)
