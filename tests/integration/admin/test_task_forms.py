"""A task's form page: drawn from its JSON Schema, the engine's errors at their fields in the page's
language with the values kept, decisions as buttons, draft save, claiming, and a read-only view."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.integration.admin.posting import open_task_id, post_form, receive_dossier
from tests.integration.admin.test_sign_in import csrf_token, password_hash, sign_in  # noqa: F401 (cheap hashes)
from tests.integration.api.conftest import login


def _claimed_appraisal(client: FlaskClient) -> tuple[str, str]:
    """A dossier at the appraisal step, claimed from its form page by the specialist; (code, url)."""
    code = receive_dossier(client)
    url = f"/cong-viec/{open_task_id(client, code, 'chuyenvien')}"
    sign_in(client, "chuyenvien")
    claimed = post_form(client, url, {"action": "claim"})
    assert claimed.status_code == 302 and claimed.headers["Location"] == url
    return code, url


def _field_tag(page: str, name: str) -> str:
    """The opening tag of the input, select or text area named ``name``."""
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)


def test_the_form_is_drawn_from_the_schema_with_the_decisions_as_buttons(client):
    code, url = _claimed_appraisal(client)
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Thẩm định hồ sơ</h1>" in page and code in page
    assert '<label for="f-appraisal_opinion">Ý kiến thẩm định' in page  # the title from the schema
    assert "Nhận xét của chuyên viên về tính hợp lệ của hồ sơ." in page  # its description
    assert '<textarea id="f-missing_documents" name="missing_documents"' in page  # a list of texts
    for value, title in (("request_supplement", "Yêu cầu bổ sung, hoàn thiện hồ sơ"),
                         ("propose_approval", "Đề xuất cấp Giấy chứng nhận đăng ký doanh nghiệp")):
        assert f'<button type="submit" name="decision" value="{value}">{title}</button>' in page
    assert 'name="appraisal_decision"' not in page  # the decision field is the buttons, not an input


def test_a_wrong_field_gets_the_vietnamese_error_at_that_field_and_keeps_the_values(client):
    _, url = _claimed_appraisal(client)
    refused = post_form(client, url, {"decision": "request_supplement", "appraisal_opinion": "Thiếu điều lệ",
                                      "refusal_grounds": "Chưa có"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="f-missing_documents-error">([^<]+)</p>', page)
    assert error.group(1) == "Trường “Nội dung cần bổ sung, hoàn thiện” là bắt buộc"
    tag = _field_tag(page, "missing_documents")
    assert 'aria-invalid="true"' in tag and "f-missing_documents-error" in tag
    assert 'aria-invalid' not in _field_tag(page, "appraisal_opinion")
    assert ">Thiếu điều lệ</textarea>" in page and ">Chưa có</textarea>" in page  # what was typed stays
    assert 'value="request_supplement" aria-pressed="true"' in page  # and the decision chosen
    assert 'href="#f-missing_documents"' in page  # the summary links to the field


def test_the_errors_are_english_when_the_page_is(client):
    _, url = _claimed_appraisal(client)
    client.post("/ngon-ngu", data={"lang": "en", "next": "/", "csrf_token": csrf_token(client)})
    page = post_form(client, url, {"decision": "propose_approval"}).get_data(as_text=True)
    assert 'lang="en"' in page
    assert re.search(r'id="f-appraisal_opinion-error">Field “appraisal_opinion” is required<', page)


def test_a_number_typed_as_words_is_reported_at_its_field(client):
    sign_in(client, "tiepnhan")
    url = "/tiep-nhan/enterprise_registration"
    page = post_form(client, url, {"charter_capital_vnd": "hai tỷ"}).get_data(as_text=True)
    assert re.search(r'id="f-charter_capital_vnd-error">Vốn điều lệ \(đồng\): phải là số nguyên<', page)
    assert 'value="hai tỷ"' in _field_tag(page, "charter_capital_vnd")


def test_completing_moves_the_dossier_on(client):
    code, url = _claimed_appraisal(client)
    done = post_form(client, url, {"decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"})
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Đã hoàn thành công việc." in page and "Đã hoàn thành" in page
    assert "Đề xuất cấp Giấy chứng nhận đăng ký doanh nghiệp" in page  # the decision, read-only now
    assert ">Hồ sơ hợp lệ</textarea>" in page and "readonly" in _field_tag(page, "appraisal_opinion")
    leader_tasks = client.get("/api/v1/tasks", query_string={"dossier": code}, headers=login(client, "lanhdao"))
    assert [t["name"] for t in leader_tasks.json] == ["Phê duyệt kết quả"]


def test_a_draft_is_saved_restored_and_cleared_on_completion(client):
    code, url = _claimed_appraisal(client)
    saved = post_form(client, url, {"action": "draft", "appraisal_opinion": "Đang xem xét",
                                    "missing_documents": "Điều lệ công ty\nBản sao CCCD"})
    assert saved.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Đã lưu bản nháp." in page and "Bản nháp đã lưu lúc" in page
    assert ">Đang xem xét</textarea>" in page and ">Điều lệ công ty\nBản sao CCCD</textarea>" in page
    # Another specialist of the unit may read the task, not the draft.
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})
    sign_in(client, "chuyenvien2")
    other = client.get(url).get_data(as_text=True)
    assert "Đang xem xét" not in other and "Bạn chỉ được xem công việc này." in other
    assert post_form(client, url, {"action": "draft", "appraisal_opinion": "x"}).status_code == 302
    assert "Chỉ người đang xử lý công việc" in client.get(url).get_data(as_text=True)
    # The holder completes; the draft is gone with the completion.
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})
    sign_in(client, "chuyenvien")
    post_form(client, url, {"decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"})
    page = client.get(url).get_data(as_text=True)
    assert ">Hồ sơ hợp lệ</textarea>" in page and "Đang xem xét" not in page and "Bản nháp" not in page


def test_a_task_in_the_queue_is_claimed_from_its_page(client):
    code = receive_dossier(client)
    url = f"/cong-viec/{open_task_id(client, code, 'chuyenvien')}"
    sign_in(client, "chuyenvien")
    page = client.get(url).get_data(as_text=True)
    assert "Chờ nhận xử lý" in page and 'value="claim">Nhận xử lý</button>' in page
    assert 'name="decision"' not in page  # nothing to submit before claiming
    post_form(client, url, {"action": "claim"})
    page = client.get(url).get_data(as_text=True)
    assert "Đã nhận xử lý công việc." in page and "Đang xử lý: Trần Văn Minh" in page
    assert 'name="decision"' in page


def test_outside_the_officials_scope_the_task_is_not_found(client):
    code = receive_dossier(client)
    url = f"/cong-viec/{open_task_id(client, code, 'chuyenvien')}"
    sign_in(client, "lanhdao")  # the department's leader reads the office's tasks, but acts on none
    page = client.get(url).get_data(as_text=True)
    assert "Bạn chỉ được xem công việc này." in page and 'value="claim"' not in page
    sign_in(client, "tiepnhan")  # reception's scope is its own unit's tasks
    assert client.get(url).status_code == 404
    assert client.get("/cong-viec/00000000-0000-0000-0000-000000000000").status_code == 404


def test_signing_in_is_required(client):
    response = client.get("/cong-viec/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
