"""The inbox page: views with counts, filters, the traffic light, claim and release from the list."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.integration.admin.pages import receive, text_of
from tests.integration.admin.test_sign_in import csrf_token, sign_in


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-task="([0-9a-f-]+)">', html)


@pytest.fixture
def two_dossiers(client: FlaskClient, reception: dict[str, str]) -> list[str]:
    return [receive(client, reception, "Nguyễn Văn An"), receive(client, reception, "Trần Thị Bình")]


def test_the_queue_lists_the_units_tasks_grouped_by_dossier_with_counts(client, two_dossiers):
    sign_in(client, "chuyenvien")
    page = client.get("/hop-cong-viec?view=queue").get_data(as_text=True)
    assert len(_rows(page)) == 2
    for code in two_dossiers:
        assert f'<a href="/ho-so/{code}">{code}</a>' in page
    words = text_of(page)
    assert "Chờ nhận của đơn vị 2" in words and "Của tôi 0" in words
    assert 'class="light light-on_time">Còn hạn' in page  # due in days: green
    assert "Nhận việc" in words and 'hx-get="/hop-cong-viec/danh-sach?view=queue"' in page


def test_the_filters_narrow_the_list_by_name_without_accents_and_by_stage(client, two_dossiers):
    sign_in(client, "chuyenvien")
    by_name = client.get("/hop-cong-viec/danh-sach?view=queue&q=tran+thi").get_data(as_text=True)
    assert len(_rows(by_name)) == 1 and two_dossiers[1] in by_name and two_dossiers[0] not in by_name
    assert len(_rows(client.get("/hop-cong-viec/danh-sach?view=queue&stage=approve").get_data(as_text=True))) == 0
    assert len(_rows(client.get("/hop-cong-viec/danh-sach?view=queue&stage=appraise").get_data(as_text=True))) == 2
    overdue = client.get("/hop-cong-viec/danh-sach?view=queue&overdue=y").get_data(as_text=True)
    assert len(_rows(overdue)) == 0 and "Không có công việc nào." in overdue


def test_a_wrong_date_is_shown_at_its_field(client, two_dossiers):
    sign_in(client, "chuyenvien")
    page = client.get("/hop-cong-viec?view=queue&due_before=31-02-2026").get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'aria-describedby="due_before-error"' in page
    assert 'id="due_before-error"' in page


def test_a_page_is_cut_by_a_cursor(client, two_dossiers, monkeypatch):
    monkeypatch.setattr("admin.inbox.PAGE_SIZE", 1)
    sign_in(client, "chuyenvien")
    first = client.get("/hop-cong-viec?view=queue").get_data(as_text=True)
    cursor = re.search(r'href="/hop-cong-viec\?view=queue&amp;cursor=([^"]+)"', first).group(1)
    second = client.get(f"/hop-cong-viec?view=queue&cursor={cursor}").get_data(as_text=True)
    assert len(_rows(first)) == len(_rows(second)) == 1 and _rows(first) != _rows(second)
    forged = client.get("/hop-cong-viec?view=queue&cursor=gia").get_data(as_text=True)
    assert "Con trỏ phân trang không hợp lệ" in forged and _rows(forged) == _rows(first)


def test_claim_and_release_answer_the_updated_list(client, two_dossiers):
    sign_in(client, "chuyenvien")
    task = _rows(client.get("/hop-cong-viec?view=queue").get_data(as_text=True))[0]
    htmx = {"HX-Request": "true"}
    claimed = client.post(f"/hop-cong-viec/{task}/nhan", headers=htmx,
                          data={"csrf_token": csrf_token(client), "back": "view=queue"}).get_data(as_text=True)
    assert task not in _rows(claimed) and "Đã nhận công việc" in claimed
    assert "Của tôi 1" in text_of(claimed) and "Chờ nhận của đơn vị 1" in text_of(claimed)
    mine = client.get("/hop-cong-viec/danh-sach?view=mine").get_data(as_text=True)
    assert _rows(mine) == [task] and "Trần Văn Minh" in mine and "Trả lại" in mine
    released = client.post(f"/hop-cong-viec/{task}/tra-lai", headers=htmx,
                           data={"csrf_token": csrf_token(client), "back": "view=mine"}).get_data(as_text=True)
    assert _rows(released) == [] and "Đã trả lại công việc" in released
    assert task in _rows(client.get("/hop-cong-viec/danh-sach?view=queue").get_data(as_text=True))


def test_without_script_claim_redirects_back_with_a_message(app, client, two_dossiers):
    sign_in(client, "chuyenvien")
    task = _rows(client.get("/hop-cong-viec?view=queue").get_data(as_text=True))[0]
    done = client.post(f"/hop-cong-viec/{task}/nhan", data={"csrf_token": csrf_token(client), "back": "view=queue"})
    assert done.status_code == 302 and done.headers["Location"] == "/hop-cong-viec?view=queue"
    assert "Đã nhận công việc" in client.get(done.headers["Location"]).get_data(as_text=True)
    colleague = app.test_client()
    sign_in(colleague, "chuyenvien2")
    late = colleague.post(f"/hop-cong-viec/{task}/nhan", follow_redirects=True,
                          data={"csrf_token": csrf_token(colleague), "back": "view=queue"})
    assert late.status_code == 200 and 'class="flash flash-error"' in late.get_data(as_text=True)


def test_claiming_needs_the_csrf_token_and_a_signed_in_official(client, two_dossiers):
    sign_in(client, "chuyenvien")
    task = _rows(client.get("/hop-cong-viec?view=queue").get_data(as_text=True))[0]
    assert client.post(f"/hop-cong-viec/{task}/nhan").status_code == 400
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})
    assert client.get("/hop-cong-viec").status_code == 302
