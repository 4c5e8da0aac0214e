"""A dossier over HTTP from reception to result, and the history that shows every stage."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from tests.conftest import TEST_CENTER, enterprise_start_data
from tests.integration.api.conftest import login
from tests.procedures.test_enterprise_registration import APPRAISE_OK, RETURN, SIGN


def start(client, headers, **overrides):
    body = {"procedure": "enterprise_registration", "center": TEST_CENTER[0], "data": enterprise_start_data()}
    body.update(overrides)
    return client.post("/api/v1/dossiers", json=body, headers=headers)


def only_open_task(client, headers, code):
    response = client.get(f"/api/v1/tasks?dossier={code}&status=open", headers=headers)
    assert response.status_code == 200
    (task,) = response.json
    return task


def test_a_dossier_runs_from_reception_to_result(client, reception, specialist, leader, clock):
    response = start(client, reception)
    assert response.status_code == 201, response.json
    dossier = response.json
    assert dossier["code"].startswith(f"{TEST_CENTER[2]}-261127-")
    assert dossier["status"] == "processing" and dossier["national_status_code"] == 4
    assert dossier["due_at"].startswith("2026-12-02T17:00:00")
    assert [t["element_id"] for t in dossier["open_tasks"]] == ["appraise_dossier"]

    for headers, element, data in [(specialist, "appraise_dossier", APPRAISE_OK),
                                   (leader, "approve_dossier", SIGN), (reception, "return_result", RETURN)]:
        clock.advance(minutes=30)
        task = only_open_task(client, headers, dossier["code"])
        assert task["element_id"] == element
        detail = client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json
        assert detail["form"]["type"] == "object"
        claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers)
        assert claimed.status_code == 200 and claimed.json["status"] == "claimed"
        clock.advance(minutes=30)
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
        assert done.status_code == 200, done.json
        assert done.json["status"] == "completed"

    final = client.get(f"/api/v1/dossiers/{dossier['code']}", headers=reception).json
    assert final["status"] == "completed" and final["result_name"] == "Đã trả kết quả"
    assert final["data"]["certificate_number"] == f"{dossier['code']}-KQ1"

    history = client.get(f"/api/v1/dossiers/{dossier['code']}/history", headers=reception).json
    steps = history["steps"]
    assert [s["element_id"] for s in steps] == ["appraise_dossier", "approve_dossier", "return_result"]
    assert [s["actor"] for s in steps] == ["Trần Văn Minh", "Lê Quang Huy", "Nguyễn Thị Lan"]
    for s in steps:
        assert s["ready_at"] < s["claimed_at"] < s["completed_at"]
    completed = [e for e in history["events"] if e["event_type"] == "task_completed"]
    assert completed[0]["payload"]["decision"] == {"appraisal_decision": "propose_approval"}
    assert completed[0]["payload"]["data"]["appraisal_opinion"] == APPRAISE_OK["appraisal_opinion"]
    assert history["events"][0]["prev_hash"] is None
    assert all(e["prev_hash"] == p["hash"] for p, e in pairwise(history["events"]))


def test_invalid_start_data_names_each_field_in_vietnamese_or_english(client, reception):
    bad = enterprise_start_data(charter_capital_vnd="hai tỷ")
    bad["applicant"]["phone"] = "123"
    response = start(client, reception, data=bad)
    assert response.status_code == 422
    body = response.json
    assert body["error"] == "form_invalid" and body["code"] == 422
    assert body["errors"]["data"]["charter_capital_vnd"] == ["Vốn điều lệ (đồng): phải là số nguyên"]
    assert "applicant/phone" in body["errors"]["data"]
    english = start(client, {**reception, "Accept-Language": "en"}, data=bad).json
    assert english["errors"]["data"]["charter_capital_vnd"] == ["charter_capital_vnd: must be of type integer"]
    assert english["message"].startswith("The form data is invalid")


def test_completing_with_invalid_data_changes_nothing(client, reception, specialist):
    code = start(client, reception).json["code"]
    task = only_open_task(client, specialist, code)
    response = client.post(f"/api/v1/tasks/{task['id']}/complete",
                           json={"data": {"appraisal_decision": "request_supplement", "appraisal_opinion": "x"}},
                           headers=specialist)
    assert response.status_code == 422
    assert list(response.json["errors"]["data"]) == ["missing_documents"]
    assert only_open_task(client, specialist, code)["status"] == "ready"
    events = client.get(f"/api/v1/dossiers/{code}/history", headers=reception).json["events"]
    assert not [e for e in events if e["event_type"] == "task_completed"]


def test_writes_need_a_token(client):
    response = start(client, {})
    assert response.status_code == 401
    assert response.json["error"] == "not_authenticated"
    assert client.post("/api/v1/dossiers", json={}, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_unknown_things_are_404_with_the_error_shape(client, reception):
    response = client.get("/api/v1/dossiers/000.00.00.H99-000000-9999", headers=reception)
    assert response.status_code == 404
    assert set(response.json) >= {"code", "status", "message", "error"}
    unknown = start(client, reception, procedure="no_such_procedure")
    assert unknown.status_code == 404
    missing = client.post("/api/v1/tasks/00000000-0000-0000-0000-000000000000/claim", headers=reception)
    assert missing.status_code == 404


def test_a_claimed_task_belongs_to_its_claimer(client, reception, specialist):
    code = start(client, reception).json["code"]
    task = only_open_task(client, specialist, code)
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist).status_code == 200
    other = login(client, "chuyenvien2")
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=other).status_code == 409
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_OK}, headers=other)
    assert response.status_code == 403
    assert client.post(f"/api/v1/tasks/{task['id']}/release", headers=specialist).json["status"] == "ready"
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=other).status_code == 200


def test_malformed_request_body_is_422_not_500(client, reception):
    headers = {**reception, "Content-Type": "application/json"}
    response = client.post("/api/v1/dossiers", data="not json", headers=headers)
    assert response.status_code in (400, 422)
    assert response.json["code"] == response.status_code


def test_extension_once_and_withdrawal_over_http(client, reception, center_leader):
    code = start(client, reception).json["code"]
    extended = client.post(f"/api/v1/dossiers/{code}/extend", headers=center_leader,
                           json={"new_due_at": "2026-12-07T17:00:00+07:00", "reason": "Cần xác minh thêm"})
    assert extended.status_code == 200, extended.json
    new_appointment = datetime.fromisoformat(extended.json["extended_due_at"])
    assert new_appointment == datetime.fromisoformat("2026-12-07T10:00:00+00:00")
    again = client.post(f"/api/v1/dossiers/{code}/extend", headers=center_leader,
                        json={"new_due_at": "2026-12-09T17:00:00+07:00", "reason": "Lần hai"})
    assert again.status_code == 409
    naive = client.post(f"/api/v1/dossiers/{code}/extend", headers=center_leader,
                        json={"new_due_at": "2026-12-09T17:00:00", "reason": "Thiếu múi giờ"})
    assert naive.status_code == 422
    no_reason = client.post(f"/api/v1/dossiers/{code}/withdraw", headers=center_leader, json={"reason": ""})
    assert no_reason.status_code == 422
    withdrawn = client.post(f"/api/v1/dossiers/{code}/withdraw", headers=center_leader, json={"reason": "Xin rút"})
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert withdrawn.json["open_tasks"] == []
    closed = client.post(f"/api/v1/dossiers/{code}/withdraw", headers=center_leader, json={"reason": "Lại"})
    assert closed.status_code == 409


def test_stopping_a_dossier_over_http(client, reception, center_leader):
    code = start(client, reception).json["code"]
    stopped = client.post(f"/api/v1/dossiers/{code}/stop", headers=center_leader,
                          json={"reason": "Công dân không bổ sung hồ sơ"})
    assert stopped.status_code == 200 and stopped.json["status"] == "stopped"
    assert stopped.json["national_status_code"] == 8 and stopped.json["deadline_state"] == "on_track"
