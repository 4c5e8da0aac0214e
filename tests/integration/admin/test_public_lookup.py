"""The public lookup the receipt's QR code opens: progress in Vietnamese, no personal data, and
only for who holds both the code and the secret printed on the receipt."""

from __future__ import annotations

from sqlalchemy import select

from engine.identity.throttle import SignInGuard, ThrottleSettings
from engine.persistence.models import Dossier
from tests.integration.admin.pages import drive, text_of
from tests.integration.api.test_dossiers import start
from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT


def secret_of(session_factory, code: str) -> str:
    with session_factory() as session:
        return session.scalar(select(Dossier.lookup_secret).where(Dossier.code == code))


def test_lookup_shows_progress_without_personal_data(client, reception, session_factory):
    dossier = start(client, reception).json
    page = client.get(f"/tra-cuu/{dossier['code']}?mbm={secret_of(session_factory, dossier['code'])}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert dossier["code"] in html and "Đăng ký" in html and "Đang xử lý" in html
    assert "Hẹn trả kết quả" in html and "17:00, 02/12/2026" in html
    assert "Quá trình xử lý" in html and "đang thực hiện" in html
    assert dossier["applicant"]["applicant_name"] not in html
    assert dossier["applicant"]["id_number"] not in html


def test_the_form_asks_for_code_and_secret(client, reception, session_factory):
    code = start(client, reception).json["code"]
    secret = secret_of(session_factory, code)
    form = client.get("/tra-cuu").get_data(as_text=True)
    assert '<label for="ma">Mã hồ sơ</label>' in form
    assert '<label for="mbm">Mã bảo mật</label>' in form
    typed = client.get(f"/tra-cuu?ma={code}&mbm={secret[:4].lower()}-{secret[4:].lower()}")
    assert typed.status_code == 200 and "Quá trình xử lý" in typed.get_data(as_text=True)


def test_a_code_without_its_secret_shows_nothing(client, reception):
    code = start(client, reception).json["code"]
    for page in (client.get(f"/tra-cuu/{code}"), client.get(f"/tra-cuu?ma={code}")):
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Nhập mã bảo mật" in html
        assert "Đang xử lý" not in html and "Quá trình xử lý" not in html and "Hẹn trả kết quả" not in html


def test_a_wrong_code_and_a_wrong_secret_get_the_same_answer(client, reception, session_factory):
    code = start(client, reception).json["code"]
    secret = secret_of(session_factory, code)
    wrong_secret = client.get(f"/tra-cuu/{code}?mbm={'A' if secret[0] != 'A' else 'B'}{secret[1:]}")
    unknown_code = client.get(f"/tra-cuu/000.00.00.H99-000000-0000?mbm={secret}")
    assert wrong_secret.status_code == unknown_code.status_code == 404
    message = "Không tìm thấy hồ sơ với mã hồ sơ và mã bảo mật đã nhập"
    assert message in wrong_secret.get_data(as_text=True) and message in unknown_code.get_data(as_text=True)
    assert "Quá trình xử lý" not in wrong_secret.get_data(as_text=True)


def test_lookups_are_rate_limited_per_client_address(app, client, reception, session_factory):
    app.extensions["sign_in"] = SignInGuard(ThrottleSettings(lookups_per_address="3 per minute"))
    code = start(client, reception).json["code"]
    secret = secret_of(session_factory, code)
    for guess in range(3):
        assert client.get(f"/tra-cuu/{code[:-1]}{guess}?mbm={secret}").status_code in (200, 404)
    refused = client.get(f"/tra-cuu/{code}?mbm={secret}")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Quá nhiều lần thử" in refused.get_data(as_text=True)
    other = client.get(f"/tra-cuu/{code}?mbm={secret}", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert other.status_code == 200


def test_the_lookup_shows_the_new_appointment_with_its_apology(client, reception, center_leader, session_factory):
    code = start(client, reception).json["code"]
    extended = client.post(f"/api/v1/dossiers/{code}/extend", headers=center_leader, json={
        "new_due_at": "2026-12-07T17:00:00+07:00", "reason": "Cần xác minh thêm tại cơ quan thuế"})
    assert extended.status_code == 200, extended.json
    html = text_of(client.get(f"/tra-cuu/{code}?mbm={secret_of(session_factory, code)}").get_data(as_text=True))
    assert "Hẹn lại ngày trả kết quả" in html and "(đã hẹn lại)" in html
    assert "hẹn ban đầu (17:00, 02/12/2026)" in html and "hẹn trả kết quả vào 17:00, 07/12/2026" in html
    assert "Lý do: Cần xác minh thêm tại cơ quan thuế" in html


def test_the_lookup_lists_the_documents_a_supplementation_request_asks_for(client, reception, session_factory):
    code = start(client, reception).json["code"]
    drive(client, code, [("chuyenvien", APPRAISE_SUPPLEMENT)])
    html = text_of(client.get(f"/tra-cuu/{code}?mbm={secret_of(session_factory, code)}").get_data(as_text=True))
    assert "Yêu cầu bổ sung giấy tờ" in html and "Hồ sơ cần bổ sung" in html
    assert "Yêu cầu bổ sung lần 1" in html and "Điều lệ công ty có chữ ký của chủ sở hữu" in html
    assert "Lý do: Thiếu điều lệ có chữ ký của chủ sở hữu" in html
    assert "✓ Thẩm định hồ sơ" in html or "✓" in html  # the appraisal is a step done


def test_the_lookup_page_is_in_english_on_request(client, reception, session_factory):
    code = start(client, reception).json["code"]
    client.set_cookie("motcua_lang", "en")
    html = client.get(f"/tra-cuu/{code}?mbm={secret_of(session_factory, code)}").get_data(as_text=True)
    assert "Being processed" in html and "Result due" in html and "Look up a dossier" in html
    assert "Đang xử lý" not in html
