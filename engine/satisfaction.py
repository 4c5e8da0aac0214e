"""The citizen's satisfaction (đánh giá mức độ hài lòng): one rating per dossier once its result is
returned, and optionally of the official who returned it, and the figures leaders read from them.

Levels are the three of the counter devices and the reports (domain brief §4.3); "dissatisfied"
is the "dislike" Decision 766 counts in its indicator 5.4. A citizen rates through the lookup page
(with the receipt's secret, engine.public.rate_with_secret) or on the counter's tablet, where the
signed-in official vouches for the dossier instead of the secret (``rate_at_counter``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import desc, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.access.policy import Someone, dossier_scope
from engine.errors import ConflictError, FieldProblem, FormInvalidError
from engine.persistence.models import (
    Center,
    Dossier,
    DossierRating,
    DossierStatus,
    HumanTask,
    Official,
    SatisfactionLevel,
    TaskStatus,
)
from engine.reads.dossiers import find_dossier

# The result was returned: issued, or the refusal handed over with its reasons.
RATEABLE_STATUSES = (DossierStatus.COMPLETED, DossierStatus.REFUSED)
MAX_COMMENT = 1000
CHANNEL_LOOKUP, CHANNEL_COUNTER = "lookup", "counter"

LEVELS_VI = {
    SatisfactionLevel.VERY_SATISFIED: "Rất hài lòng",
    SatisfactionLevel.SATISFIED: "Hài lòng",
    SatisfactionLevel.DISSATISFIED: "Không hài lòng",
}


@dataclass(frozen=True)
class PublicRating:
    """A rating as the citizen sees it again: no name of anyone."""

    level: str
    official_level: str | None
    rated_at: datetime


@dataclass(frozen=True)
class RatedOfficial:
    id: int
    full_name: str


@dataclass
class SatisfactionCount:
    """Ratings of one group (a center, a procedure, an official)."""

    rated: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0

    def add(self, level: SatisfactionLevel) -> None:
        self.rated += 1
        setattr(self, level.value, getattr(self, level.value) + 1)

    @property
    def satisfied_rate(self) -> float | None:
        """Share of ratings that are "very satisfied" or "satisfied" (None with no rating)."""
        return (self.very_satisfied + self.satisfied) / self.rated if self.rated else None


@dataclass
class SatisfactionFigures:
    """Ratings made in a period, over the dossiers the reader may see."""

    total: SatisfactionCount = field(default_factory=SatisfactionCount)
    by_center: dict[str, SatisfactionCount] = field(default_factory=dict)  # center code
    by_procedure: dict[str, SatisfactionCount] = field(default_factory=dict)  # procedure key
    by_official: dict[int, SatisfactionCount] = field(default_factory=dict)  # the rated official's own level
    # Decision 766, indicator 5.4: dossiers rated "dissatisfied" (a "dislike"), by id.
    dissatisfied_dossier_ids: list[int] = field(default_factory=list)


def public_rating(rating: DossierRating) -> PublicRating:
    return PublicRating(level=LEVELS_VI[rating.level],
                        official_level=LEVELS_VI[rating.official_level] if rating.official_level else None,
                        rated_at=rating.rated_at)


def parse_level(value: object, name: str, *, required: bool) -> SatisfactionLevel | None:
    """A level from a form or JSON (its value, e.g. ``satisfied``); FormInvalidError naming ``name``."""
    if value in (None, "") and not required:
        return None
    try:
        return SatisfactionLevel(str(value))
    except ValueError:
        raise FormInvalidError([FieldProblem(name, "Vui lòng chọn một mức độ hài lòng",
                                             "Choose a level of satisfaction")]) from None


def _comment(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > MAX_COMMENT:
        raise FormInvalidError([FieldProblem("comment", f"Ý kiến tối đa {MAX_COMMENT} ký tự",
                                             f"The comment is at most {MAX_COMMENT} characters")])
    return text or None


def returning_official(session: Session, dossier: Dossier) -> RatedOfficial | None:
    """Who the citizen met when the result was returned: the official who completed the last
    return step, else the one who received the dossier."""
    official_id = session.scalar(
        select(HumanTask.completed_by_id)
        .where(HumanTask.dossier_id == dossier.id, HumanTask.status == TaskStatus.COMPLETED,
               HumanTask.stage == "return", HumanTask.completed_by_id.is_not(None))
        .order_by(desc(HumanTask.completed_at)).limit(1)
    ) or dossier.created_by_id
    official = session.get(Official, official_id) if official_id is not None else None
    return RatedOfficial(official.id, official.full_name) if official is not None else None


def record_rating(session: Session, dossier: Dossier, *, level: object, official_level: object = None,
                  comment: str | None = None, channel: str, at: datetime,
                  taken_by: Official | None = None) -> DossierRating:
    """Store the dossier's one rating. ConflictError before its result is returned or when it was
    rated already; FormInvalidError for a missing level or a too long comment. Does not commit."""
    if dossier.status not in RATEABLE_STATUSES:
        raise ConflictError("Chỉ đánh giá được sau khi đã nhận kết quả giải quyết hồ sơ",
                            message_en="A dossier can be rated only once its result was returned")
    chosen = parse_level(level, "level", required=True)
    assert chosen is not None  # required
    official_choice = parse_level(official_level, "official_level", required=False)
    text = _comment(comment)
    if session.scalar(select(DossierRating.id).where(DossierRating.dossier_id == dossier.id)) is not None:
        raise already_rated()
    official = returning_official(session, dossier) if official_choice is not None else None
    rating = DossierRating(
        dossier_id=dossier.id, center_id=dossier.center_id, procedure_key=dossier.procedure_version.procedure.key,
        level=chosen, official_id=official.id if official else None,
        official_level=official_choice if official else None, comment=text, channel=channel,
        taken_by_id=taken_by.id if taken_by is not None else None, rated_at=at.astimezone(UTC),
    )
    try:
        with session.begin_nested():  # two rating at once: the unique dossier_id lets one through
            session.add(rating)
            session.flush()
    except IntegrityError:
        raise already_rated() from None
    return rating


def already_rated() -> ConflictError:
    return ConflictError("Hồ sơ đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần",
                         message_en="The dossier was rated already; a dossier is rated once")


def rate_at_counter(session: Session, official: Official, code: str, *, level: object, official_level: object = None,
                    comment: str | None = None, at: datetime, today: date) -> DossierRating:
    """The citizen rates on the counter's tablet, which ``official`` (signed in) hands them: a
    dossier the official may read, as the policy says (NotFoundError otherwise). Does not commit."""
    dossier = find_dossier(session, official, code.strip(), today=today)
    return record_rating(session, dossier, level=level, official_level=official_level, comment=comment,
                         channel=CHANNEL_COUNTER, at=at, taken_by=official)


def satisfaction_figures(session: Session, who: Someone, *, since: datetime, until: datetime,
                         today: date) -> SatisfactionFigures:
    """The ratings made in [since, until) of the dossiers ``who`` may read, by center, procedure and
    rated official, for the leaders' statistics and Decision 766's satisfaction figures."""
    rows = session.execute(
        select(DossierRating.dossier_id, DossierRating.level, DossierRating.official_id, DossierRating.official_level,
               DossierRating.procedure_key, Center.code)
        .join(Dossier, Dossier.id == DossierRating.dossier_id)
        .join(Center, Center.id == DossierRating.center_id)
        .where(DossierRating.rated_at >= since, DossierRating.rated_at < until,
               dossier_scope(session, who, today))
        .order_by(DossierRating.id)
    ).all()
    figures = SatisfactionFigures()
    for row in rows:
        level = SatisfactionLevel(row.level)
        figures.total.add(level)
        figures.by_center.setdefault(row.code, SatisfactionCount()).add(level)
        figures.by_procedure.setdefault(row.procedure_key, SatisfactionCount()).add(level)
        if row.official_id is not None and row.official_level is not None:
            figures.by_official.setdefault(row.official_id, SatisfactionCount()).add(
                SatisfactionLevel(row.official_level))
        if level == SatisfactionLevel.DISSATISFIED:
            figures.dissatisfied_dossier_ids.append(row.dossier_id)
    return figures
