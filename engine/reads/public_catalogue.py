"""The public catalogue of procedures (danh mục thủ tục hành chính), for citizens, without sign-in:
every procedure that receives dossiers now, with its documents, fees, legal time limits (each case
the law distinguishes), where to submit it, the fields its start form asks for, and how often its
dossiers were resolved on time at each center.

Everything here is public by law (procedures must be published); the on-time figures are the
leaders' Decision 766 rate over the last twelve months (engine.statistics.public), counts that never
name a dossier or a person. The list is filtered in Python, as the counter's
is (engine.reads.counter): a province has tens of procedures, and the accent-insensitive comparison
(``engine.org.text.fold``) is then the same on every database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.orm import Session

from engine.deployment.lifecycle import active_version_id
from engine.org.localities import is_located
from engine.org.text import fold
from engine.persistence.models import (
    Center,
    Official,
    OfficialRole,
    Procedure,
    ProcedureVersion,
    Role,
    Unit,
    VersionState,
)
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_form_of
from engine.statistics.public import OnTimeCounts, on_time_by_center, public_period
from forms.outline import FieldOutline, outline


@dataclass(frozen=True)
class Bilingual:
    vi: str
    en: str | None

    @classmethod
    def of(cls, value: Any, fallback: str = "") -> Bilingual:
        """procedure.json writes names as {"vi": …, "en": …} or as plain text."""
        if isinstance(value, dict):
            return cls(str(value.get("vi") or fallback), str(value["en"]) if value.get("en") else None)
        return cls(str(value or fallback), None)


@dataclass(frozen=True)
class TimeLimitCase:
    """One legal time limit: the usual one (``condition`` None) or a case the law sets apart."""

    limit: dict[str, Any]
    condition: Bilingual | None


@dataclass(frozen=True)
class CatalogueItem:
    key: str
    name: Bilingual
    national_code: str | None
    field: Bilingual
    time_limit: dict[str, Any] | None
    fee_count: int
    free: bool  # no fee is charged


@dataclass(frozen=True)
class CenterFigure:
    """Where to submit, and how the procedure's dossiers fared there."""

    code: str
    name: str
    receives: bool  # reception there takes dossiers of the procedure
    on_time: OnTimeCounts  # the last twelve months' dossiers there, as Decision 766 counts them


@dataclass(frozen=True)
class ProcedureSheet:
    item: CatalogueItem
    lead_agency: str
    legal_basis: tuple[str, ...]
    time_limits: tuple[TimeLimitCase, ...]
    receipt_cutoff: str | None
    documents: tuple[dict[str, Any], ...]
    fees: tuple[dict[str, Any], ...]
    result_types: tuple[str, ...]
    centers: tuple[CenterFigure, ...]
    form_title: str
    form_fields: tuple[FieldOutline, ...]


def _item(key: str, name: str, name_en: str | None, national_code: str | None,
          metadata: dict[str, Any]) -> CatalogueItem:
    fees = [fee for fee in metadata.get("fees") or () if isinstance(fee, dict)]
    return CatalogueItem(
        key=key, name=Bilingual(name, name_en), national_code=national_code,
        field=Bilingual.of(metadata.get("field")), time_limit=metadata.get("time_limit"),
        fee_count=len(fees), free=not any(fee.get("amount_vnd") for fee in fees),
    )


def public_catalogue(session: Session, text: str = "") -> list[CatalogueItem]:
    """Procedures with an active version, by field then name; ``text`` keeps those whose name (either
    language), field, key or national code contain each of its words, accents and case ignored:
    "khai sinh" and "dang ky" both find "Đăng ký khai sinh"."""
    rows = session.execute(
        select(Procedure.key, Procedure.name, Procedure.name_en, Procedure.national_code, ProcedureVersion.metadata_)
        .join(ProcedureVersion, and_(ProcedureVersion.procedure_id == Procedure.id,
                                     ProcedureVersion.state == VersionState.ACTIVE))
    ).all()
    items = [_item(row.key, row.name, row.name_en, row.national_code, row.metadata_) for row in rows]
    words = fold(text).split()
    if words:
        items = [item for item in items if all(word in _searchable(item) for word in words)]
    return sorted(items, key=lambda item: (fold(item.field.vi), fold(item.name.vi)))


def _searchable(item: CatalogueItem) -> str:
    values = (item.name.vi, item.name.en, item.field.vi, item.field.en, item.key, item.national_code)
    return " ".join(fold(value) for value in values)


