"""The public lookup the receipt's QR code opens: progress in Vietnamese, no personal data."""

from __future__ import annotations

from tests.integration.api.test_dossiers import start


def test_lookup_shows_progress_without_personal_data(client, reception):
    dossier = start(client, reception).json
    page = client.get(f"/tra-cuu/{dossier['code']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert dossier["code"] in html and "Đăng ký" in html and "Đang xử lý" in html
    assert "Hẹn trả kết quả" in html and "17:00, 02/12/2026" in html
    assert "Quá trình xử lý" in html and "đang thực hiện" in html
    assert dossier["applicant"]["applicant_name"] not in html
    assert dossier["applicant"]["id_number"] not in html


def test_lookup_by_form_and_unknown_codes(client, reception):
    code = start(client, reception).json["code"]
    assert client.get(f"/tra-cuu?ma={code}").status_code == 200
    assert client.get("/tra-cuu").status_code == 200
    missing = client.get("/tra-cuu/000.00.00.H99-000000-0000")
    assert missing.status_code == 404 and "Không tìm thấy hồ sơ" in missing.get_data(as_text=True)
