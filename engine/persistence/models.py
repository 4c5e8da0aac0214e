"""Every table of Motcua, in one place (easier for newcomers and for Alembic)."""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy import (
    Enum as SAEnum,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from engine.db import Base, UtcDateTime


def new_row_version() -> str:
    # A random token rather than a counter: a rolled-back write can never be confused with a
    # later committed one, so the in-process workflow cache can be keyed on it safely.
    return uuid.uuid4().hex


# Printed on the receipt beside the dossier code: digits and capitals without look-alikes
# (no 0/O, 1/I), typed by citizens; 8 of them are 40 random bits.
LOOKUP_SECRET_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LOOKUP_SECRET_LENGTH = 8


def new_lookup_secret() -> str:
    return "".join(secrets.choice(LOOKUP_SECRET_ALPHABET) for _ in range(LOOKUP_SECRET_LENGTH))


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed as a Table (``__table__`` is typed as a FromClause)."""
    return cast(Table, model.__table__)


class DossierStatus(enum.StrEnum):
    """Internal status of a dossier; ``national_code`` maps it to the DVCQG TrangThaiHoSo list."""

    PROCESSING = "processing"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    AWAITING_PAYMENT = "awaiting_payment"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def national_code(self) -> int:
        return {
            "processing": 4,
            "awaiting_supplement": 5,
            "awaiting_payment": 6,
            "completed": 10,
            "refused": 8,
            "withdrawn": 7,
            "stopped": 8,
            "failed": 4,
        }[self.value]


class Channel(enum.StrEnum):
    """How the dossier was submitted (DVCQG KenhThucHien)."""

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"


class TaskStatus(enum.StrEnum):
    READY = "ready"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# A dossier in one of these has ended: it takes no more commands and its deadline is settled.
CLOSED_DOSSIER_STATUSES = (DossierStatus.COMPLETED, DossierStatus.REFUSED, DossierStatus.WITHDRAWN,
                           DossierStatus.STOPPED)
# A task in one of these is still to be done.
OPEN_TASK_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)


def _enum(enum_class: type[enum.StrEnum]) -> SAEnum:
    # Stored as plain strings (their values), read back as the enum; no database enum type to migrate.
    return SAEnum(enum_class, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class VersionState(enum.StrEnum):
    """Where a procedure version is in its life: deployed → active → retired.

    Only the active version receives new dossiers, and a procedure has at most one; a retired
    version may be made active again (a rollback). Dossiers keep the version they started on.
    """

    DEPLOYED = "deployed"
    ACTIVE = "active"
    RETIRED = "retired"


class VersionAction(enum.StrEnum):
    """What a recorded step in a procedure version's life did."""

    DEPLOY = "deploy"
    ACTIVATE = "activate"
    ROLLBACK = "rollback"
    RETIRE = "retire"


class Role(enum.StrEnum):
    """What an official may do; lane bindings name the role a step needs."""

    RECEPTION = "reception"
    SPECIALIST = "specialist"
    UNIT_LEADER = "unit_leader"
    CENTER_LEADER = "center_leader"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    # Party Committee and Inspectorate representatives: read what is in their scope, change nothing.
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Center(Base):
    """A Public Administration Service Center or reception point that receives dossiers."""

    __tablename__ = "center"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Mã định danh điện tử of the receiving agency: the first part of every dossier code.
    agency_identifier: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="local")  # provincial | local
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"))
    # The unit code of the commune, ward or special zone (its People's Committee) whose one-stop
    # desk this center is: lanes bound to "{locality}" route its dossiers there. None for a
    # provincial center, which belongs to no commune.
    locality: Mapped[str | None] = mapped_column(String(128))