def procedure_sheet(session: Session, ctx: EngineContext, key: str) -> ProcedureSheet:
    """Everything the catalogue publishes of one procedure (its active version's); NotFoundError for
    a procedure that does not exist, ProcedureNotActiveError for one that receives no dossiers now."""
    procedure = session.execute(
        select(Procedure.id, Procedure.name, Procedure.name_en, Procedure.national_code,
               ProcedureVersion.id.label("version_id"), ProcedureVersion.elements, ProcedureVersion.metadata_,
               ProcedureVersion.forms)
        .outerjoin(ProcedureVersion, and_(ProcedureVersion.procedure_id == Procedure.id,
                                          ProcedureVersion.state == VersionState.ACTIVE))
        .where(Procedure.key == key)
    ).first()
    if procedure is None or procedure.version_id is None:
        active_version_id(session, key)  # raises what is missing: the procedure or an active version
        raise AssertionError(key)  # unreachable: it raised
    # The stored columns, not ctx.version: the catalogue needs no built spec, and building one costs
    # a citizen's first look at a procedure some 20 ms.
    metadata = procedure.metadata_
    form_name = start_form_of(procedure.elements)
    form = procedure.forms.get(form_name) if form_name else None
    return ProcedureSheet(
        item=_item(key, procedure.name, procedure.name_en, procedure.national_code, metadata),
        lead_agency=str(metadata.get("lead_agency") or ""),
        legal_basis=tuple(str(text) for text in metadata.get("legal_basis") or ()),
        time_limits=_time_limits(metadata),
        receipt_cutoff=metadata.get("receipt_cutoff"),
        documents=tuple(d for d in metadata.get("required_documents") or () if isinstance(d, dict)),
        fees=tuple(fee for fee in metadata.get("fees") or () if isinstance(fee, dict)),
        result_types=tuple(str(text) for text in metadata.get("result_types") or ()),
        centers=_centers(session, ctx, key, metadata),
        form_title=str((form or {}).get("title") or ""),
        form_fields=tuple(outline(form)),
    )


def _time_limits(metadata: dict[str, Any]) -> tuple[TimeLimitCase, ...]:
    usual = metadata.get("time_limit")
    cases = [TimeLimitCase(usual, None)] if isinstance(usual, dict) else []
    for variant in metadata.get("time_limit_variants") or ():
        if isinstance(variant, dict):
            cases.append(TimeLimitCase({"value": variant.get("value"), "unit": variant.get("unit")},
                                       Bilingual.of(variant.get("reason"), str(variant.get("id") or ""))))
    return tuple(cases)


def _reception_unit(metadata: dict[str, Any]) -> str | None:
    for binding in (metadata.get("lanes") or {}).values():
        if isinstance(binding, dict) and binding.get("role") == Role.RECEPTION.value:
            return str(binding.get("department") or "") or None
    return None


def _receiving(metadata: dict[str, Any]) -> ColumnElement[bool]:
    """Which centers' reception takes the procedure, as a clause on Center: for a lane routed by
    locality, every center that serves a locality; otherwise the centers of the reception lane's
    unit's active receptionists."""
    unit = _reception_unit(metadata)
    if unit is None:
        return false()
    if is_located(unit):
        return Center.locality.is_not(None)
    return Center.id.in_(
        select(Official.center_id)
        .join(Unit, Unit.id == Official.unit_id)
        .join(OfficialRole, OfficialRole.official_id == Official.id)
        .where(Unit.code == unit, OfficialRole.role == Role.RECEPTION.value, Official.active.is_(True))
    )


def _centers(session: Session, ctx: EngineContext, key: str, metadata: dict[str, Any]) -> tuple[CenterFigure, ...]:
    counts = on_time_by_center(session, key, public_period(ctx.today()), now=ctx.clock.now(), calendar=ctx.calendar)
    # Every center with whether it receives the procedure, in one query: a province has tens of them.
    centers = [c for c in session.execute(
        select(Center.id, Center.code, Center.name, Center.kind, _receiving(metadata).label("receives"))
    ) if c.receives or c.id in counts]
    ordered = sorted(centers, key=lambda c: (c.kind != "provincial", fold(c.name)))
    return tuple(CenterFigure(code=c.code, name=c.name, receives=bool(c.receives),
                              on_time=counts.get(c.id, OnTimeCounts())) for c in ordered)
