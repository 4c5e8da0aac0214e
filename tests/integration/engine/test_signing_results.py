"""A closed dossier's electronic result, signed with the center's certificate: once, recorded in
the history with the signing time and the certificate, valid against the demo authority; a
certificate that cannot sign leaves the dossier closed as it was and says why, once per reason."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from engine.audit.replay import replay
from engine.errors import NotFoundError
from engine.feedback import submit_feedback
from engine.history.events import HistoryEventType
from engine.history.recorder import chain_hash
from engine.persistence.models import Dossier, DossierStatus, SignedDocument
from engine.runtime.context import build_context
from engine.scheduling import sign_pending_results, sweep
from engine.settings import EngineSettings
from engine.signing.authority import ensure_demo_authority
from engine.signing.credentials import SigningUnavailableError, load_credentials
from engine.signing.results import check_pdf, check_result, kept_result, signed_result_pdf
from engine.signing.settings import SigningSettings
from tests.conftest import LIBRARY, deploy, history
from tests.procedures.driver import step
from tests.procedures.test_citizen_feedback import ANSWER, BUSINESS_OFFICE, FEEDBACK, FORWARD, NOT_ACCEPTED, RECEPTION

CENTER_NAME = "Trung tâm Phục vụ hành chính công tỉnh (kiểm thử)"


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    # Valid from before the tests' clock (27/11/2026) to long after the real one.
    return ensure_demo_authority(tmp_path_factory.mktemp("ca"), CENTER_NAME, "mat-khau",
                                 datetime(2026, 11, 20, tzinfo=UTC))


@pytest.fixture
def signing(authority) -> SigningSettings:
    return SigningSettings(authority.pkcs12_path, "mat-khau", authority.ca_path, place="Hạ Long",
                           parent_body="Ủy ban nhân dân tỉnh Quảng Ninh")


@pytest.fixture
def ctx(clock, signing):
    return build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True, signing=signing), clock)


@pytest.fixture(autouse=True)
def feedback_procedure(session_factory, clock):
    """Deployed before the test's officials exist (their units would make its lanes' bindings checked)."""
    deploy(session_factory, build_context(EngineSettings(library_path=LIBRARY), clock), "citizen_feedback")


def closed(session_factory, ctx, center, staff, *, answered=True):
    """A feedback dossier sent from the public form and closed: answered, or not handled."""
    with session_factory.begin() as session:
        receipt = submit_feedback(session, ctx, center_code=center.code, **FEEDBACK)
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == receipt.code))
    if answered:
        step(session_factory, ctx, dossier_id, "classify_feedback", RECEPTION, FORWARD, staff)
        step(session_factory, ctx, dossier_id, "answer_feedback", BUSINESS_OFFICE, ANSWER, staff)
    else:
        step(session_factory, ctx, dossier_id, "classify_feedback", RECEPTION, NOT_ACCEPTED, staff)
    return receipt


def events(session_factory, code, *types):
    with session_factory() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
    return [e for e in history(session_factory, dossier_id) if e.event_type in types]


def test_the_sweep_signs_a_closed_dossiers_result_once_and_records_it(session_factory, ctx, center, staff, signing):
    receipt = closed(session_factory, ctx, center, staff)
    assert sweep(session_factory, ctx)["results_signed"] == 1
    assert sign_pending_results(session_factory, ctx) == 0  # signed once

    [event] = events(session_factory, receipt.code, HistoryEventType.RESULT_SIGNED)
    certificate = load_credentials(signing, datetime.now(UTC)).certificate
    assert event.actor_name == "Hệ thống" and event.at == ctx.clock.now()
    assert event.payload["certificate"] == certificate.as_dict()
    assert CENTER_NAME in event.payload["certificate"]["subject"]
    with session_factory() as session:
        summary, pdf = signed_result_pdf(session, ctx, receipt.code, receipt.secret)
    assert datetime.fromisoformat(event.payload["signing_time"]) == summary.signed_at
    assert (summary.serial, summary.fingerprint) == (certificate.serial, certificate.fingerprint)
    assert event.payload["sha256"] == summary.sha256
    check = check_pdf(ctx, pdf)
    assert check.valid and check.fingerprint == certificate.fingerprint


def test_the_history_chain_stays_whole(session_factory, ctx, center, staff):
    receipt = closed(session_factory, ctx, center, staff)
    sign_pending_results(session_factory, ctx)
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == receipt.code))
    rows = history(session_factory, dossier.id)
    head = None
    for row in rows:
        assert row.prev_hash == head
        head = chain_hash(head, {c: getattr(row, c) for c in (
            "dossier_id", "seq", "at", "event_type", "actor_id", "actor_name", "element_id", "element_name",
            "element_type", "lane", "task_id", "payload")})
        assert row.hash == head
    assert (dossier.event_count, dossier.last_event_hash) == (len(rows), head)


def test_the_applicant_gets_the_result_with_the_secret_signed_on_first_request(session_factory, ctx, center, staff):
    receipt = closed(session_factory, ctx, center, staff)
    with session_factory() as session:
        assert kept_result(session, receipt.code, receipt.secret) is None
    with session_factory.begin() as session:
        summary, check = check_result(session, ctx, receipt.code, receipt.secret)
    assert check.valid and check.message == "Chữ ký số hợp lệ"
    with session_factory() as session:
        assert kept_result(session, receipt.code, receipt.secret) == summary
        with pytest.raises(NotFoundError):
            signed_result_pdf(session, ctx, receipt.code, "AAAAAAAA")
        session.rollback()
    assert len(events(session_factory, receipt.code, HistoryEventType.RESULT_SIGNED)) == 1


def test_the_result_holds_the_answer_or_a_refusals_grounds_not_contacts(session_factory, ctx, center, staff):
    answered = closed(session_factory, ctx, center, staff)
    refused = closed(session_factory, ctx, center, staff, answered=False)
    texts = {}
    with session_factory.begin() as session:
        for receipt in (answered, refused):
            _, pdf = signed_result_pdf(session, ctx, receipt.code, receipt.secret)
            pages = PdfReader(BytesIO(pdf)).pages
            texts[receipt.code] = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in texts[answered.code]
    assert "Đã trả lời phản ánh, kiến nghị" in texts[answered.code] and "cấp mã số thuế" in texts[answered.code]
    assert "Lý do từ chối: Nội dung là đơn khiếu nại" in texts[refused.code]
    for text in texts.values():
        assert "Trần Thị Bình" in text and "0912" not in text and "345 678" not in text


def test_an_open_dossier_has_no_result_to_sign(session_factory, ctx, center, staff):
    with session_factory.begin() as session:
        receipt = submit_feedback(session, ctx, center_code=center.code, **FEEDBACK)
    with session_factory() as session, pytest.raises(NotFoundError) as refused:
        signed_result_pdf(session, ctx, receipt.code, receipt.secret)
    assert "chưa có kết quả" in refused.value.message
    assert sign_pending_results(session_factory, ctx) == 0


def test_a_missing_certificate_is_said_once_and_holds_nothing_up(session_factory, ctx, center, staff, signing):
    receipt = closed(session_factory, ctx, center, staff)
    broken = dataclasses.replace(ctx, settings=dataclasses.replace(
        ctx.settings, signing=dataclasses.replace(signing, pkcs12_path=Path("/khong/co/center.p12"))))
    assert sign_pending_results(session_factory, broken) == 0
    assert sign_pending_results(session_factory, broken) == 0
    with session_factory.begin() as session, pytest.raises(SigningUnavailableError):
        signed_result_pdf(session, broken, receipt.code, receipt.secret)
    [failure] = events(session_factory, receipt.code, HistoryEventType.RESULT_SIGNING_FAILED)
    assert "không đọc được tệp chứng thư số" in failure.payload["reason"]
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == receipt.code))
        assert dossier.status == DossierStatus.COMPLETED
        assert session.scalar(select(func.count()).select_from(SignedDocument)) == 0
    assert sign_pending_results(session_factory, ctx) == 1  # fixed: signed on the next sweep


def test_without_signing_configured_the_sweep_does_nothing(session_factory, clock, center, staff):
    plain = build_context(EngineSettings(library_path=LIBRARY), clock)
    closed(session_factory, plain, center, staff)
    assert sweep(session_factory, plain)["results_signed"] == 0


def test_a_signed_dossier_still_replays_identical(session_factory, ctx, center, staff):
    receipt = closed(session_factory, ctx, center, staff)
    sign_pending_results(session_factory, ctx)
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == receipt.code))
        result = replay(session, ctx, dossier)
    assert result.identical, result.divergence
    assert result.events == len(history(session_factory, dossier.id))
