"""Dossier search and the dossier's page: scope, filters, the submitted data under its form's
titles, the national status words, the legal clock, the timeline, the diagram's path, the slips."""

from __future__ import annotations

import html
import json
import re

import pytest
from flask.testing import FlaskClient

from tests.integration.admin.pages import other_center_official, receive, text_of
from tests.integration.admin.test_sign_in import sign_in
from tests.integration.api.conftest import add_official, login


def _codes(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/ho-so/[^"]+">([^<]+)</a></th>', page)


@pytest.fixture
def dossier(client: FlaskClient, reception: dict[str, str]) -> str:
    return receive(client, reception, "Nguyễn Thị Ánh Dương")


def test_search_finds_a_dossier_by_the_name_written_without_accents(client, dossier, reception):
    other = receive(client, reception, "Trần Văn Bình")
    sign_in(client, "tiepnhan")
    assert _codes(client.get("/ho-so?q=anh+duong").get_data(as_text=True)) == [dossier]
    assert _codes(client.get(f"/ho-so?q={other}").get_data(as_text=True)) == [other]
    assert set(_codes(client.get("/ho-so").get_data(as_text=True))) == {dossier, other}


def test_search_filters_by_procedure_status_timeliness_and_days(client, dossier):
    sign_in(client, "tiepnhan")
    assert _codes(client.get("/ho-so?procedure=enterprise_registration&status=processing").get_data(as_text=True)) \
        == [dossier]
    assert _codes(client.get("/ho-so?status=completed").get_data(as_text=True)) == []
    assert _codes(client.get("/ho-so?timeliness=on_time").get_data(as_text=True)) == [dossier]
    assert _codes(client.get("/ho-so?timeliness=overdue").get_data(as_text=True)) == []
    assert _codes(client.get("/ho-so?received_from=2026-11-27&received_to=2026-11-27").get_data(as_text=True)) \
        == [dossier]
    assert _codes(client.get("/ho-so?received_from=2026-11-28").get_data(as_text=True)) == []


def test_a_period_ending_before_it_starts_is_refused_at_its_field(client, dossier):
    sign_in(client, "tiepnhan")
    page = client.get("/ho-so?received_from=2026-11-27&received_to=2026-11-01").get_data(as_text=True)
    assert 'aria-describedby="received_to-error" aria-invalid="true"' in page
    assert "Ngày kết thúc không được trước ngày bắt đầu" in page and _codes(page) == []


def test_an_official_of_another_center_neither_finds_nor_opens_the_dossier(client, dossier, session_factory, ctx,
                                                                           password_hash):
    sign_in(client, other_center_official(client, session_factory, ctx, password_hash))
    assert _codes(client.get("/ho-so?q=anh+duong").get_data(as_text=True)) == []
    for path in (f"/ho-so/{dossier}", f"/ho-so/{dossier}/so-do.bpmn"):
        missing = client.get(path)
        assert missing.status_code == 404 and "Không tìm thấy hồ sơ" in missing.get_data(as_text=True), path
    assert client.get(f"/ho-so/{dossier}/phieu/receipt.pdf").status_code == 404
    assert client.get("/ho-so/khong-co-ho-so-nay").status_code == 404  # the same page as a missing one


def test_the_page_shows_the_applicant_and_the_submitted_data_under_the_forms_titles(client, dossier):
    sign_in(client, "tiepnhan")
    words = text_of(client.get(f"/ho-so/{dossier}").get_data(as_text=True))
    assert "Họ và tên Nguyễn Thị Ánh Dương" in words and "Số định danh cá nhân 022086001234" in words
    assert "Chủ sở hữu công ty Cá nhân" in words  # the choice by its title, not "individual"
    assert "Vốn điều lệ (đồng) 2.000.000.000" in words
    assert "Hình thức nhận kết quả Nhận trực tiếp tại Bộ phận Một cửa" in words
    assert "Giấy đề nghị đăng ký doanh nghiệp" in words and "Bản chính" in words  # the procedure's documents
    assert "Đang xử lý" in words  # the national list's words for code 4
    assert "Tiếp nhận lúc 09:00 27/11/2026" in words


def _diagram_data(page: str, name: str) -> list:
    raw = re.search(rf'data-{name}="([^"]*)"', page).group(1)
    return json.loads(html.unescape(raw))


def test_the_timeline_and_the_diagrams_path_follow_the_steps(client, dossier, clock):
    specialist = login(client, "chuyenvien")
    sign_in(client, "tiepnhan")
    page = client.get(f"/ho-so/{dossier}").get_data(as_text=True)
    assert "dossier_received" in _diagram_data(page, "done")
    (waiting,) = _diagram_data(page, "current")
    assert waiting["label"].startswith("Chờ nhận")

    (task,) = client.get(f"/api/v1/tasks?dossier={dossier}", headers=specialist).json
    clock.advance(minutes=30)
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist).status_code == 200
    page = client.get(f"/ho-so/{dossier}").get_data(as_text=True)
    (held,) = _diagram_data(page, "current")
    assert held == {"id": task["element_id"], "label": "Trần Văn Minh"}
    row = text_of(re.search(rf'<tr data-element="{task["element_id"]}">.*?</tr>', page, re.S).group(0))
    assert "09:00 27/11/2026" in row and "09:30 27/11/2026" in row and "Trần Văn Minh" in row

    xml = client.get(f"/ho-so/{dossier}/so-do.bpmn")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert f'id="{task["element_id"]}"' in xml.get_data(as_text=True)


def test_the_slips_open_as_pdf_from_the_page(client, dossier):
    sign_in(client, "tiepnhan")
    page = client.get(f"/ho-so/{dossier}").get_data(as_text=True)
    links = re.findall(r'<a href="(/ho-so/[^"]+/phieu/[a-z_]+\.pdf)" target="_blank"', page)
    assert links == [f"/ho-so/{dossier}/phieu/receipt.pdf", f"/ho-so/{dossier}/phieu/control.pdf"]
    receipt = client.get(links[0])
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf" and receipt.data.startswith(b"%PDF")
    assert receipt.headers["Cache-Control"] == "no-store"
    assert client.get(f"/ho-so/{dossier}/phieu/refusal.pdf").status_code == 404  # never refused


def test_the_pages_need_a_signed_in_official(client, dossier):
    assert client.get(f"/ho-so/{dossier}").status_code == 302
    assert client.get("/ho-so").status_code == 302


def test_an_extension_shows_on_the_legal_clock_with_its_apology_letter(client, dossier, session_factory, ctx,
                                                                      password_hash):
    add_official(session_factory, ctx, password_hash, "giamdoc", ["center_leader"], "trung_tam_hcc")
    extended = client.post(f"/api/v1/dossiers/{dossier}/extend", headers=login(client, "giamdoc"),
                           json={"new_due_at": "2026-12-15T10:00:00+00:00", "reason": "Chờ ý kiến liên ngành"})
    assert extended.status_code == 200, extended.json
    sign_in(client, "giamdoc")
    page = client.get(f"/ho-so/{dossier}").get_data(as_text=True)
    words = text_of(page)
    assert "Hẹn lại (gia hạn) 17:00 15/12/2026" in words and "Chờ ý kiến liên ngành" in words
    assert "giamdoc: hẹn lại từ" in words  # who extended (the leader's name is their username here)
    assert f"/ho-so/{dossier}/phieu/apology.pdf" in page
    assert client.get(f"/ho-so/{dossier}/phieu/apology.pdf").status_code == 200
