"""Anchors: every chain's head, digested, chained to the anchor before and signed with the
deployment's Ed25519 key.

A history chain proves that no event was edited in place, but whoever can write the database can
also recompute a whole chain and its stored head, delete a dossier, or cut a chain's tail. An anchor
fixes every chain's length and head at a moment; once a copy of it is outside the database (exported
for the Inspectorate), none of these can pass unseen: verification checks each chain still has the
anchored head at the anchored length, and that every anchored dossier still exists.

Storage is incremental: an anchor keeps only the heads that moved since the one before
(``changes``); folding all anchors gives every anchored head, and each anchor's signed ``digest``
covers that whole fold (SHA-256 over the sorted lines ``chain TAB count TAB head``).

Chains are named by the dossier's code; the administrative chain is ``@admin``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.audit.chain import Break, BreakKind
from engine.audit.keys import SigningKeyError, load_signing_key, public_hex, read_public_key, sign, signature_holds
from engine.persistence.models import AuditAnchor, ChainHead, Dossier, table_of
from engine.settings import EngineSettings

log = logging.getLogger(__name__)
ANCHOR_FORMAT = "motcua-anchor-v1"
ADMIN_CHAIN = "@admin"
ANCHORS = "@anchors"  # the name breaks of the anchors' own chain carry
Heads = dict[str, tuple[int, str]]
_ANCHORS = table_of(AuditAnchor)


def canonical(value: Any) -> bytes:
    """The encoding that is hashed and signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def heads_digest(heads: Mapping[str, tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(heads):
        count, head = heads[name]
        digest.update(f"{name}\t{count}\t{head}\n".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=4)
def _cached_key(path: str, password: str | None) -> Ed25519PrivateKey:
    return load_signing_key(path, password)


def signing_key(settings: EngineSettings) -> Ed25519PrivateKey:
    """The deployment's key (settings: AUDIT_SIGNING_KEY, AUDIT_SIGNING_KEY_PASSWORD)."""
    if not settings.audit_signing_key:
        raise SigningKeyError("Chưa cấu hình khóa ký mốc neo (MOTCUA_AUDIT_SIGNING_KEY)",
                              message_en="No anchor signing key is configured (MOTCUA_AUDIT_SIGNING_KEY)")
    return _cached_key(settings.audit_signing_key, settings.audit_signing_key_password)


def trusted_public_key(settings: EngineSettings) -> Ed25519PublicKey | None:
    """The public half of the configured key; None when no key is configured."""
    return signing_key(settings).public_key() if settings.audit_signing_key else None


def current_heads(session: Session) -> Heads:
    """Every chain's stored head now: each dossier's, and the administrative chain's."""
    heads: Heads = {row.code: (row.event_count, row.last_event_hash) for row in session.execute(
        select(Dossier.code, Dossier.event_count, Dossier.last_event_hash).where(Dossier.event_count > 0))}
    admin = session.get(ChainHead, "admin")
    if admin is not None and admin.event_count and admin.last_event_hash:
        heads[ADMIN_CHAIN] = (admin.event_count, admin.last_event_hash)
    return heads


@dataclass(frozen=True)
class AnchorCheck:
    """One anchor as checked: ``problem`` None when its hash, link, signature and digest hold."""

    seq: int
    at: datetime
    hash: str
    chains: int
    events: int
    problem: Break | None

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at.isoformat(), "hash": self.hash, "chains": self.chains,
                "events": self.events, "ok": self.problem is None,
                "problem": self.problem.as_dict() if self.problem else None}


@dataclass
class AnchorFold:
    """Every anchor checked in order, and the heads they anchor (up to the last sound anchor)."""

    checks: list[AnchorCheck] = field(default_factory=list)
    heads: Heads = field(default_factory=dict)
    trusted: bool = False  # signatures were checked with the deployment's (or a given) public key

    @property
    def latest(self) -> AnchorCheck | None:
        sound = [c for c in self.checks if c.problem is None]
        return sound[-1] if sound else None

    @property
    def first_problem(self) -> Break | None:
        return next((c.problem for c in self.checks if c.problem is not None), None)

    def summary(self) -> dict[str, Any] | None:
        latest = self.latest
        if latest is None and not self.checks:
            return None
        return {"seq": latest.seq if latest else None, "at": latest.at.isoformat() if latest else None,
                "hash": latest.hash if latest else None, "anchors": len(self.checks), "trusted": self.trusted,
                "chains": len(self.heads)}


def _invalid(seq: int, message: str, message_en: str, **details: Any) -> Break:
    return Break(ANCHORS, BreakKind.ANCHOR_INVALID, f"Mốc neo số {seq}: {message}", f"Anchor {seq}: {message_en}",
                 seq=seq, **details)


def _check_one(record: Mapping[str, Any], previous: AnchorCheck | None, heads: Heads,
               public: Ed25519PublicKey | None) -> tuple[AnchorCheck, Heads | None]:
    """Check one anchor record (``statement``, ``signature``, ``public_key``, ``hash``, ``changes``)
    against the one before it; return it checked and the heads after it (None: not sound)."""
    statement_text: str = record["statement"]
    statement = json.loads(statement_text)
    seq, hash_ = int(statement.get("seq", 0)), hashlib.sha256(statement_text.encode()).hexdigest()
    at = datetime.fromisoformat(statement["at"])
    changes = json.loads(record["changes"])
    after = {**heads, **{name: (int(v[0]), str(v[1])) for name, v in changes.items()}}
    key = public or read_public_key(record["public_key"])
    expected_seq = previous.seq + 1 if previous else 1
    problem = None
    if hash_ != record["hash"]:
        problem = _invalid(seq, "nội dung đã bị sửa (mã băm không khớp)", "its content was changed (hash mismatch)",
                           field="hash", expected=record["hash"], found=hash_)
    elif seq != expected_seq or statement.get("prev_hash") != (previous.hash if previous else None):
        problem = _invalid(seq, "không nối với mốc neo trước (bị xóa hoặc chèn)",
                           "does not link to the anchor before it (deleted or inserted)", field="prev_hash",
                           expected=previous.hash if previous else None, found=statement.get("prev_hash"))
    elif not signature_holds(key, statement_text.encode(), record["signature"]):
        problem = _invalid(seq, "chữ ký không hợp lệ với khóa công khai của đơn vị",
                           "its signature does not hold with the deployment's public key", field="signature")
    elif hashlib.sha256(record["changes"].encode()).hexdigest() != statement.get("changes_digest"):
        problem = _invalid(seq, "danh sách đầu chuỗi đã bị sửa", "its list of chain heads was changed",
                           field="changes")
    elif heads_digest(after) != statement.get("digest"):
        problem = _invalid(seq, "tổng hợp đầu chuỗi không khớp với các mốc neo trước",
                           "its digest of chain heads does not follow from the anchors before it", field="digest",
                           expected=statement.get("digest"), found=heads_digest(after))
    check = AnchorCheck(seq, at, record["hash"], int(statement.get("chains", 0)), int(statement.get("events", 0)),
                        problem)
    return check, (after if problem is None else None)


def fold_anchors(records: Iterable[Mapping[str, Any]], public: Ed25519PublicKey | None) -> AnchorFold:
    """Check anchors in order; the heads are those of the anchors up to the first unsound one."""
    fold = AnchorFold(trusted=public is not None)
    previous: AnchorCheck | None = None
    sound = True
    for record in records:
        check, after = _check_one(record, previous, fold.heads, public)
        fold.checks.append(check)
        if after is None:
            sound = False
        if sound and after is not None:
            fold.heads = after
        previous = check
    return fold


def stored_anchors(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(_ANCHORS.c.statement, _ANCHORS.c.signature, _ANCHORS.c.public_key,
                                  _ANCHORS.c.hash, _ANCHORS.c.changes).order_by(_ANCHORS.c.seq))
    return [dict(row._mapping) for row in rows]


def load_fold(session: Session, settings: EngineSettings, public: Ed25519PublicKey | None = None) -> AnchorFold:
    """The stored anchors, checked with ``public`` (else the deployment's key, else their own)."""
    return fold_anchors(stored_anchors(session), public or trusted_public_key(settings))


def list_anchors(session: Session, settings: EngineSettings, who: Someone, *, today: Any,
                 public: Ed25519PublicKey | None = None) -> AnchorFold:
    """Every anchor, checked, for those who may read the deployment-wide audit record."""
    authorize(session, who, Action.AUDIT_ADMIN_READ, today=today)
    return load_fold(session, settings, public)


@dataclass
class AnchorWritten:
    """What writing an anchor did: the anchor (None: nothing moved since the last), the heads it
    recorded as moved, and the chains left at their previous anchored head because they are broken."""

    anchor: AuditAnchor | None
    changed: int
    refused: list[Break]


def _refused(session: Session, changed: Heads) -> list[Break]:
    """The moved chains that do not verify: an anchor must never bless a tampered chain."""
    from engine.audit.verify import verify_admin_chain, verify_where  # verify holds chains to anchors

    codes = [name for name in changed if name != ADMIN_CHAIN]
    breaks: list[Break] = []
    for start in range(0, len(codes), 500):
        breaks += verify_where(session, Dossier.code.in_(codes[start:start + 500])).breaks
    if ADMIN_CHAIN in changed:
        breaks += verify_admin_chain(session).breaks
    return breaks


def write_anchor(session: Session, settings: EngineSettings, who: Someone, *, now: datetime,
                 today: Any) -> AnchorWritten:
    """Anchor every chain's head now (those that moved since the last anchor), signed. Does not commit."""
    authorize(session, who, Action.AUDIT_ANCHOR, today=today)
    key = signing_key(settings)
    fold = fold_anchors(stored_anchors(session), key.public_key())
    if fold.first_problem is not None:
        raise SigningKeyError(f"Không ghi được mốc neo: {fold.first_problem.message}",
                              message_en=f"Cannot write an anchor: {fold.first_problem.message_en}")
    heads = current_heads(session)
    moved = {name: head for name, head in heads.items() if fold.heads.get(name) != head}
    refused = _refused(session, moved)
    for broken in refused:
        moved.pop(broken.chain, None)
    latest = fold.latest
    if not moved and latest is not None:
        return AnchorWritten(None, 0, refused)
    after = {**fold.heads, **moved}
    changes_text = canonical({name: list(head) for name, head in moved.items()}).decode()
    seq = (latest.seq if latest else 0) + 1
    statement = canonical({
        "format": ANCHOR_FORMAT, "seq": seq, "at": now.astimezone(UTC).isoformat(),
        "prev_hash": latest.hash if latest else None, "digest": heads_digest(after), "chains": len(after),
        "events": sum(count for count, _ in after.values()),
        "changes_digest": hashlib.sha256(changes_text.encode()).hexdigest(),
    })
    anchor = AuditAnchor(seq=seq, at=now, statement=statement.decode(), signature=sign(key, statement),
                         public_key=public_hex(key), hash=hashlib.sha256(statement).hexdigest(), changes=changes_text)
    session.add(anchor)
    session.flush()
    return AnchorWritten(anchor, len(moved), refused)


def anchor_if_due(session_factory: sessionmaker[Session], settings: EngineSettings, now: datetime) -> int:
    """The scheduler's job: write an anchor when the last is older than AUDIT_ANCHOR_MINUTES.

    Without a configured key it does nothing (and says so in the log); two schedulers racing for the
    same anchor number leave one anchor, the other's insert failing on the unique number."""
    if not settings.audit_signing_key:
        return 0
    with session_factory() as session:
        last = session.scalar(select(func.max(AuditAnchor.at)))
        if last is not None and (now - last).total_seconds() < settings.audit_anchor_minutes * 60:
            return 0
        try:
            written = write_anchor(session, settings, _System(), now=now, today=now.date())
            session.commit()
        except IntegrityError:
            session.rollback()
            return 0
        except SigningKeyError as error:
            session.rollback()
            log.warning("anchor_failed", extra={"error": error.message_en})
            return 0
    for broken in written.refused:
        log.warning("anchor_refused_chain", extra={"chain": broken.chain, "error": broken.message_en})
    return 1 if written.anchor is not None else 0


class _System:
    """The scheduler acting: not an official, never refused."""

    id = None


def export_anchors(session: Session, settings: EngineSettings, who: Someone, *, today: Any,
                   public: Ed25519PublicKey | None = None) -> dict[str, Any]:
    """Every anchor with the public key, as JSON for a body outside the center to keep and check."""
    authorize(session, who, Action.AUDIT_ADMIN_READ, today=today)
    records = stored_anchors(session)
    key = public or trusted_public_key(settings)
    key_hex = public_hex(key) if key else (records[-1]["public_key"] if records else None)
    return {"format": ANCHOR_FORMAT, "public_key": key_hex, "anchors": records}


def check_export(document: Mapping[str, Any], public: Ed25519PublicKey | None = None) -> AnchorFold:
    """Check an exported anchors document on its own: hashes, links, signatures, digests."""
    key = public or (read_public_key(document["public_key"]) if document.get("public_key") else None)
    return fold_anchors(document.get("anchors") or [], key)


def compare_with_export(session: Session, document: Mapping[str, Any]) -> list[Break]:
    """Anchors kept outside (an export) that the database no longer holds as they were: deleted or replaced."""
    stored = {json.loads(r["statement"])["seq"]: r["hash"] for r in stored_anchors(session)}
    problems = []
    for record in document.get("anchors") or []:
        seq = json.loads(record["statement"])["seq"]
        if stored.get(seq) != record["hash"]:
            problems.append(_invalid(seq, "bản lưu bên ngoài không còn khớp với cơ sở dữ liệu (bị xóa hoặc thay)",
                                     "the copy kept outside no longer matches the database (deleted or replaced)",
                                     field="hash", expected=record["hash"], found=stored.get(seq)))
    return problems


def anchored_breaks(heads: Heads, found: Collection[str], anchor_seq: int | None) -> list[Break]:
    """Anchored dossier chains missing from the database (``found``: the codes that exist)."""
    return [Break(name, BreakKind.MISSING,
                  f"Hồ sơ {name} có trong mốc neo số {anchor_seq} ({count} sự kiện) nhưng không còn trong cơ sở dữ "
                  "liệu: đã bị xóa",
                  f"Dossier {name} is in anchor {anchor_seq} ({count} events) but no longer in the database: "
                  "it was deleted", seq=count, field="dossier", expected=head, found=None)
            for name, (count, head) in sorted(heads.items()) if name != ADMIN_CHAIN and name not in found]
