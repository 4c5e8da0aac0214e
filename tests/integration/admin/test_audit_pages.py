"""The auditor's page: the history stepped event by event with the state as of each, the Replay
verdict (identical, or the first divergence once a recorded input is altered), the menu entry, and
the access policy's answers (403 for an official without the audit rule, 404 out of scope)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from engine.audit.keys import write_demo_key
from engine.persistence.models import Dossier, HistoryEvent
from tests.integration.admin.pages import other_center_official, receive, text_of
from tests.integration.admin.test_sign_in import sign_in
from tests.integration.api.conftest import add_official


@pytest.fixture
def auditor(client, session_factory, ctx, password_hash):
    add_official(session_factory, ctx, password_hash, "kiemtra", ["auditor"], "trung_tam_hcc",
                 name="Phạm Thu Hà")
    return "kiemtra"


@pytest.fixture
def dossier(client, reception):
    return receive(client, reception, "Nguyễn Thị Ánh Dương")


def test_the_menu_leads_auditors_to_the_page_that_opens_a_dossier_by_code(client, auditor, dossier):
    sign_in(client, auditor)
    assert 'href="/kiem-tra"' in client.get("/").get_data(as_text=True)
    response = client.get(f"/kiem-tra?ma={dossier}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/kiem-tra/ho-so/{dossier}")


def test_the_page_shows_the_state_after_the_chosen_event(client, auditor, dossier):
    sign_in(client, auditor)
    page = text_of(client.get(f"/kiem-tra/ho-so/{dossier}").get_data(as_text=True))
    assert f"Kiểm tra hồ sơ {dossier}" in page
    assert "#1 Tiếp nhận hồ sơ" in page
    assert "Đang thực hiện Bước Trạng thái Người giữ Từ lúc Thẩm định hồ sơ Chờ nhận" in page

    first = client.get(f"/kiem-tra/ho-so/{dossier}?su-kien=1").get_data(as_text=True)
    assert "Sau sự kiện #1: Tiếp nhận hồ sơ" in text_of(first)
    assert 'aria-current="step">#1 ' in first
    assert 'data-current="[{' in first  # the waiting step, for the diagram


def test_replay_says_identical_then_names_the_altered_event(client, auditor, dossier, session_factory):
    sign_in(client, auditor)
    page = text_of(client.get(f"/kiem-tra/ho-so/{dossier}/phat-lai").get_data(as_text=True))
    assert "Phát lại: trùng khớp" in page

    with session_factory.begin() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == dossier))
        received = session.scalar(select(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id,
                                                             HistoryEvent.seq == 1))
        payload = dict(received.payload)
        payload["data"] = {**payload["data"], "enterprise_name": "Công ty TNHH Giả Mạo"}
        session.execute(update(HistoryEvent).where(HistoryEvent.id == received.id).values(payload=payload))
    page = text_of(client.get(f"/kiem-tra/ho-so/{dossier}/phat-lai").get_data(as_text=True))
    assert "Phát lại: có khác biệt." in page
    assert "Hồ sơ đã lưu" in page


def test_an_official_without_the_audit_rule_is_refused_and_another_centers_auditor_finds_nothing(
        client, dossier, session_factory, ctx, password_hash):
    sign_in(client, "tiepnhan")  # reads the dossier, but may not audit it
    response = client.get(f"/kiem-tra/ho-so/{dossier}")
    assert response.status_code == 403
    assert "kiểm tra viên" in response.get_data(as_text=True)

    other_center_official(client, session_factory, ctx, password_hash)
    add_official(session_factory, ctx, password_hash, "kiemtra_khac", ["auditor"], "trung_tam_hcc", "hcc_khac")
    sign_in(client, "kiemtra_khac")
    assert client.get(f"/kiem-tra/ho-so/{dossier}").status_code == 404
    assert client.get(f"/kiem-tra/ho-so/{dossier}/phat-lai").status_code == 404
    assert client.get("/kiem-tra/ho-so/KHONG-CO").status_code == 404


def test_verify_says_whole_then_names_the_edited_event_and_the_pack_downloads(client, auditor, dossier,
                                                                             session_factory, ctx, tmp_path):
    sign_in(client, auditor)
    unset = client.get(f"/kiem-tra/ho-so/{dossier}/bo-chung-cu.zip")
    assert unset.status_code == 409 and "MOTCUA_AUDIT_SIGNING_KEY" in unset.get_data(as_text=True)
    write_demo_key(tmp_path / "key.pem")
    ctx.settings = replace(ctx.settings, audit_signing_key=str(tmp_path / "key.pem"))

    page = text_of(client.get(f"/kiem-tra/ho-so/{dossier}/kiem-chung").get_data(as_text=True))
    assert "Kiểm chứng: nguyên vẹn." in page

    pack = client.get(f"/kiem-tra/ho-so/{dossier}/bo-chung-cu.zip")
    assert pack.status_code == 200 and pack.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        assert "history.json" in archive.namelist()

    with session_factory.begin() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == dossier))
        session.execute(update(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id, HistoryEvent.seq == 1)
                        .values(actor_name="Người khác"))
    page = text_of(client.get(f"/kiem-tra/ho-so/{dossier}/kiem-chung").get_data(as_text=True))
    assert "Kiểm chứng: chuỗi bị phá vỡ." in page and "#1" in page

    sign_in(client, "tiepnhan")
    assert client.get(f"/kiem-tra/ho-so/{dossier}/kiem-chung").status_code == 403
    assert client.get(f"/kiem-tra/ho-so/{dossier}/bo-chung-cu.zip").status_code == 403
