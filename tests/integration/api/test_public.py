"""The public lookup as JSON for kiosks and the hotline desk: the same view and the same "not found"
as the page, throttled per client address, and the citizen's one rating."""

from __future__ import annotations

from engine.identity.throttle import SignInGuard, ThrottleSettings
from tests.integration.admin.pages import drive
from tests.integration.admin.test_public_lookup import secret_of
from tests.integration.api.test_dossiers import start
from tests.procedures.test_enterprise_registration import APPRAISE_OK, APPRAISE_SUPPLEMENT, RETURN, SIGN


def test_a_kiosk_reads_the_public_view_as_json(client, reception, session_factory):
    code = start(client, reception).json["code"]
    drive(client, code, [("chuyenvien", APPRAISE_SUPPLEMENT)])
    answer = client.get(f"/api/v1/public/dossiers/{code}", query_string={"secret": secret_of(session_factory, code)})
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["code"] == code and body["status"] == "Yêu cầu bổ sung giấy tờ" and body["national_status_code"] == 5
    assert body["supplement"]["documents"][0]["name"] == "Điều lệ công ty có chữ ký của chủ sở hữu"
    assert body["steps"][0]["finished_at"] is not None and body["may_rate"] is False and body["rating"] is None
    assert "applicant" not in body and "Nguyễn Văn An" not in answer.get_data(as_text=True)


def test_a_wrong_secret_and_a_wrong_code_are_the_same_404(client, reception, session_factory):
    code = start(client, reception).json["code"]
    wrong = client.get(f"/api/v1/public/dossiers/{code}", query_string={"secret": "SAIMABAO"})
    unknown = client.get("/api/v1/public/dossiers/000.00.00.H99-000000-0000",
                         query_string={"secret": secret_of(session_factory, code)})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json["message"] == unknown.json["message"]
    assert client.get(f"/api/v1/public/dossiers/{code}").status_code == 422  # the secret is required


def test_json_lookups_share_the_pages_throttle(app, client, reception, session_factory):
    app.extensions["sign_in"] = SignInGuard(ThrottleSettings(lookups_per_address="2 per minute"))
    code = start(client, reception).json["code"]
    secret = secret_of(session_factory, code)
    assert client.get(f"/api/v1/public/dossiers/{code}", query_string={"secret": "SAIMABAO"}).status_code == 404
    assert client.get(f"/tra-cuu/{code}?mbm=SAIMABAO").status_code == 404
    refused = client.get(f"/api/v1/public/dossiers/{code}", query_string={"secret": secret})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_a_kiosk_rates_a_returned_dossier_once(client, reception, session_factory):
    code = start(client, reception).json["code"]
    secret = secret_of(session_factory, code)
    early = client.post(f"/api/v1/public/dossiers/{code}/rating", json={"secret": secret, "level": "satisfied"})
    assert early.status_code == 409
    drive(client, code, [("chuyenvien", APPRAISE_OK), ("lanhdao", SIGN), ("tiepnhan", RETURN)])
    bad = client.post(f"/api/v1/public/dossiers/{code}/rating", json={"secret": secret, "level": "so-so"})
    assert bad.status_code == 422 and "level" in bad.json["errors"]["json"]
    rated = client.post(f"/api/v1/public/dossiers/{code}/rating",
                        json={"secret": secret, "level": "very_satisfied", "official_level": "satisfied"})
    assert rated.status_code == 201, rated.json
    assert rated.json["level"] == "Rất hài lòng" and rated.json["official_level"] == "Hài lòng"
    again = client.post(f"/api/v1/public/dossiers/{code}/rating", json={"secret": secret, "level": "dissatisfied"})
    assert again.status_code == 409 and "một lần" in again.json["message"]
    view = client.get(f"/api/v1/public/dossiers/{code}", query_string={"secret": secret}).json
    assert view["rating"]["level"] == "Rất hài lòng" and view["may_rate"] is False
