"""The counter (/tiep-nhan): the catalogue, receiving a dossier with its start form and document
checklist, the receipt, the center's reception work with its slips, and who may use it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from engine.persistence.models import Center
from tests.integration.admin.posting import open_task_id, page_csrf, post_form, receive_dossier
from tests.integration.admin.test_sign_in import password_hash, sign_in  # noqa: F401 (cheap hashes)
from tests.integration.api.conftest import add_official, login
from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT

FORM = "/tiep-nhan/enterprise_registration"
START = [
    ("applicant/applicant_name", "Phạm Thị Bích"), ("applicant/id_number", "022086001299"),
    ("applicant/phone", "0912000111"), ("applicant/address", "Phường Bãi Cháy, tỉnh Quảng Ninh"),
    ("enterprise_name", "Công ty TNHH Bích Thủy"), ("head_office_address", "Số 5 đường Hạ Long"),
    ("charter_capital_vnd", "1.500.000.000"), ("business_lines", "Bán lẻ hàng hóa\nDịch vụ ăn uống"),
    ("owner_type", "individual"), ("result_delivery", "counter"),
    ("documents", "registration_application"), ("documents", "company_charter"),
    ("documents", "owner_legal_papers"),
]


def _receive(client: FlaskClient, pairs: list[tuple[str, str]]) -> object:
    page = client.get(FORM).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    return client.post(FORM, data=MultiDict([*pairs, ("csrf_token", page_csrf(page)), ("idempotency_key", key)]))


def test_the_catalogue_is_filtered_without_accents(client):
    sign_in(client, "tiepnhan")
    page = client.get("/tiep-nhan").get_data(as_text=True)
    assert "<h1>Tiếp nhận hồ sơ</h1>" in page and "Đăng ký thành lập doanh nghiệp" in page
    assert 'aria-current="page"' in page  # the menu's entry is this page
    assert "Đăng ký thành lập doanh nghiệp" in client.get("/tiep-nhan?q=DANG KY doanh nghiep").get_data(as_text=True)
    assert "Không có thủ tục nào phù hợp." in client.get("/tiep-nhan?q=khai sinh").get_data(as_text=True)


def test_the_start_form_lists_the_declared_documents_and_the_checklist(client):
    sign_in(client, "tiepnhan")
    page = client.get(FORM).get_data(as_text=True)
    assert "Thành phần hồ sơ theo quy định" in page and "Văn bản ủy quyền cho người nộp hồ sơ (nếu có)" in page
    assert '<legend>Người nộp hồ sơ</legend>' in page  # the applicant section of the schema
    for value in ("registration_application", "company_charter", "owner_legal_papers", "authorisation_letter"):
        assert f'type="checkbox" name="documents" value="{value}"' in page


def test_receiving_opens_the_receipt_once_however_often_the_form_is_sent(client):
    sign_in(client, "tiepnhan")
    page = client.get(FORM).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    data = MultiDict([*START, ("csrf_token", page_csrf(page)), ("idempotency_key", key)])
    first, again = client.post(FORM, data=data), client.post(FORM, data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # one dossier, not two
    received = client.get(first.headers["Location"]).get_data(as_text=True)
    code = re.search(r'data-testid="dossier-code">([^<]+)<', received).group(1)
    assert "Đã tiếp nhận hồ sơ" in received and "Phạm Thị Bích" in received
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=login(client, "tiepnhan")).json
    assert dossier["applicant_name"] == "Phạm Thị Bích" and dossier["data"]["charter_capital_vnd"] == 1_500_000_000
    receipt = client.get(f"/ho-so/{code}/phieu/receipt.html")
    text = receipt.get_data(as_text=True)
    assert receipt.status_code == 200 and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text.upper()
    assert "data:image/png;base64," in text or "<svg" in text  # the QR code of the lookup
    pdf = client.get(f"/ho-so/{code}/phieu/receipt.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["Cache-Control"] == "no-store"


def test_a_wrong_field_is_shown_at_the_field_with_everything_typed_kept(client):
    sign_in(client, "tiepnhan")
    wrong = [(name, "0912" if name == "applicant/phone" else value) for name, value in START]
    refused = _receive(client, wrong)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'id="f-applicant-phone-error">Số điện thoại: không đúng định dạng<', page)
    tag = re.search(r'<input id="f-applicant-phone"[^>]*>', page).group(0)
    assert 'aria-describedby="f-applicant-phone-hint f-applicant-phone-error"' in tag
    assert 'aria-invalid="true"' in tag and 'value="0912"' in tag
    assert 'value="Công ty TNHH Bích Thủy"' in page and 'value="company_charter" checked' in page


def test_reception_work_lists_the_supplement_to_receive_with_its_slip(client):
    code = receive_dossier(client)
    specialist = login(client, "chuyenvien")
    task = open_task_id(client, code, "chuyenvien")
    assert client.post(f"/api/v1/tasks/{task}/complete", headers=specialist,
                       json={"data": APPRAISE_SUPPLEMENT}).status_code == 200
    sign_in(client, "tiepnhan")
    page = client.get("/tiep-nhan").get_data(as_text=True)
    supplement = open_task_id(client, code, "tiepnhan")
    assert f'href="/cong-viec/{supplement}">Tiếp nhận hồ sơ bổ sung</a>' in page
    assert f'href="/ho-so/{code}/phieu/supplement_request.pdf"' in page
    slip = client.get(f"/ho-so/{code}/phieu/supplement_request.html").get_data(as_text=True)
    assert "YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in slip.upper()
    assert client.get(f"/ho-so/{code}/phieu/refusal.pdf").status_code == 404  # not refused


def test_only_reception_uses_the_counter(client):
    sign_in(client, "chuyenvien")
    refused = client.get("/tiep-nhan")
    assert refused.status_code == 403 and "Không được phép (dossier.start)" in refused.get_data(as_text=True)
    assert client.get(FORM).status_code == 403
    assert "/tiep-nhan" not in client.get("/").get_data(as_text=True)  # nor is it in the menu


def test_reception_of_another_center_sees_none_of_this_centers_work(client, password_hash, session_factory,  # noqa: F811
                                                                    ctx):
    code = receive_dossier(client)
    with session_factory.begin() as session:
        session.add(Center(code="hcc_khac", name="Trung tâm khác", agency_identifier="000.00.00.H98"))
    add_official(session_factory, ctx, password_hash, "tiepnhan_khac", ["reception"], "trung_tam_hcc",
                 center="hcc_khac", name="Vũ Văn Khác")
    sign_in(client, "tiepnhan_khac")
    assert code not in client.get("/tiep-nhan").get_data(as_text=True)
    assert client.get(f"/ho-so/{code}/phieu/receipt.pdf").status_code == 404
    assert client.get(f"/tiep-nhan/da-nhan/{code}").status_code == 404
    assert client.get(f"/cong-viec/{open_task_id(client, code, 'chuyenvien')}").status_code == 404


def test_an_unknown_procedure_is_not_found(client):
    sign_in(client, "tiepnhan")
    assert client.get("/tiep-nhan/khong_co").status_code == 404
    assert post_form(client, FORM, {"action": "add-row:x"}).status_code == 200
