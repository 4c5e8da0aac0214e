"""The studio's version changes from the pages: each asks for a reason, runs the engine's lifecycle
command, and the list shows the new states; officials without the rule are refused."""

from __future__ import annotations

import re

from tests.integration.admin.test_sign_in import csrf_token, sign_in
from tests.integration.api.test_procedure_versions import SIXTY_DAYS, library_files, upload

KEY = "enterprise_registration"


def _states(client) -> dict[int, str]:
    page = client.get("/thiet-ke").get_data(as_text=True)
    rows = re.findall(rf'data-testid="version-{KEY}-(\d+)">.*?class="state state-(\w+)"', page, re.S)
    return {int(number): state for number, state in rows}


def _post(client, path: str, reason: str):
    return client.post(path, data={"reason": reason, "csrf_token": csrf_token(client)})


def test_activating_rolling_back_and_retiring_from_the_pages(client, analyst):
    assert upload(client, analyst, library_files(**SIXTY_DAYS)).status_code == 201
    sign_in(client, "phantich")
    assert _states(client) == {1: "active", 2: "deployed"}

    form = client.get(f"/thiet-ke/{KEY}/phien-ban/2/kich-hoat")
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)
    done = _post(client, f"/thiet-ke/{KEY}/phien-ban/2/kich-hoat", "Quyết định công bố thủ tục mới")
    assert done.status_code == 302
    assert "Đã kích hoạt enterprise_registration v2." in client.get("/thiet-ke").get_data(as_text=True)
    assert _states(client) == {1: "retired", 2: "active"}

    assert _post(client, f"/thiet-ke/{KEY}/quay-lai", "Phiên bản mới có sai sót").status_code == 302
    assert _states(client) == {1: "active", 2: "retired"}

    assert _post(client, f"/thiet-ke/{KEY}/phien-ban/1/ngung-ap-dung", "Bãi bỏ thủ tục").status_code == 302
    assert _states(client) == {1: "retired", 2: "retired"}


def test_a_change_without_a_reason_is_refused_at_the_field(client, analyst):
    sign_in(client, "phantich")
    page = _post(client, f"/thiet-ke/{KEY}/phien-ban/1/ngung-ap-dung", "   ")
    assert page.status_code == 422
    assert 'id="reason-error"' in page.get_data(as_text=True)
    assert _states(client) == {1: "active"}


def test_a_rollback_with_nothing_to_return_to_says_why(client, analyst):
    sign_in(client, "phantich")
    response = _post(client, f"/thiet-ke/{KEY}/quay-lai", "Thử quay lại")
    assert response.status_code == 302
    assert "không có phiên bản nào từng áp dụng trước đó" in client.get("/thiet-ke").get_data(as_text=True)


def test_officials_without_the_rule_cannot_change_versions(client, reception, analyst):
    sign_in(client, "tiepnhan")
    response = _post(client, f"/thiet-ke/{KEY}/phien-ban/1/ngung-ap-dung", "Không được phép")
    assert response.status_code == 302
    refused = client.get("/thiet-ke")  # the list itself is not theirs either
    assert refused.status_code == 403 and "flash-error" in refused.get_data(as_text=True)
    sign_in(client, "phantich")
    assert _states(client) == {1: "active"}


def test_a_missing_version_is_a_404(client, analyst):
    sign_in(client, "phantich")
    assert _post(client, f"/thiet-ke/{KEY}/phien-ban/7/kich-hoat", "Không có").status_code == 404
