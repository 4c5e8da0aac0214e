"""The evidence pack: everything an auditor takes away, checked offline with only the public key; one
byte changed anywhere and the check fails."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engine.audit.anchors import signing_key, write_anchor
from engine.audit.keys import public_hex, write_demo_key
from engine.audit.pack import archive_bytes, check_pack
from engine.errors import NotFoundError, PermissionDeniedError
from engine.runtime.command import Actor
from engine.slips.layout import SlipOptions
from tests.integration.engine.audit.conftest import change

SYSTEM = Actor(None, "cli")


def _pack(session_factory, ctx, code, who=SYSTEM) -> bytes:
    from engine.audit.pack import build_pack

    with session_factory() as session:
        return build_pack(session, ctx.settings, who, code, today=ctx.today(), calendar=ctx.calendar,
                          options=SlipOptions(), now=ctx.clock.now())


@pytest.fixture
def pack(session_factory, signed, dossiers) -> bytes:
    with session_factory() as session:
        write_anchor(session, signed.settings, SYSTEM, now=signed.clock.now(), today=signed.today())
        session.commit()
    return _pack(session_factory, signed, dossiers.finished)


def test_the_pack_holds_everything_and_checks_offline(pack, signed, dossiers):
    names = set(zipfile.ZipFile(io.BytesIO(pack)).namelist())
    assert {"procedure/enterprise_registration.bpmn", "procedure/procedure.json", "history.json",
            "control-slip.pdf", "anchors.json", "verification.json", "manifest.json", "manifest.sig"} <= names
    assert any(name.startswith("procedure/forms/") for name in names)
    archive = zipfile.ZipFile(io.BytesIO(pack))
    assert archive.read("control-slip.pdf").startswith(b"%PDF")
    assert json.loads(archive.read("verification.json"))["ok"] is True

    result = check_pack(pack, public_hex(signing_key(signed.settings)))
    assert result.ok, result.problems
    assert result.dossier == dossiers.finished and result.anchor == 1
    assert result.anchored_events == result.events > 20


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1:]


def test_one_byte_changed_anywhere_fails_the_check(pack, signed):
    key = public_hex(signing_key(signed.settings))
    # Every byte of the archive's structure (headers, directory) and a sample of the files' bytes.
    archive = zipfile.ZipFile(io.BytesIO(pack))
    structure = set(range(len(pack))) - {offset for info in archive.infolist()
                                         for offset in range(info.header_offset + 30 + len(info.filename) + 1,
                                                             info.header_offset + 30 + len(info.filename)
                                                             + info.file_size)}
    offsets = sorted(structure) + list(range(0, len(pack), 97))
    passing = [offset for offset in offsets if check_pack(_flip(pack, offset), key).ok]
    assert passing == []


def test_a_changed_file_repacked_is_named(pack, signed):
    source = zipfile.ZipFile(io.BytesIO(pack))
    entries = [(name, source.read(name)) for name in source.namelist()]
    entries = [(name, body.replace(b"appraise_dossier", b"appraise_dossieR", 1) if name == "history.json" else body)
               for name, body in entries]
    result = check_pack(archive_bytes(entries), public_hex(signing_key(signed.settings)))
    assert result.problems == ["history.json: its SHA-256 differs from the manifest"]


def test_another_key_does_not_check(pack, tmp_path):
    other = write_demo_key(tmp_path / "other.pem")
    assert check_pack(pack, public_hex(other)).problems == [
        "the manifest's signature does not hold with this public key"]


def test_a_pack_of_a_tampered_dossier_says_so(session_factory, signed, dossiers):
    change_actor = {"actor_name": "Người khác"}
    from engine.persistence.models import HistoryEvent

    change(session_factory, HistoryEvent, (HistoryEvent.dossier_id == dossiers.ids[dossiers.running])
           & (HistoryEvent.seq == 3), **change_actor)
    pack = _pack(session_factory, signed, dossiers.running)
    archive = zipfile.ZipFile(io.BytesIO(pack))
    assert json.loads(archive.read("verification.json"))["ok"] is False
    result = check_pack(pack, public_hex(signing_key(signed.settings)))
    assert len(result.problems) == 1 and "Event 3" in result.problems[0]


def test_only_auditors_export(session_factory, signed, dossiers, staff):
    with pytest.raises(PermissionDeniedError):
        _pack(session_factory, signed, dossiers.finished, staff.reception)
    with pytest.raises(NotFoundError):
        _pack(session_factory, signed, "KHONG-CO")
