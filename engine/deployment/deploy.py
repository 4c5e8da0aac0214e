"""Store a validated procedure as an immutable version; the same content is the same version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar.clock import Clock
from engine.deployment.package import ProcedurePackage
from engine.deployment.validate import validate_package
from engine.errors import DeploymentError, Problem
from engine.persistence.models import Procedure, ProcedureVersion
from engine.persistence.state import dump_spec


@dataclass
class DeployResult:
    version: ProcedureVersion
    created: bool
    warnings: list[Problem]


def deploy_procedure(session: Session, package: ProcedurePackage, *, clock: Clock, actor: str | None) -> DeployResult:
    """Validate the package and store it as the procedure's next version.

    Raises DeploymentError with every located problem; nothing is written then. Does not commit.
    """
    validated, problems = validate_package(package)
    if validated is None:
        raise DeploymentError(problems)
    content_hash = package.content_hash()
    procedure = session.scalar(select(Procedure).where(Procedure.key == package.key))
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
        deployed_by=actor,
    )
    session.add(version)
    session.flush()
    return DeployResult(version, created=True, warnings=validated.warnings)
