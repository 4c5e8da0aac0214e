"""/api/v1/audit: auditors and supervisors verify a dossier, a center or everything they may read;
others are refused (or do not see the dossier at all)."""

from __future__ import annotations

from sqlalchemy import update

from engine.persistence.models import HistoryEvent, table_of
from tests.conftest import enterprise_start_data
from tests.integration.api.conftest import add_official, login


def _dossier(client, reception) -> str:
    started = client.post("/api/v1/dossiers", headers=reception, json={
        "procedure": "enterprise_registration", "center": "hcc_test", "data": enterprise_start_data()})
    assert started.status_code == 201, started.json
    return started.json["code"]


def test_an_auditor_verifies_and_sees_the_broken_link(client, reception, session_factory, ctx, password_hash):
    code = _dossier(client, reception)
    add_official(session_factory, ctx, password_hash, "kiemtra", ["auditor"], None, "hcc_test")
    auditor = login(client, "kiemtra")

    one = client.get(f"/api/v1/audit/dossiers/{code}/verification", headers=auditor)
    assert one.status_code == 200 and one.json["ok"] is True and one.json["chains"] == 1
    center = client.get("/api/v1/audit/verification?center=hcc_test", headers=auditor)
    assert center.status_code == 200 and center.json["ok"] is True and center.json["events"] == one.json["events"]

    with session_factory.begin() as session:
        events = table_of(HistoryEvent)
        session.execute(update(events).where(events.c.seq == 2).values(actor_name="Người khác"))
    broken = client.get("/api/v1/audit/verification", headers=auditor).json
    assert broken["ok"] is False
    (first,) = broken["breaks"]
    assert (first["chain"], first["kind"], first["seq"], first["field"]) == (code, "altered", 2, "hash")
    assert "Sự kiện số 2" in first["message"] and "Event 2" in first["message_en"]


def test_officials_who_do_not_audit_are_refused(client, reception):
    code = _dossier(client, reception)
    one = client.get(f"/api/v1/audit/dossiers/{code}/verification", headers=reception)
    assert one.status_code == 403 and "audit.read" in one.json["message"]
    assert client.get("/api/v1/audit/verification", headers=reception).status_code == 403
    assert client.get("/api/v1/audit/dossiers/KHONG-CO/verification", headers=reception).status_code == 404


def test_anchors_and_the_evidence_pack_over_the_api(client, reception, session_factory, ctx, password_hash,
                                                    tmp_path):
    from dataclasses import replace

    from engine.audit.keys import public_hex, write_demo_key
    from engine.audit.pack import check_pack

    code = _dossier(client, reception)
    add_official(session_factory, ctx, password_hash, "kiemtra", ["auditor"], None, "hcc_test")
    add_official(session_factory, ctx, password_hash, "quantri", ["admin"], None, None)
    auditor, admin = login(client, "kiemtra"), login(client, "quantri")

    unset = client.post("/api/v1/audit/anchors", headers=admin)
    assert unset.status_code == 409 and "MOTCUA_AUDIT_SIGNING_KEY" in unset.json["message"]
    key = write_demo_key(tmp_path / "key.pem")
    ctx.settings = replace(ctx.settings, audit_signing_key=str(tmp_path / "key.pem"))

    written = client.post("/api/v1/audit/anchors", headers=admin)
    assert written.status_code == 201 and written.json["written"] is True and written.json["seq"] == 1
    assert client.post("/api/v1/audit/anchors", headers=auditor).status_code == 403  # auditors change nothing
    listed = client.get("/api/v1/audit/anchors", headers=auditor).json
    assert listed["ok"] is True and listed["trusted"] is True and [a["seq"] for a in listed["anchors"]] == [1]
    exported = client.get("/api/v1/audit/anchors/export", headers=auditor).json
    assert exported["public_key"] == public_hex(key) and len(exported["anchors"]) == 1

    pack = client.get(f"/api/v1/audit/dossiers/{code}/evidence-pack", headers=auditor)
    assert pack.status_code == 200 and pack.mimetype == "application/zip"
    assert f"evidence-{code}.zip" in pack.headers["Content-Disposition"]
    assert check_pack(pack.data, public_hex(key)).ok
    assert client.get(f"/api/v1/audit/dossiers/{code}/evidence-pack", headers=reception).status_code == 403


def test_an_auditor_replays_a_dossier_and_sees_it_as_of_its_first_event(client, reception, session_factory, ctx,
                                                                       password_hash):
    code = _dossier(client, reception)
    add_official(session_factory, ctx, password_hash, "kiemtra", ["auditor"], None, "hcc_test")
    auditor = login(client, "kiemtra")

    replayed = client.get(f"/api/v1/audit/dossiers/{code}/replay", headers=auditor)
    assert replayed.status_code == 200, replayed.json
    assert replayed.json["identical"] is True and replayed.json["divergence"] is None
    assert replayed.json["events"] >= 1

    first = client.get(f"/api/v1/audit/dossiers/{code}/as-of/1", headers=auditor)
    assert first.status_code == 200, first.json
    assert first.json["seq"] == 1 and first.json["event"]["event_type"] == "dossier_received"
    assert first.json["clock"]["paused"] is False

    assert client.get(f"/api/v1/audit/dossiers/{code}/replay", headers=reception).status_code == 403
