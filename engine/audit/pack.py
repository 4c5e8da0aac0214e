"""The evidence pack of one dossier: everything an auditor takes away, and its offline check.

A zip holding the procedure version the dossier ran on (its BPMN, forms and procedure.json), the
dossier's history as JSON (every event with its hashes, and the human task rows), the
process-control slip as PDF (Mẫu 05, rendered from that history), the signed anchors covering the
dossier, the verification verdict at export time, and a manifest of every file's SHA-256 with a
detached Ed25519 signature of the manifest.

``check_pack`` needs nothing but the pack and the deployment's public key: it checks the manifest's
signature, each file's hash, the anchors (hashes, links, signatures, digests), and re-computes the
history chain up to the head the anchors recorded for the dossier.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.access.policy import Someone, authorize, dossier_not_found
from engine.access.rules import Action
from engine.audit.anchors import ANCHOR_FORMAT, canonical, fold_anchors, signing_key, stored_anchors
from engine.audit.chain import ChainWalk
from engine.audit.keys import public_hex, read_public_key, sign, signature_holds
from engine.audit.verify import verify_where
from engine.calendar.working_calendar import WorkingCalendar
from engine.history.recorder import HASHED_FIELDS, chain_hash
from engine.persistence.models import Dossier, HistoryEvent, HumanTask, ProcedureVersion
from engine.settings import EngineSettings
from engine.slips.data import control_data
from engine.slips.layout import SlipOptions, compose
from engine.slips.pdf import document_pdf

PACK_FORMAT = "motcua-evidence-pack-v1"
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
HISTORY, ANCHORS = "history.json", "anchors.json"
_TASK_FIELDS = ("id", "element_id", "name", "lane", "department", "status", "assignee_id", "ready_at", "claimed_at",
                "completed_at", "completed_by_id", "due_at", "submitted_data")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=_plain).encode()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def _event(event: HistoryEvent) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in HASHED_FIELDS}
    row["at"] = event.at.isoformat()  # exactly as hashed (engine.history.recorder.canonical_bytes)
    return {**row, "id": event.id, "prev_hash": event.prev_hash, "hash": event.hash}


def _history(session: Session, dossier: Dossier) -> dict[str, Any]:
    events = session.scalars(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier.id)
                             .order_by(HistoryEvent.seq))
    tasks = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id).order_by(HumanTask.ready_at))
    return {
        "dossier": {"code": dossier.code, "id": dossier.id, "status": str(dossier.status),
                    "received_at": dossier.received_at, "due_at": dossier.due_at, "completed_at": dossier.completed_at,
                    "event_count": dossier.event_count, "last_event_hash": dossier.last_event_hash},
        "events": [_event(e) for e in events],
        "tasks": [{name: getattr(t, name) for name in _TASK_FIELDS} for t in tasks],
    }


def _procedure_files(version: ProcedureVersion) -> dict[str, bytes]:
    key = version.procedure.key
    files = {f"procedure/{key}.bpmn": version.bpmn_xml.encode(),
             "procedure/procedure.json": _json(version.metadata_)}
    for name, schema in sorted((version.forms or {}).items()):
        files[f"procedure/forms/{name}"] = _json(schema)
    return files


def build_pack(session: Session, settings: EngineSettings, who: Someone, code: str, *, today: date,
               calendar: WorkingCalendar, options: SlipOptions, now: datetime) -> bytes:
    """The evidence pack of dossier ``code`` as zip bytes, for those who may audit it."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise dossier_not_found(code)
    authorize(session, who, Action.AUDIT_READ, dossier, today=today, ref=code)
    key = signing_key(settings)
    version = session.scalar(select(ProcedureVersion).options(undefer(ProcedureVersion.bpmn_xml),
                                                              undefer(ProcedureVersion.forms))
                             .where(ProcedureVersion.id == dossier.procedure_version_id))
    assert version is not None  # a dossier's version is never deleted
    anchors = stored_anchors(session)
    fold = fold_anchors(anchors, key.public_key())
    verdict = verify_where(session, Dossier.id == dossier.id, fold=fold)
    files = _procedure_files(version)
    files[HISTORY] = _json(_history(session, dossier))
    files["control-slip.pdf"] = document_pdf(compose(control_data(session, dossier.id, calendar=calendar), options))
    files[ANCHORS] = _json({"format": ANCHOR_FORMAT, "public_key": public_hex(key), "anchors": anchors})
    files["verification.json"] = _json(verdict.as_dict())
    manifest = canonical({"format": PACK_FORMAT, "dossier": code, "created_at": now.isoformat(),
                          "public_key": public_hex(key),
                          "files": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())}})
    entries = [*sorted(files.items()), (MANIFEST, manifest), (SIGNATURE, sign(key, manifest).encode())]
    return archive_bytes(entries)


