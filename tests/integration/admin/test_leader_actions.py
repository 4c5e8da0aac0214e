"""Leader actions on the workplace pages: delegate, reassign one or many, extend, stop, withdraw —
shown only to whom the policy allows, refused by the server for anyone else, reasons required."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.persistence.models import Center
from tests.integration.admin.test_sign_in import csrf_token, password_hash, sign_in  # noqa: F401 (a cheap hash)
from tests.integration.api.conftest import add_official
from tests.integration.api.conftest import login as api_login
from tests.integration.api.test_dossiers import start

DESK, DEPARTMENT = "trung_tam_hcc", "so_tai_chinh"
QUEUE = "/hop-cong-viec?view=queue"

@pytest.fixture
def world(app: Flask, session_factory: Any, ctx: Any, password_hash: str) -> Flask:  # noqa: F811
    """The test center's officials plus its center leader and a second department leader, and another
    center with a leader of its own."""
    with session_factory.begin() as session:
        here = session.scalar(select(Center).where(Center.code == "hcc_test"))
        session.add(Center(code="hcc_khac", name="Trung tâm khác", agency_identifier="000.00.98.H99",
                           parent_id=here.parent_id))
    add_official(session_factory, ctx, password_hash, "giamdoc", ["center_leader"], DESK, name="Vũ Văn Đức")
    add_official(session_factory, ctx, password_hash, "lanhdao2", ["unit_leader"], DEPARTMENT, name="Phan Thị Mai")
    add_official(session_factory, ctx, password_hash, "giamdoc_khac", ["center_leader"], DESK, "hcc_khac")
    return app


def login(client: FlaskClient, username: str) -> dict[str, str]:
    """An API token per official, signed in once per test (the API checks the pages' results)."""
    tokens = client.application.config.setdefault("TEST_TOKENS", {})
    if username not in tokens:
        tokens[username] = api_login(client, username)
    return tokens[username]


def browser(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def post(client: FlaskClient, url: str, **data: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def received(app: Flask, claimed_by: str | None = "chuyenvien") -> tuple[str, str]:
    """A fresh dossier at the appraisal step, claimed by ``claimed_by``; its code and the task's id."""
    api = app.test_client()
    code = start(api, login(api, "tiepnhan")).json["code"]
    specialist = login(api, "chuyenvien")
    task = api.get(f"/api/v1/tasks?dossier={code}&status=open", headers=specialist).json[0]
    if claimed_by:
        assert api.post(f"/api/v1/tasks/{task['id']}/claim", headers=login(api, claimed_by)).status_code == 200
    return code, task["id"]


def at_approval(app: Flask, code: str, task_id: str) -> str:
    """The specialist appraises the dossier: its approval waits in the department leaders' queue."""
    api = app.test_client()
    done = api.post(f"/api/v1/tasks/{task_id}/complete", headers=login(api, "chuyenvien"), json={
        "data": {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"}})
    assert done.status_code == 200, done.json
    return str(api.get(f"/api/v1/tasks?dossier={code}&status=open", headers=login(api, "lanhdao")).json[0]["id"])


def dossier(app: Flask, code: str) -> dict[str, Any]:
    api = app.test_client()
    return api.get(f"/api/v1/dossiers/{code}", headers=login(api, "giamdoc")).json


def holder(app: Flask, task_id: str) -> int | None:
    api = app.test_client()
    return api.get(f"/api/v1/tasks/{task_id}", headers=login(api, "giamdoc")).json["assignee_id"]


def official_id(app: Flask, username: str) -> int:
    api = app.test_client()
    return api.get("/api/v1/auth/me", headers=login(api, username)).json["id"]


def flashed(client: FlaskClient, path: str) -> str:
    return client.get(path).get_data(as_text=True)


def new_appointment(ctx: Any, code_due_at: str, working_days: int = 3) -> str:
    return ctx.calendar.add_working_days(datetime.fromisoformat(code_due_at), working_days).isoformat()


# -- what each official is offered -----------------------------------------------------------------

def test_each_official_sees_only_the_actions_the_policy_allows(world):
    code, task_id = received(world)
    page = f"/ho-so/{code}"

    leader = browser(world, "lanhdao").get(page).get_data(as_text=True)
    assert "Gia hạn, hẹn lại ngày trả kết quả" in leader and "Dừng giải quyết hồ sơ" in leader
    assert "Rút hồ sơ theo yêu cầu của người nộp" in leader
    assert "Chuyển cho cán bộ khác xử lý" in leader and "Ủy quyền cho đồng nghiệp" not in leader
    assert "Đỗ Thị Hoa" in leader  # the office's other specialist, who could take the step

    holder_page = browser(world, "chuyenvien").get(page).get_data(as_text=True)
    assert "Ủy quyền cho đồng nghiệp" in holder_page and f'/cong-viec/{task_id}/uy-quyen' in holder_page
    assert "Dừng giải quyết hồ sơ" not in holder_page and "Chuyển cho cán bộ khác xử lý" not in holder_page

    assert 'data-testid="leader-actions"' not in browser(world, "tiepnhan").get(page).get_data(as_text=True)


def test_the_inbox_offers_a_leader_the_tasks_they_may_reassign(world):
    approvals = [at_approval(world, *received(world)) for _ in range(2)]
    leader = browser(world, "lanhdao")
    queue = leader.get(QUEUE).get_data(as_text=True)
    assert queue.count('name="task_ids"') == 2 and '<th scope="col">Chọn</th>' in queue
    assert "Phan Thị Mai" in queue  # the department's other leader, who could take the approvals
    assert 'data-testid="leader-bulk"' not in browser(world, "chuyenvien").get(QUEUE).get_data(as_text=True)

    colleague = official_id(world, "lanhdao2")
    done = leader.post("/cong-viec/chuyen-xu-ly", data={
        "csrf_token": csrf_token(leader), "task_ids": approvals, "to_official": colleague,
        "reason": "Lãnh đạo đi công tác", "next": QUEUE})
    assert done.status_code == 302 and done.headers["Location"] == QUEUE
    assert [holder(world, t) for t in approvals] == [colleague, colleague]
    assert 'data-testid="leader-bulk"' not in leader.get(QUEUE).get_data(as_text=True)  # nothing left to move


# -- delegate and reassign --------------------------------------------------------------------------

def test_the_holder_delegates_a_task_to_a_colleague_with_a_reason(world):
    code, task_id = received(world)
    specialist = browser(world, "chuyenvien")
    colleague = official_id(world, "chuyenvien2")
    done = post(specialist, f"/cong-viec/{task_id}/uy-quyen", to_official=colleague, reason="Tôi đi công tác",
                next=f"/ho-so/{code}")
    assert done.status_code == 302 and done.headers["Location"] == f"/ho-so/{code}"
    assert holder(world, task_id) == colleague
    assert "Đã ủy quyền công việc" in flashed(specialist, f"/ho-so/{code}")


def test_a_delegation_needs_a_reason_shown_at_its_field(world):
    code, task_id = received(world)
    specialist = browser(world, "chuyenvien")
    refused = post(specialist, f"/cong-viec/{task_id}/uy-quyen", to_official=official_id(world, "chuyenvien2"),
                   reason="  ", next=f"/ho-so/{code}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and holder(world, task_id) == official_id(world, "chuyenvien")
    field = re.search(r'<textarea id="delegate-[^"]+-reason"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "Trường “Lý do” là bắt buộc" in page


def test_a_hidden_delegation_posted_by_someone_else_is_refused(world):
    code, task_id = received(world)
    other = browser(world, "chuyenvien2")  # sees the task (same office) but does not hold it
    refused = post(other, f"/cong-viec/{task_id}/uy-quyen", to_official=official_id(world, "chuyenvien2"),
                   reason="Tôi nhận thay", next=f"/ho-so/{code}")
    assert refused.status_code == 302 and holder(world, task_id) == official_id(world, "chuyenvien")
    assert "Không được phép (task.delegate)" in flashed(other, f"/ho-so/{code}")


def test_a_specialist_posting_a_reassignment_by_hand_is_refused(world):
    _, task_id = received(world)
    specialist = browser(world, "chuyenvien2")
    refused = post(specialist, "/cong-viec/chuyen-xu-ly", task_ids=task_id,
                   to_official=official_id(world, "chuyenvien2"), reason="Tôi làm", next=QUEUE)
    assert refused.status_code == 302 and holder(world, task_id) == official_id(world, "chuyenvien")
    assert "Không được phép (task.reassign)" in flashed(specialist, QUEUE)


def test_a_reassignment_needs_tasks_an_official_and_a_reason(world):
    leader = browser(world, "lanhdao")
    refused = post(leader, "/cong-viec/chuyen-xu-ly", reason="", next=QUEUE)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Vui lòng chọn ít nhất một công việc" in page and "Vui lòng chọn cán bộ nhận" in page
    assert "Vui lòng nhập lý do" in page and 'aria-describedby="reassign-reason-error"' in page


# -- extend, stop, withdraw -------------------------------------------------------------------------

def test_a_leader_extends_once_with_the_apology_reason(world, ctx):
    code, _ = received(world)
    leader = browser(world, "lanhdao")
    day = new_appointment(ctx, dossier(world, code)["due_at"])
    done = post(leader, f"/ho-so/{code}/gia-han", new_due_on=day, reason="Cần xác minh thêm tại địa phương",
                next=f"/ho-so/{code}")
    assert done.status_code == 302
    after = dossier(world, code)
    assert after["extended_due_at"].startswith(day)
    page = flashed(leader, f"/ho-so/{code}")
    assert "Đã gia hạn hồ sơ" in page and "Gia hạn, hẹn lại ngày trả kết quả" not in page  # once only
    apology = re.search(r'<a href="([^"]+)"[^>]*>In thư xin lỗi và hẹn lại ngày trả kết quả', page).group(1)
    letter = leader.get(apology)
    assert letter.status_code == 200 and "Cần xác minh thêm tại địa phương" in letter.get_data(as_text=True)

    again = post(leader, f"/ho-so/{code}/gia-han", new_due_on=day, reason="Lần nữa", next=f"/ho-so/{code}")
    assert again.status_code == 302 and "pháp luật chỉ cho phép một lần" in flashed(leader, f"/ho-so/{code}")


def test_an_extension_needs_a_reason_and_a_working_day_after_the_deadline(world, ctx):
    code, _ = received(world)
    leader = browser(world, "lanhdao")
    due = dossier(world, code)["due_at"]
    no_reason = post(leader, f"/ho-so/{code}/gia-han", new_due_on=new_appointment(ctx, due), reason="")
    assert no_reason.status_code == 422 and 'id="extend-reason-error"' in no_reason.get_data(as_text=True)
    too_long = post(leader, f"/ho-so/{code}/gia-han", new_due_on=new_appointment(ctx, due), reason="x" * 2001)
    assert too_long.status_code == 422 and "Lý do tối đa 2000 ký tự" in too_long.get_data(as_text=True)

    sunday = ctx.calendar.add_working_days(datetime.fromisoformat(due), 5)
    while ctx.calendar.is_working_day(sunday):
        sunday = sunday.replace(day=sunday.day + 1)
    holiday = post(leader, f"/ho-so/{code}/gia-han", new_due_on=sunday.isoformat(), reason="Chậm")
    page = holiday.get_data(as_text=True)
    assert holiday.status_code == 422 and "Ngày hẹn mới phải là ngày làm việc" in page
    assert re.search(r'<input type="date" id="extend-new-due-on"[^>]*aria-invalid="true"', page)
    before = post(leader, f"/ho-so/{code}/gia-han", new_due_on=due[:10], reason="Chậm")
    assert before.status_code == 422 and "Ngày hẹn mới phải sau ngày hẹn hiện tại" in before.get_data(as_text=True)
    assert dossier(world, code)["extended_due_at"] is None


def test_stopping_asks_to_confirm_then_stops(world):
    code, _ = received(world)
    leader = browser(world, "lanhdao")
    asked = post(leader, f"/ho-so/{code}/dung-giai-quyet", reason="Công dân không bổ sung hồ sơ",
                 next=f"/ho-so/{code}")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Xác nhận dừng giải quyết" in page and "Công dân không bổ sung hồ sơ" in page
    assert dossier(world, code)["status"] == "processing"

    done = post(leader, f"/ho-so/{code}/dung-giai-quyet", reason="Công dân không bổ sung hồ sơ", confirmed="yes",
                next=f"/ho-so/{code}")
    assert done.status_code == 302 and dossier(world, code)["status"] == "stopped"
    page = flashed(leader, f"/ho-so/{code}")
    assert "Đã dừng giải quyết hồ sơ" in page and "Dừng giải quyết hồ sơ</summary>" not in page
    control = re.search(r'<a href="([^"]+)"[^>]*>In phiếu kiểm soát quá trình giải quyết hồ sơ', page).group(1)
    assert leader.get(control).status_code == 200


def test_the_center_leader_withdraws_a_dossier_with_a_reason(world):
    code, _ = received(world)
    director = browser(world, "giamdoc")
    missing = post(director, f"/ho-so/{code}/rut-ho-so", reason="", confirmed="yes")
    assert missing.status_code == 422 and 'id="withdraw-reason-error"' in missing.get_data(as_text=True)
    done = post(director, f"/ho-so/{code}/rut-ho-so", reason="Công dân xin rút hồ sơ", confirmed="yes",
                next=f"/ho-so/{code}")
    assert done.status_code == 302 and dossier(world, code)["status"] == "withdrawn"


@pytest.mark.parametrize("action", ["dung-giai-quyet", "rut-ho-so", "gia-han"])
def test_a_specialist_posting_a_closing_form_by_hand_is_refused(world, ctx, action):
    code, _ = received(world)
    specialist = browser(world, "chuyenvien")
    refused = post(specialist, f"/ho-so/{code}/{action}", reason="Tự ý", confirmed="yes",
                   new_due_on=new_appointment(ctx, dossier(world, code)["due_at"]), next=f"/ho-so/{code}")
    assert refused.status_code == 302
    after = dossier(world, code)
    assert after["status"] == "processing" and after["extended_due_at"] is None
    assert "Không được phép (dossier." in flashed(specialist, f"/ho-so/{code}")


@pytest.mark.parametrize("action", ["dung-giai-quyet", "rut-ho-so", "gia-han"])
def test_another_centers_leader_finds_no_such_dossier(world, ctx, action):
    code, task_id = received(world)
    stranger = browser(world, "giamdoc_khac")
    refused = post(stranger, f"/ho-so/{code}/{action}", reason="Không phải của tôi", confirmed="yes",
                   new_due_on=new_appointment(ctx, dossier(world, code)["due_at"]))
    assert refused.status_code == 404 and dossier(world, code)["status"] == "processing"
    assert post(stranger, "/cong-viec/chuyen-xu-ly", task_ids=task_id, to_official=official_id(world, "chuyenvien2"),
                reason="Không phải của tôi").status_code == 404
    assert post(stranger, f"/cong-viec/{task_id}/uy-quyen", to_official=official_id(world, "chuyenvien2"),
                reason="x").status_code == 404
    assert 'data-testid="leader-actions"' not in stranger.get(f"/ho-so/{code}").get_data(as_text=True)


def test_the_forms_need_their_csrf_token_and_a_signed_in_official(world):
    code, _ = received(world)
    leader = browser(world, "lanhdao")
    assert leader.post(f"/ho-so/{code}/dung-giai-quyet", data={"reason": "x", "confirmed": "yes"}).status_code == 400
    anonymous = world.test_client()
    assert post(anonymous, f"/ho-so/{code}/dung-giai-quyet", reason="x", confirmed="yes").status_code == 302
    assert dossier(world, code)["status"] == "processing"


def test_the_forms_speak_english_when_the_official_chose_it(world, ctx):
    code, _ = received(world)
    leader = browser(world, "lanhdao")
    leader.set_cookie("motcua_lang", "en")
    blank = post(leader, f"/ho-so/{code}/gia-han", new_due_on=new_appointment(ctx, dossier(world, code)["due_at"]),
                 reason="   ")
    page = blank.get_data(as_text=True)
    assert blank.status_code == 422 and "Field “reason” is required" in page and "Reason for the delay" in page
    assert "Extend: a new date to return the result" in leader.get(f"/ho-so/{code}").get_data(as_text=True)
