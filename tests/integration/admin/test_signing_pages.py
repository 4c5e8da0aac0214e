"""The signed result on the public pages: the lookup offers it once the dossier is closed, its page
validates it against the trusted authority and downloads it (code and secret needed), a
certificate that cannot sign is a clear 503 and never a 500, and anyone may check a PDF."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest

from engine.runtime.context import build_context
from engine.settings import EngineSettings
from engine.signing.authority import ensure_demo_authority
from engine.signing.settings import SigningSettings
from tests.conftest import LIBRARY
from tests.integration.admin.posting import open_task_id, page_csrf
from tests.integration.admin.test_feedback_pages import feedback_deployed, sent  # noqa: F401
from tests.integration.api.conftest import login


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    return ensure_demo_authority(tmp_path_factory.mktemp("ca"), "Trung tâm kiểm thử", "mat-khau",
                                 datetime(2026, 11, 20, tzinfo=UTC))


@pytest.fixture
def ctx(clock, authority):
    signing = SigningSettings(authority.pkcs12_path, "mat-khau", authority.ca_path)
    return build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True, signing=signing), clock)


def answered(client):
    """A feedback sent from the form and answered by the business registration office: code, secret."""
    code, secret, _ = sent(client)
    for username, data in (("tiepnhan", {"classification_decision": "forward",
                                         "responsible_unit": "so_tai_chinh.phong_dkkd"}),
                           ("chuyenvien", {"answer": "Phòng đã trả kết quả và gửi phiếu xin lỗi kèm lý do."})):
        headers, task = login(client, username), open_task_id(client, code, username)
        assert client.post(f"/api/v1/tasks/{task}/claim", headers=headers).status_code == 200
        assert client.post(f"/api/v1/tasks/{task}/complete", headers=headers, json={"data": data}).status_code == 200
    return code, secret


def test_the_lookup_offers_the_signed_result_of_a_closed_dossier(client, feedback_deployed):  # noqa: F811
    code, secret = sent(client)[:2]
    assert "Kết quả điện tử có chữ ký số" not in client.get(f"/tra-cuu/{code}?mbm={secret}").get_data(as_text=True)
    code, secret = answered(client)
    lookup = client.get(f"/tra-cuu/{code}?mbm={secret}").get_data(as_text=True)
    assert "Kết quả điện tử có chữ ký số" in lookup and f"/tra-cuu/{code}/ket-qua?mbm={secret}" in lookup

    page = client.get(f"/tra-cuu/{code}/ket-qua?mbm={secret}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Chữ ký số hợp lệ" in html and "Trung tâm kiểm thử" in html
    assert "Dấu vân tay SHA-256" in html
    lookup = client.get(f"/tra-cuu/{code}?mbm={secret}").get_data(as_text=True)
    assert "Ký số bởi Trung tâm kiểm thử lúc" in lookup

    pdf = client.get(f"/tra-cuu/{code}/ket-qua.pdf?mbm={secret}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert f'filename="ket-qua-{code}.pdf"' in pdf.headers["Content-Disposition"]


def test_the_result_needs_the_secret_and_a_closed_dossier(client, feedback_deployed):  # noqa: F811
    code, secret = sent(client)[:2]
    open_page = client.get(f"/tra-cuu/{code}/ket-qua?mbm={secret}")
    assert open_page.status_code == 404 and "chưa có kết quả" in open_page.get_data(as_text=True)
    code, secret = answered(client)
    for url in (f"/tra-cuu/{code}/ket-qua?mbm=AAAAAAAA", f"/tra-cuu/{code}/ket-qua.pdf", f"/tra-cuu/{code}/ket-qua"):
        response = client.get(url)
        assert response.status_code == 404 and b"%PDF" not in response.data


def test_a_certificate_that_cannot_sign_is_a_clear_503(app, client, feedback_deployed):  # noqa: F811
    code, secret = answered(client)
    context = app.extensions["engine"]
    context.settings = dataclasses.replace(context.settings, signing=dataclasses.replace(
        context.settings.signing, pkcs12_path=Path("/khong/co/center.p12")))
    for url in (f"/tra-cuu/{code}/ket-qua?mbm={secret}", f"/tra-cuu/{code}/ket-qua.pdf?mbm={secret}"):
        response = client.get(url)
        assert response.status_code == 503
        assert "Chưa ký số được: không đọc được tệp chứng thư số" in response.get_data(as_text=True)


def test_anyone_may_check_a_pdf_and_a_changed_byte_shows(client, feedback_deployed):  # noqa: F811
    code, secret = answered(client)
    pdf = client.get(f"/tra-cuu/{code}/ket-qua.pdf?mbm={secret}").data
    form = client.get("/kiem-tra-chu-ky-so").get_data(as_text=True)
    token = page_csrf(form)

    def check(data: bytes):
        return client.post("/kiem-tra-chu-ky-so", content_type="multipart/form-data",
                           data={"csrf_token": token, "tep": (BytesIO(data), "ket-qua.pdf")})

    valid = check(pdf)
    assert valid.status_code == 200 and "ket-qua.pdf: Chữ ký số hợp lệ" in valid.get_data(as_text=True)
    tampered = bytearray(pdf)
    tampered[len(pdf) // 10] ^= 0x01
    altered = check(bytes(tampered)).get_data(as_text=True)
    assert "Chữ ký số hợp lệ" not in altered and ("sửa đổi" in altered or "thay đổi" in altered)
    empty = check(b"")
    assert empty.status_code == 422 and "Vui lòng chọn một tệp PDF" in empty.get_data(as_text=True)