def archive_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """The zip of ``entries``, byte for byte reproducible: stored (no compression, whose output may
    differ between zlib builds), fixed dates and attributes. The check re-builds it from the files
    and compares, so a byte changed in the archive's own structure fails as one changed in a file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, body in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr, info.create_system = 0o644 << 16, 3
            archive.writestr(info, body)
    return buffer.getvalue()


@dataclass
class PackCheck:
    """What ``check_pack`` found: ``problems`` empty when the pack is sound."""

    dossier: str | None = None
    events: int = 0
    anchor: int | None = None     # the latest anchor covering the dossier
    anchored_events: int = 0      # how many of its events that anchor covers
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain_problems(history: dict[str, Any], code: str, anchors: dict[str, Any],
                    public: Ed25519PublicKey, result: PackCheck) -> None:
    fold = fold_anchors(anchors.get("anchors") or [], public)
    if fold.first_problem is not None:
        result.problems.append(fold.first_problem.message_en)
    walk = ChainWalk(code, lambda prev, row: chain_hash(prev, dict(zip(HASHED_FIELDS, row, strict=True))),
                     anchored=fold.heads.get(code), anchor_seq=fold.latest.seq if fold.latest else None)
    for event in history.get("events") or []:
        walk.feed(event["id"], event["seq"], event["event_type"], event["prev_hash"], event["hash"],
                  [event[name] for name in HASHED_FIELDS])
    dossier = history.get("dossier") or {}
    broken = walk.finish(dossier.get("event_count"), dossier.get("last_event_hash"))
    if broken is not None:
        result.problems.append(f"history: {broken.message_en}")
    result.events = walk.seq
    if code in fold.heads and fold.latest is not None:
        result.anchor, result.anchored_events = fold.latest.seq, fold.heads[code][0]


def check_pack(data: bytes, public_key: str | Ed25519PublicKey) -> PackCheck:
    """Check an evidence pack offline with only the deployment's public key (hex, PEM or a key)."""
    public = read_public_key(public_key) if isinstance(public_key, str) else public_key
    result = PackCheck()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [(name, archive.read(name)) for name in archive.namelist()]
        contents = dict(entries)
    except (zipfile.BadZipFile, OSError, EOFError) as error:  # zlib errors surface as BadZipFile too
        result.problems.append(f"not a readable zip: {error}")
        return result
    except Exception as error:  # noqa: BLE001 - a damaged archive can fail inside zlib in many ways
        result.problems.append(f"not a readable zip: {type(error).__name__}: {error}")
        return result
    if archive_bytes(entries) != data:
        result.problems.append("the archive's bytes differ from its files: it was changed outside them")
        return result
    manifest, signature = contents.pop(MANIFEST, b""), contents.pop(SIGNATURE, b"").decode(errors="replace")
    if not signature_holds(public, manifest, signature.strip()):
        result.problems.append("the manifest's signature does not hold with this public key")
        return result
    listed = json.loads(manifest)
    result.dossier = listed.get("dossier")
    hashes: dict[str, str] = listed.get("files") or {}
    for name in sorted(set(hashes) | set(contents)):
        if name not in contents:
            result.problems.append(f"{name}: listed in the manifest but missing")
        elif name not in hashes:
            result.problems.append(f"{name}: not listed in the manifest")
        elif hashlib.sha256(contents[name]).hexdigest() != hashes[name]:
            result.problems.append(f"{name}: its SHA-256 differs from the manifest")
    if result.problems:
        return result
    _chain_problems(json.loads(contents[HISTORY]), str(result.dossier), json.loads(contents[ANCHORS]), public, result)
    return result
