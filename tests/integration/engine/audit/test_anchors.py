"""Anchors catch what a chain alone cannot: a chain rewritten whole with its stored head, a tail cut
and the head moved back, a dossier deleted; and an anchor itself edited, re-signed or deleted."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from engine.audit.anchors import (
    anchor_if_due,
    check_export,
    compare_with_export,
    export_anchors,
    list_anchors,
    write_anchor,
)
from engine.audit.chain import BreakKind
from engine.audit.keys import write_demo_key
from engine.audit.verify import verify_all, verify_center
from engine.errors import PermissionDeniedError
from engine.persistence.models import AuditAnchor, Dossier, HistoryEvent, HumanTask, WorkflowTask
from engine.runtime.command import Actor
from tests.integration.engine.audit.conftest import change, rechain

SYSTEM = Actor(None, "cli")


def _anchor(session_factory, ctx):
    with session_factory() as session:
        written = write_anchor(session, ctx.settings, SYSTEM, now=ctx.clock.now(), today=ctx.today())
        session.commit()
    return written


def _verify(session_factory, ctx):
    with session_factory() as session:
        return verify_all(session, SYSTEM, today=ctx.today(), settings=ctx.settings)


def _count(session_factory, dossier_id) -> int:
    with session_factory() as session:
        return session.scalar(select(Dossier.event_count).where(Dossier.id == dossier_id))


def test_an_anchor_covers_every_chain_and_verification_holds_to_it(session_factory, signed, dossiers):
    written = _anchor(session_factory, signed)
    assert written.anchor.seq == 1 and written.changed == 3 and written.refused == []  # two dossiers, @admin
    result = _verify(session_factory, signed)
    assert result.ok, result.breaks
    assert result.anchor["seq"] == 1 and result.anchor["trusted"] is True and result.anchor["chains"] == 3
    # Nothing moved: no second anchor.
    assert _anchor(session_factory, signed).anchor is None


def test_a_chain_rewritten_whole_with_its_head_is_caught(session_factory, signed, dossiers):
    _anchor(session_factory, signed)
    dossier_id = dossiers.ids[dossiers.finished]
    count = _count(session_factory, dossier_id)
    rechain(session_factory, dossier_id, seq_2={"actor_name": "Người khác"})
    result = _verify(session_factory, signed)
    (broken,) = result.breaks
    assert (broken.chain, broken.kind, broken.seq, broken.field) == (dossiers.finished, BreakKind.ANCHOR, count,
                                                                     "anchor")


def test_a_tail_cut_with_the_head_moved_back_is_caught(session_factory, signed, dossiers):
    _anchor(session_factory, signed)
    dossier_id = dossiers.ids[dossiers.running]
    count = _count(session_factory, dossier_id)
    rechain(session_factory, dossier_id, keep=count - 3)
    (broken,) = _verify(session_factory, signed).breaks
    assert (broken.chain, broken.kind, broken.seq, broken.expected.split(":")[0]) == (
        dossiers.running, BreakKind.ANCHOR, count - 3, str(count))


def test_a_deleted_dossier_is_named(session_factory, signed, dossiers, center):
    _anchor(session_factory, signed)
    dossier_id = dossiers.ids[dossiers.running]
    with session_factory.begin() as session:
        for model in (HistoryEvent, HumanTask, WorkflowTask):
            session.execute(delete(model).where(model.dossier_id == dossier_id))
        session.execute(delete(Dossier).where(Dossier.id == dossier_id))
    (broken,) = _verify(session_factory, signed).breaks
    assert (broken.chain, broken.kind) == (dossiers.running, BreakKind.MISSING)
    with session_factory() as session:
        by_center = verify_center(session, SYSTEM, center.code, today=signed.today(), settings=signed.settings)
    assert [b.chain for b in by_center.breaks] == [dossiers.running]


def test_an_edited_or_re_signed_anchor_is_caught(session_factory, signed, dossiers, tmp_path):
    _anchor(session_factory, signed)
    with session_factory() as session:
        statement = session.scalar(select(AuditAnchor.statement))
    change(session_factory, AuditAnchor, AuditAnchor.seq == 1, statement=statement.replace('"chains":3', '"chains":4'))
    broken = _verify(session_factory, signed).breaks[0]
    assert (broken.chain, broken.kind, broken.seq, broken.field) == ("@anchors", BreakKind.ANCHOR_INVALID, 1, "hash")

    # Someone with the database but not the key rewrites a chain and signs a fresh anchor with a key of theirs.
    with session_factory.begin() as session:
        session.execute(delete(AuditAnchor))
    rechain(session_factory, dossiers.ids[dossiers.finished], seq_2={"actor_name": "Người khác"})
    from dataclasses import replace

    forger = replace(signed.settings, audit_signing_key=str(tmp_path / "forger.pem"))
    write_demo_key(tmp_path / "forger.pem")
    with session_factory() as session:
        write_anchor(session, forger, SYSTEM, now=signed.clock.now(), today=signed.today())
        session.commit()
    broken = _verify(session_factory, signed).breaks[0]
    assert (broken.kind, broken.field) == (BreakKind.ANCHOR_INVALID, "signature")


def test_an_anchor_never_blesses_a_tampered_chain(session_factory, signed, dossiers):
    change(session_factory, HistoryEvent, (HistoryEvent.dossier_id == dossiers.ids[dossiers.running])
           & (HistoryEvent.seq == 2), actor_name="Người khác")
    written = _anchor(session_factory, signed)
    assert [b.chain for b in written.refused] == [dossiers.running] and written.changed == 2
    assert [b.chain for b in _verify(session_factory, signed).breaks] == [dossiers.running]


def test_exported_anchors_check_offline_and_against_the_database(session_factory, signed, dossiers):
    _anchor(session_factory, signed)
    with session_factory() as session:
        exported = export_anchors(session, signed.settings, SYSTEM, today=signed.today())
    document = json.loads(json.dumps(exported))
    assert check_export(document).first_problem is None and len(document["public_key"]) == 64
    altered = json.loads(json.dumps(exported).replace('"chains\\":3', '"chains\\":5'))
    assert check_export(altered).first_problem.kind is BreakKind.ANCHOR_INVALID
    with session_factory.begin() as session:
        session.execute(delete(AuditAnchor))  # the database's anchors are gone; the Inspectorate's copy is not
    with session_factory() as session:
        (problem,) = compare_with_export(session, document)
    assert problem.seq == 1 and problem.found is None


def test_the_scheduler_anchors_once_per_interval(session_factory, signed, dossiers):
    now = signed.clock.now()
    assert anchor_if_due(session_factory, signed.settings, now) == 1
    assert anchor_if_due(session_factory, signed.settings, now + timedelta(minutes=10)) == 0
    change(session_factory, Dossier, Dossier.id == -1, status="processing")  # nothing: no chain moved
    assert anchor_if_due(session_factory, signed.settings, now + timedelta(hours=2)) == 0
    with session_factory() as session:
        assert len(list_anchors(session, signed.settings, SYSTEM, today=signed.today()).checks) == 1


def test_without_a_key_the_scheduler_writes_nothing_and_officials_need_the_rule(session_factory, ctx, dossiers,
                                                                              staff):
    assert anchor_if_due(session_factory, ctx.settings, ctx.clock.now()) == 0
    with session_factory() as session, pytest.raises(PermissionDeniedError):
        list_anchors(session, ctx.settings, staff.reception, today=ctx.today())
