"""The public feedback form (/phan-anh-kien-nghi): no sign-in, CSRF, field errors in Vietnamese,
rate-limited per address; a sent form shows the code and secret once, and the lookup with them
shows the answer officials give (the browser test answers through the task page)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.identity.throttle import SignInGuard, ThrottleSettings
from engine.persistence.models import Dossier, Unit
from tests.conftest import deploy
from tests.integration.admin.posting import open_task_id, post_form
from tests.integration.api.conftest import add_official, login

FORM = {"center": "hcc_test", "name": "Trần Thị Bình", "contact": "0912345678",
        "subject": "Chậm trả kết quả đăng ký doanh nghiệp",
        "content": "Hồ sơ của tôi đã quá hẹn ba ngày mà chưa nhận được thông báo nào về lý do chậm trễ.",
        "related_dossier_code": ""}


@pytest.fixture
def feedback_deployed(app, session_factory, ctx, password_hash):
    """The feedback procedure, with an official of its default answering unit so it deploys."""
    with session_factory.begin() as session:
        session.add(Unit(code="vp_ubnd_tinh", name="Văn phòng Ủy ban nhân dân tỉnh", kind="department"))
    add_official(session_factory, ctx, password_hash, "vanphong", ["specialist"], "vp_ubnd_tinh")
    deploy(session_factory, ctx, "citizen_feedback")


def sent(client, **overrides):
    response = post_form(client, "/phan-anh-kien-nghi", {**FORM, **overrides})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'data-testid="feedback-code">([^<]+)<', page).group(1)
    secret = re.search(r'data-testid="feedback-secret">([^<]+)<', page).group(1)
    return code, secret, page


def test_the_form_needs_no_sign_in_and_lists_the_centers(client, feedback_deployed):
    page = client.get("/phan-anh-kien-nghi")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Gửi phản ánh, kiến nghị" in html
    assert '<option value="hcc_test"' in html and 'name="csrf_token"' in html
    for label in ("Họ và tên", "Số điện thoại hoặc thư điện tử", "Tiêu đề", "Nội dung phản ánh, kiến nghị",
                  "Mã hồ sơ liên quan"):
        assert label in html


def test_a_sent_form_gives_code_and_secret_once_and_starts_an_online_dossier(client, feedback_deployed,
                                                                            session_factory):
    code, secret, page = sent(client)
    assert "Mã bảo mật" in page and "Hạn trả lời" in page and f"ma={code}" in page
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        assert (dossier.lookup_secret, dossier.channel.value, dossier.created_by_id) == (secret, "online", None)
    again = client.get("/phan-anh-kien-nghi/da-gui")
    assert again.status_code == 302 and again.headers["Location"].endswith("/phan-anh-kien-nghi")


def test_field_errors_are_named_in_vietnamese(client, feedback_deployed, session_factory):
    response = post_form(client, "/phan-anh-kien-nghi", {**FORM, "name": "", "contact": "09123", "content": "ngắn"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Trường “Họ và tên” là bắt buộc" in html
    assert "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng số 0" in html
    assert "Nội dung phản ánh, kiến nghị: phải có ít nhất 20 ký tự" in html
    assert 'id="fb-contact" name="contact" type="text" value="09123"' in html and 'aria-invalid="true"' in html
    no_center = post_form(client, "/phan-anh-kien-nghi", {**FORM, "center": ""})
    assert no_center.status_code == 422 and "Vui lòng chọn nơi nhận" in no_center.get_data(as_text=True)
    with session_factory() as session:
        assert session.scalar(select(Dossier.id)) is None


def test_a_post_without_the_csrf_token_is_refused(client, feedback_deployed, session_factory):
    response = client.post("/phan-anh-kien-nghi", data=FORM)
    assert response.status_code == 400
    with session_factory() as session:
        assert session.scalar(select(Dossier.id)) is None


def test_sending_is_rate_limited_per_address(app, client, feedback_deployed):
    app.extensions["sign_in"] = SignInGuard(ThrottleSettings(feedback_per_address="2 per hour"))
    sent(client)
    sent(client)
    refused = post_form(client, "/phan-anh-kien-nghi", FORM)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Quá nhiều lần thử" in refused.get_data(as_text=True)


def test_without_the_feedback_procedure_the_form_says_so(client):
    response = post_form(client, "/phan-anh-kien-nghi", FORM)
    assert response.status_code == 503 and "citizen_feedback" in response.get_data(as_text=True)


def test_the_lookup_shows_the_answer_officials_give(client, feedback_deployed, session_factory,
                                                                 ctx, password_hash):
    code, secret, _ = sent(client)
    before = client.get(f"/tra-cuu/{code}?mbm={secret}").get_data(as_text=True)
    assert "Đang xem xét, phân loại phản ánh, kiến nghị" in before and 'data-testid="feedback-answer"' not in before

    headers = login(client, "tiepnhan")
    task = open_task_id(client, code, "tiepnhan")
    assert client.post(f"/api/v1/tasks/{task}/claim", headers=headers).status_code == 200
    done = client.post(f"/api/v1/tasks/{task}/complete", headers=headers, json={"data": {
        "classification_decision": "forward", "responsible_unit": "so_tai_chinh.phong_dkkd"}})
    assert done.status_code == 200, done.json

    answer = "Phòng đã trả kết quả ngày 27/11/2026 và gửi phiếu xin lỗi kèm lý do chậm trễ."
    task = open_task_id(client, code, "chuyenvien")
    specialist = login(client, "chuyenvien")
    assert client.post(f"/api/v1/tasks/{task}/claim", headers=specialist).status_code == 200
    assert client.post(f"/api/v1/tasks/{task}/complete", headers=specialist,
                       json={"data": {"answer": answer}}).status_code == 200

    after = client.get(f"/tra-cuu/{code}?mbm={secret}").get_data(as_text=True)
    assert "Đã trả lời phản ánh, kiến nghị" in after and answer in after
    assert "Trần Thị Bình" not in after and "0912345678" not in after
    wrong = client.get(f"/tra-cuu/{code}?mbm=AAAAAAAA")
    assert wrong.status_code == 404 and answer not in wrong.get_data(as_text=True)
