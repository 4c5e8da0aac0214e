"""Store a validated procedure as an immutable version; the same content is the same version.

A new version is only deployed: new dossiers keep using the active version until someone
activates this one (engine.deployment.lifecycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.deployment.lifecycle import authorize_procedure_change, record_transition
from engine.deployment.organisation import load_organisation
from engine.deployment.package import ProcedurePackage
from engine.deployment.validate import validate_package
from engine.errors import DeploymentError, Problem
from engine.persistence.models import Procedure, ProcedureVersion, VersionAction, VersionState
from engine.persistence.state import dump_spec
from engine.runtime.command import Actor


@dataclass
class DeployResult:
    version: ProcedureVersion
    created: bool
    warnings: list[Problem]


def deploy_procedure(session: Session, package: ProcedurePackage, *, clock: Clock, actor: Actor) -> DeployResult:
    """Validate the package and store it as the procedure's next version, not yet active.

    Content already deployed returns that version (whatever its state) instead of a copy. Raises
    DeploymentError with every located problem; nothing is written then. Does not commit.
    """
    authorize_procedure_change(session, actor, Action.PROCEDURE_DEPLOY, clock)
    validated, problems = validate_package(package, load_organisation(session))
    if validated is None:
        raise DeploymentError(problems)
    content_hash = package.content_hash()
    # Locked so that two deployments of one procedure cannot both take the same next number.
    procedure = session.scalar(select(Procedure).where(Procedure.key == package.key).with_for_update())
    metadata = validated.metadata
    now = clock.now().astimezone(UTC)
    if procedure is None:
        procedure = Procedure(key=package.key, created_at=now, name="", name_en=None)
        session.add(procedure)
    else:
        existing = session.scalar(
            select(ProcedureVersion).where(
                ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.content_hash == content_hash
            )
        )
        if existing is not None:
            return DeployResult(existing, created=False, warnings=validated.warnings)
    procedure.name = metadata["name"]["vi"]
    procedure.name_en = metadata["name"].get("en")
    procedure.national_code = metadata.get("national_code")
    session.flush()
    next_number = (
        session.scalar(select(func.max(ProcedureVersion.version)).where(ProcedureVersion.procedure_id == procedure.id))
        or 0
    ) + 1
    main_file = f"{package.key}.bpmn"
    version = ProcedureVersion(
        procedure_id=procedure.id,
        version=next_number,
        content_hash=content_hash,
        process_id=package.key,
        bpmn_xml=package.files[main_file].decode("utf-8") if main_file in package.files
        else next(iter(package.bpmn_files.values())).decode("utf-8"),
        spec_json=dump_spec(validated.spec, validated.subprocess_specs),
        forms=validated.forms,
        metadata_=metadata,
        elements=validated.elements,
        deployed_at=now,
        deployed_by=actor.name[:128],
        state=VersionState.DEPLOYED,
    )
    session.add(version)
    session.flush()
    record_transition(session, version, VersionState.DEPLOYED, VersionAction.DEPLOY, actor, None, now)
    return DeployResult(version, created=True, warnings=validated.warnings)