class Unit(Base):
    """An agency or unit, hierarchical: a department (sở), its divisions, a commune, a center's desk."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)  # what lane bindings name
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # department | division | commune | agency | desk
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class CalendarOverride(Base):
    """A day that differs from the national calendar: an extra day off or a make-up working day.

    The Prime Minister decides Tết and 2/9 days off each year, and provinces add their own; the
    ``holidays`` package cannot know them in advance.
    """

    __tablename__ = "calendar_override"
    __table_args__ = (UniqueConstraint("day", "province", name="uq_calendar_override_day_province"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # day_off | working_day
    name: Mapped[str] = mapped_column(String(255))
    province: Mapped[str | None] = mapped_column(String(64))


class CalendarChange(Base):
    """One recorded change of the calendar: a day set as a day off or a working day, or taken back."""

    __tablename__ = "calendar_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # day_off | working_day
    action: Mapped[str] = mapped_column(String(16))  # set | remove
    reason: Mapped[str] = mapped_column(String(255))
    province: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    actor_name: Mapped[str] = mapped_column(String(255))


class OfficialRole(Base):
    __tablename__ = "official_role"
    __table_args__ = (Index("ix_official_role_role", "role", "official_id"),)

    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Official(Base):
    """A person who works dossiers, in one unit, with roles."""

    __tablename__ = "official"
    __table_args__ = (Index("ix_official_unit_active", "unit_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Consecutive failed sign-ins and the lockout they led to: in the database, so that every web
    # worker counts the same attempts.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    role_rows: Mapped[list[OfficialRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    roles: AssociationProxy[list[str]] = association_proxy(
        "role_rows", "role", creator=lambda role: OfficialRole(role=role)
    )

    @property
    def unit_code(self) -> str | None:
        return self.unit.code if self.unit is not None else None


class LeavePeriod(Base):
    """A period an official is away (nghỉ phép, công tác): no new work, deputies act instead."""

    __tablename__ = "leave_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))


class Deputy(Base):
    """Who acts for an official while they are away, within a validity period."""

    __tablename__ = "deputy"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)


class ApiToken(Base):
    """A bearer token (of the API or of a browser session); only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)

    official: Mapped[Official] = relationship()


class Procedure(Base):
    """A catalog entry (thủ tục hành chính); its diagrams are its versions."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    name_en: Mapped[str | None] = mapped_column(String(512))
    national_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.version"
    )


class ProcedureVersion(Base):
    """One immutable deployment: diagram, forms, metadata and the parsed spec, stored once."""

    __tablename__ = "procedure_version"
    __table_args__ = (
        UniqueConstraint("procedure_id", "version"),
        UniqueConstraint("procedure_id", "content_hash", name="uq_procedure_version_content"),
        # At most one active version per procedure, held by the database whatever the code does.
        Index("uq_procedure_version_one_active", "procedure_id", unique=True,
              postgresql_where=text("state = 'active'"), sqlite_where=text("state = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    process_id: Mapped[str] = mapped_column(String(128))
    bpmn_xml: Mapped[str] = deferred(mapped_column(Text))
    # SpiffWorkflow's serialized spec (top process + called subprocesses), as TEXT (never JSONB).
    spec_json: Mapped[str] = deferred(mapped_column(Text))
    forms: Mapped[dict[str, Any]] = deferred(mapped_column(JSON))
    # procedure.json as deployed, plus what the engine derived from the diagram (lanes, steps).
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    elements: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(128))
    state: Mapped[VersionState] = mapped_column(_enum(VersionState), default=VersionState.DEPLOYED,
                                                server_default=VersionState.DEPLOYED.value)

    procedure: Mapped[Procedure] = relationship(back_populates="versions")


class ProcedureDraft(Base):
    """The studio's working copy of a procedure's files, shared by its analysts.

    ``tag`` changes at every save; a save names the tag it was based on and is refused when it is
    no longer the current one, so two analysts never overwrite each other silently.
    """

    __tablename__ = "procedure_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_key: Mapped[str] = mapped_column(String(128), unique=True)
    tag: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    # path in the procedure folder -> text (the .bpmn, procedure.json, forms/*.json)
    files: Mapped[dict[str, str]] = deferred(mapped_column(JSON, nullable=False))
    based_on_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    updated_by: Mapped[str] = mapped_column(String(255))


class ProcedureVersionEvent(Base):
    """One recorded step in a procedure version's life: what changed, who did it, when and why."""

    __tablename__ = "procedure_version_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"), index=True)
    action: Mapped[VersionAction] = mapped_column(_enum(VersionAction))
    from_state: Mapped[VersionState | None] = mapped_column(_enum(VersionState))
    to_state: Mapped[VersionState] = mapped_column(_enum(VersionState))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    actor_name: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(500))

    procedure_version: Mapped[ProcedureVersion] = relationship()


