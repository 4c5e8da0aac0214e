"""The public catalogue of procedures: no sign-in, searched without accents, each procedure with its
documents, fees, time limits per case, where to submit, its start form's fields and its on-time rate
per center."""

from __future__ import annotations

from tests.conftest import TEST_CENTER, deploy_package
from tests.fixtures import tiny_procedure
from tests.integration.admin.pages import drive, receive, text_of
from tests.procedures.test_enterprise_registration import APPRAISE_OK, RETURN, SIGN


def test_the_catalogue_lists_active_procedures_without_sign_in(client):
    page = client.get("/thu-tuc")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<a href="/thu-tuc/enterprise_registration">' in html
    assert "Thời hạn giải quyết" in html and "3 ngày làm việc" in html
    assert 'href="/static/public.css"' in html and "<script" not in html


def test_the_search_ignores_accents_and_case(client, session_factory, ctx):
    birth = {**tiny_procedure.METADATA, "name": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
             "field": {"vi": "Hộ tịch", "en": "Civil status"}}
    deploy_package(session_factory, ctx.clock, tiny_procedure.package(metadata=birth))
    for query in ("khai sinh", "KHAI SINH", "dang ky khai", "Đăng ký khai sinh", "ho tich", "birth"):
        html = client.get("/thu-tuc", query_string={"q": query}).get_data(as_text=True)
        assert f"/thu-tuc/{tiny_procedure.KEY}" in html, query
        assert "/thu-tuc/enterprise_registration" not in html, query
    both = client.get("/thu-tuc", query_string={"q": "dang ky"}).get_data(as_text=True)
    assert f"/thu-tuc/{tiny_procedure.KEY}" in both and "/thu-tuc/enterprise_registration" in both
    none = client.get("/thu-tuc", query_string={"q": "xyzzy"}).get_data(as_text=True)
    assert "Không tìm thấy thủ tục nào" in none


def test_a_procedure_page_shows_what_to_bring_pay_and_expect(client):
    html = text_of(client.get("/thu-tuc/enterprise_registration").get_data(as_text=True))
    assert "Thành phần hồ sơ" in html and "Phí, lệ phí" in html and "Căn cứ pháp lý" in html
    assert "3 ngày làm việc" in html
    assert "Thông tin ông/bà sẽ được hỏi khi nộp hồ sơ" in html and "(bắt buộc)" in html
    assert "Họ và tên" in html  # a start form field, by its title
    assert "Nơi nộp hồ sơ và tỷ lệ giải quyết đúng hạn" in html
    assert f"{TEST_CENTER[1]} Chưa có hồ sơ trong 12 tháng qua" in html  # its reception receives it
    assert "Lệ phí đăng ký doanh nghiệp: 50.000 đ (miễn khi nộp trực tuyến)" in html


def test_the_on_time_rate_is_the_leaders_decision_766_rate(client, reception, ctx):
    code = receive(client, reception)
    drive(client, code, [("chuyenvien", APPRAISE_OK), ("lanhdao", SIGN), ("tiepnhan", RETURN)])
    receive(client, reception)  # in progress and not overdue: counted as on time (indicator 2.1)
    html = text_of(client.get("/thu-tuc/enterprise_registration").get_data(as_text=True))
    assert "100% (2/2 hồ sơ)" in html
    ctx.clock.advance(days=30)  # the running one is now overdue
    html = text_of(client.get("/thu-tuc/enterprise_registration").get_data(as_text=True))
    assert "50% (1/2 hồ sơ)" in html


def test_time_limits_list_each_case_the_law_sets_apart(client, session_factory, ctx):
    cases = {**tiny_procedure.METADATA, "time_limit_variants": [
        {"id": "far_away", "value": 15, "unit": "working_days", "when": "True",
         "reason": {"vi": "Người yêu cầu cư trú ở nước ngoài", "en": "The applicant lives abroad"}}]}
    deploy_package(session_factory, ctx.clock, tiny_procedure.package(metadata=cases))
    html = text_of(client.get(f"/thu-tuc/{tiny_procedure.KEY}").get_data(as_text=True))
    assert "1 ngày làm việc — trường hợp thông thường" in html
    assert "15 ngày làm việc — trường hợp: Người yêu cầu cư trú ở nước ngoài" in html


def test_an_unknown_procedure_is_a_404_page(client):
    page = client.get("/thu-tuc/khong_co")
    assert page.status_code == 404 and "Không tìm thấy thủ tục" in page.get_data(as_text=True)


def test_the_catalogue_in_english(client):
    client.set_cookie("motcua_lang", "en")
    html = client.get("/thu-tuc").get_data(as_text=True)
    assert "Enterprise registration (single-member limited liability company)" in html
    assert "Administrative procedures" in html and "Đăng ký thành lập" not in html