class Dossier(Base):
    """One application (hồ sơ) = one process instance."""

    __tablename__ = "dossier"
    # The dossier search pages newest received first (engine.reads.dossiers).
    __table_args__ = (
        Index("ix_dossier_received", "received_at", "id"),
        # The statistics' drill-down by end of processing, and their open dossiers by deadline (the
        # in-progress, overdue and due-soon figures read only these; engine.statistics).
        Index("ix_dossier_completed", "completed_at"),
        Index("ix_dossier_open_due", "center_id", "due_at", postgresql_where=text("completed_at IS NULL"),
              sqlite_where=text("completed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # The public lookup needs the code and this secret from the receipt, so codes alone reveal nothing.
    lookup_secret: Mapped[str] = mapped_column(String(16), default=new_lookup_secret)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id"))
    # The commune or ward (unit code of its People's Committee) whose units handle the steps bound
    # to "{locality}": chosen at reception as the procedure says (receiving center or applicant).
    locality: Mapped[str | None] = mapped_column(String(128))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    status: Mapped[DossierStatus] = mapped_column(_enum(DossierStatus), index=True)
    applicant_name: Mapped[str] = mapped_column(String(255))
    # Code and applicant name folded (engine.org.text.fold), so the search finds "Nguyen" in "Nguyễn".
    search_text: Mapped[str | None] = mapped_column(String(512))
    applicant: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The applicant's phone as digits (engine.org.text.phone_number): the hotline finds a caller's
    # dossiers by it through an index instead of reading every applicant's JSON.
    applicant_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The legal clock: the appointment first given, the running pause, and what pauses added up to.
    original_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_reason: Mapped[str | None] = mapped_column(String(32))
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    supplement_requests: Mapped[int] = mapped_column(Integer, default=0)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    # The new appointment given with the apology letter; due_at stays the legal deadline, because
    # an extension does not make a late dossier on time (domain brief §2.2).
    extended_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Decision 766: a second supplementation request makes the dossier late whatever its times.
    late_by_rule: Mapped[bool] = mapped_column(Boolean, default=False)
    timeliness: Mapped[str | None] = mapped_column(String(16))
    # The units (with those above them) whose statistics count this dossier: those its steps reached.
    # Kept on the row the command writes anyway, so the upkeep reads no task rows (engine.statistics).
    reached_units: Mapped[list[str] | None] = mapped_column(JSON)
    # Set by the scheduler's sweep: on_track | due_soon | overdue; apology due before the deadline.
    deadline_state: Mapped[str] = mapped_column(String(16), default="on_track")
    apology_required: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result_element_id: Mapped[str | None] = mapped_column(String(128))
    result_name: Mapped[str | None] = mapped_column(String(255))
    wake_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    # SpiffWorkflow's workflow document without the spec and without its tasks (those are rows of
    # workflow_task), as TEXT: JSONB reorders keys and would lose task data.
    state: Mapped[str] = deferred(mapped_column(Text))
    # Current data of the dossier (what the running steps see), for reading without the engine.
    data: Mapped[dict[str, Any]] = deferred(mapped_column(JSON))
    row_version: Mapped[str] = mapped_column(String(32))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str | None] = mapped_column(String(64))

    procedure_version: Mapped[ProcedureVersion] = relationship()
    center: Mapped[Center] = relationship()

    # The application sets a new random row_version on every write (engine.runtime.workflow.write_dossier),
    # so the workflow cache can move its entry to the new version before the commit.
    __mapper_args__ = {"version_id_col": row_version, "version_id_generator": False}


class SatisfactionLevel(enum.StrEnum):
    """The three levels counter devices and the reports use (Rất hài lòng / Hài lòng / Không hài
    lòng); "dissatisfied" is the "dislike" of Decision 766's indicator 5.4."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


class DossierRating(Base):
    """A citizen's one rating of a dossier whose result was returned, and optionally of the official
    who returned it (engine.satisfaction). One per dossier: the unique dossier_id refuses a second."""

    __tablename__ = "dossier_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id"), index=True)
    procedure_key: Mapped[str] = mapped_column(String(128))
    level: Mapped[SatisfactionLevel] = mapped_column(_enum(SatisfactionLevel))
    official_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"), index=True)
    official_level: Mapped[SatisfactionLevel | None] = mapped_column(_enum(SatisfactionLevel))
    comment: Mapped[str | None] = mapped_column(String(1000))
    channel: Mapped[str] = mapped_column(String(16))  # lookup (the citizen's own phone) | counter (the tablet)
    # The official whose counter tablet took the rating (channel "counter"); None on the lookup page.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class WorkflowTask(Base):
    """One SpiffWorkflow task of a dossier's tree, serialized; rewritten only when it changes."""

    __tablename__ = "workflow_task"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Creation order: a task's data is a delta against its parent, which must be restored first.
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


class DossierCodeSequence(Base):
    """Daily counter per receiving agency for the NNNN part of dossier codes."""

    __tablename__ = "dossier_code_sequence"

    agency_identifier: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class IdempotencyKey(Base):
    """The first answer to a command sent with an ``Idempotency-Key``, replayed to its retries.

    Written in the command's own transaction, so a key exists exactly when its command committed.
    """

    __tablename__ = "idempotency_key"

    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


# The partial indexes' condition, on both databases: only open tasks are in the inbox's indexes.
_OPEN_TASKS_ONLY: dict[str, Any] = {"postgresql_where": text("status IN ('ready', 'claimed')"),
                                     "sqlite_where": text("status IN ('ready', 'claimed')")}


class HumanTask(Base):
    """One step waiting for a person; its id is SpiffWorkflow's task id."""

    __tablename__ = "human_task"
    __table_args__ = (
        # The inbox queries: a unit's queue and an official's tasks, both by due time. The queue index
        # covers open tasks only and carries the filter columns, those of the access policy's clause
        # (center, delegator) and the folded search text, so a busy unit's filtered queue is answered,
        # and counted, from the index; so are the tasks an official holds (bench.inbox). PostgreSQL
        # also has a trigram index for the text search over open tasks, created by the migration
        # (pg_trgm is PostgreSQL's alone). A queue filtered by stage has its own index, the stage
        # before the due time: the planner cannot tell how many open tasks a stage holds (its
        # statistics sample every task ever done), and with this order it need not know.
        Index("ix_human_task_queue", "department", "candidate_role", "status", "due_at", "procedure_key", "stage",
              "center_id", "delegated_by_id", "search_text", **_OPEN_TASKS_ONLY),
        Index("ix_human_task_queue_stage", "department", "candidate_role", "status", "stage", "due_at", "id",
              "center_id", "delegated_by_id", **_OPEN_TASKS_ONLY),
        Index("ix_human_task_held", "assignee_id", "due_at", "search_text", postgresql_where=text("status = 'claimed'"),
              sqlite_where=text("status = 'claimed'")),
        Index("ix_human_task_assignee", "assignee_id", "status", "due_at"),
        Index("ix_human_task_delegated_by", "delegated_by_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(128))
    department: Mapped[str | None] = mapped_column(String(128))
    candidate_role: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(32))
    form_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    delegated_by_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Copied from the dossier when the task is created, so the inbox filters and searches one table.
    procedure_key: Mapped[str | None] = mapped_column(String(128))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"))
    dossier_code: Mapped[str | None] = mapped_column(String(64))
    search_text: Mapped[str | None] = mapped_column(String(512))
    ready_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline_state: Mapped[str] = mapped_column(String(16), default="on_track")
    submitted_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A half-filled form the holder saved to come back to (engine.runtime.drafts); it stays with the
    # task when another official takes it over, and is cleared on completion. Deferred: lists of tasks
    # never need it.
    draft: Mapped[dict[str, Any] | None] = deferred(mapped_column(JSON(none_as_null=True)))
    draft_saved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    dossier: Mapped[Dossier] = relationship()
    assignee: Mapped[Official | None] = relationship(foreign_keys=[assignee_id])
    delegated_by: Mapped[Official | None] = relationship(foreign_keys=[delegated_by_id])
    completed_by: Mapped[Official | None] = relationship(foreign_keys=[completed_by_id])


# Events the supervisors list with their reasons (literal SQL: the index condition must not change).
NOTABLE_EVENTS = ("task_reassigned", "dossier_stopped", "dossier_withdrawn", "deadline_extended")
NOTABLE_EVENTS_SQL = "event_type IN ('task_reassigned', 'dossier_stopped', 'dossier_withdrawn', 'deadline_extended')"


class HistoryEvent(Base):
    """Append-only record of everything that happened to a dossier, hash-chained per dossier."""

    __tablename__ = "history_event"
    __table_args__ = (
        UniqueConstraint("dossier_id", "seq", name="uq_history_event_dossier_seq"),
        # The supervisors' list of reassigned, stopped and withdrawn dossiers (engine.statistics.supervision):
        # a partial index, so the many ordinary events cost nothing more to write.
        Index("ix_history_event_notable", "event_type", "at",
              postgresql_where=text(NOTABLE_EVENTS_SQL), sqlite_where=text(NOTABLE_EVENTS_SQL)),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_type: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"))
    actor_name: Mapped[str | None] = mapped_column(String(255))
    element_id: Mapped[str | None] = mapped_column(String(128))
    element_name: Mapped[str | None] = mapped_column(String(255))
    element_type: Mapped[str | None] = mapped_column(String(64))
    lane: Mapped[str | None] = mapped_column(String(128))
    task_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# Buckets of a step's working time, in working hours (upper bounds; the last is open): the step
# figures keep a histogram per day instead of every duration, so a p90 over a year of a province is
# a sum of a few thousand rows rather than a sort of millions (engine.statistics.steps).
STEP_HOUR_BUCKETS: tuple[float, ...] = (0.5, 1, 2, 4, 8, 16, 24, 40, 80, 160, 320)
STEP_HISTOGRAM_COLUMNS = tuple(f"h{i:02d}" for i in range(len(STEP_HOUR_BUCKETS) + 1))


class StepCounters:
    """What the daily step figures count."""

    completed: Mapped[int] = mapped_column(Integer, default=0)
    early: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    worked_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    # Allotted working time, summed over the steps that had one (``allotted_steps``).
    allotted_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    allotted_steps: Mapped[int] = mapped_column(Integer, default=0)
    # h<i>: how many steps took at most STEP_HOUR_BUCKETS[i] working hours (and more than the bucket
    # before); h11 the longer ones. Columns, not a JSON list, so an upsert can add to them.
    h00: Mapped[int] = mapped_column(Integer, default=0)
    h01: Mapped[int] = mapped_column(Integer, default=0)
    h02: Mapped[int] = mapped_column(Integer, default=0)
    h03: Mapped[int] = mapped_column(Integer, default=0)
    h04: Mapped[int] = mapped_column(Integer, default=0)
    h05: Mapped[int] = mapped_column(Integer, default=0)
    h06: Mapped[int] = mapped_column(Integer, default=0)
    h07: Mapped[int] = mapped_column(Integer, default=0)
    h08: Mapped[int] = mapped_column(Integer, default=0)
    h09: Mapped[int] = mapped_column(Integer, default=0)
    h10: Mapped[int] = mapped_column(Integer, default=0)
    h11: Mapped[int] = mapped_column(Integer, default=0)


class DossierDayFigures(Base):
    """What happened to dossiers on one local day, per center, procedure and unit.

    Kept current by every command in its own transaction (engine.statistics.upkeep). ``unit`` is ''
    for the dossier-wide row; a unit's row counts the dossiers that unit, or a unit below it, worked
    on: reached it (``received``) and were finished (the rest), so a unit tree is one row, not a sum.
    """

    __tablename__ = "stat_dossier_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    center_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    unit: Mapped[str] = mapped_column(String(128), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    received_online: Mapped[int] = mapped_column(Integer, default=0)  # of them, filed online (dossier-wide row)
    finished: Mapped[int] = mapped_column(Integer, default=0)  # every end: result, refusal, stop, withdrawal
    early: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    stopped: Mapped[int] = mapped_column(Integer, default=0)  # stopped or withdrawn
    supplemented: Mapped[int] = mapped_column(Integer, default=0)  # finished after at least one request
    decided: Mapped[int] = mapped_column(Integer, default=0)  # a result or a refusal was returned
    # Working time the decided dossiers took and the law allowed them, pauses left out of both.
    used_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    allowed_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


class OfficialDayFigures(StepCounters, Base):
    """The steps one official completed on one local day, per center, procedure, unit and step.

    Everyone's step figures are these rows added up (an official does few kinds of steps, so a day
    is a few rows an official); ``official_id`` 0 holds steps completed by no official.
    """

    __tablename__ = "stat_official_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    official_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    center_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    unit: Mapped[str] = mapped_column(String(128), primary_key=True)
    element_id: Mapped[str] = mapped_column(String(128), primary_key=True)



def _journal_of(model: type[Base]) -> Table:
    """An append-only table with ``model``'s columns and no key or index.

    A command adds its counts here with a plain INSERT, cheaper than adding to the day's row
    (engine.statistics.upkeep); the scheduler folds the rows into ``model``'s
    (engine.statistics.fold), and readers add the two (engine.statistics.daily), so a figure is
    exact whether or not the fold has run.
    """
    figures = table_of(model)
    return Table(f"{figures.name}_journal", Base.metadata,
                 *[Column(column.name, column.type, nullable=False) for column in figures.columns])


DOSSIER_DAY_JOURNAL = _journal_of(DossierDayFigures)
OFFICIAL_DAY_JOURNAL = _journal_of(OfficialDayFigures)

class SignedDocument(Base):
    """A document of a dossier signed with its center's certificate (PAdES), kept as signed.

    ``kind`` is ``result`` (the electronic result); one of each kind per dossier. The certificate's
    facts are copied here, as in the ``result_signed`` history event, so the lookup reads them
    without opening the PDF.
    """

    __tablename__ = "signed_document"
    __table_args__ = (UniqueConstraint("dossier_id", "kind", name="uq_signed_document_dossier_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    certificate_subject: Mapped[str] = mapped_column(String(512))
    certificate_serial: Mapped[str] = mapped_column(String(64))
    certificate_fingerprint: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
class ChainHead(Base):
    """The stored head of a chain that has no dossier row to carry it (the administrative chain).

    Appending locks this row, so events of the chain are numbered one after another."""

    __tablename__ = "chain_head"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str | None] = mapped_column(String(64))


class AdminEvent(Base):
    """Append-only record of an administrative change (deploy, activation, org, calendar, roles,
    reassignments, incident retries), hash-chained like a dossier's history (engine.audit.admin_chain)."""

    __tablename__ = "admin_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_type: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the record outlives accounts
    actor_name: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """A signed anchor: the digest of every chain's head at one moment, chained to the anchor before.

    ``statement`` is the exact text signed (Ed25519); ``changes`` the heads that moved since the
    previous anchor, whose fold over all anchors gives every anchored head (engine.audit.anchors)."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))
    public_key: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    changes: Mapped[str] = deferred(mapped_column(Text, nullable=False))
