"""The test dossier over HTTP: a draft walked with the demo organisation in a throwaway database."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.persistence.models import Dossier, Official
from tests.integration.api.test_studio import DRAFT, KEY, STUDIO

SANDBOX = f"{STUDIO}/procedures/{KEY}/sandbox"


def test_the_default_walk_takes_the_approval_branch_and_names_who_each_step_reaches(client, analyst):
    run = client.post(SANDBOX, json={}, headers=analyst)
    assert run.status_code == 200, run.json
    run = run.json
    assert [s["element_id"] for s in run["steps"]] == ["appraise_dossier", "approve_dossier", "return_result"]
    assert (run["status"], run["result_name"], run["stopped"], run["center"]) == \
        ("completed", "Đã trả kết quả", None, "hcc_tinh")
    appraise = run["steps"][0]
    assert (appraise["unit"], appraise["role"], appraise["policy"], appraise["stage"], appraise["allotted_time"]) == \
        ("so_tai_chinh.phong_dkkd", "specialist", "pool", "appraise", "P2D")
    assert appraise["unit_name"] == "Phòng Đăng ký kinh doanh"
    assert "chuyenvien" in [p["username"] for p in appraise["candidates"]]  # the demo's specialist
    assert appraise["candidates_total"] >= len(appraise["candidates"]) > 0 and appraise["due_at"]
    assert appraise["decision"] == "propose_approval"
    assert {o["value"]: o["leads_to"] for o in appraise["options"]} == {
        "request_supplement": ["receive_supplement"], "propose_approval": ["approve_dossier"],
        "propose_refusal": ["approve_dossier"]}


def test_choices_take_another_branch(client, analyst):
    run = client.post(SANDBOX, json={"choices": {"approve_dossier": {"approval_decision": "sign_refusal"}}},
                      headers=analyst).json
    assert [s["element_id"] for s in run["steps"]] == ["appraise_dossier", "approve_dossier", "notify_refusal"]
    assert run["status"] == "refused"


def test_a_walk_round_a_loop_stops_and_says_where(client, analyst):
    run = client.post(SANDBOX, json={"choices": {"approve_dossier": {"approval_decision": "return_for_reappraisal"}}},
                      headers=analyst).json
    assert run["stopped"]["reason"] == "loop" and run["stopped"]["element_id"] in ("appraise_dossier",
                                                                                    "approve_dossier")


def test_the_real_database_is_not_written(client, analyst, session_factory):
    with session_factory() as session:
        before = (session.scalar(select(func.count(Dossier.id))), session.scalar(select(func.count(Official.id))))
    assert client.post(SANDBOX, json={}, headers=analyst).status_code == 200
    with session_factory() as session:
        assert (session.scalar(select(func.count(Dossier.id))), session.scalar(select(func.count(Official.id)))) \
            == before


def test_an_invalid_draft_answers_its_problems(client, analyst):
    files = client.get(DRAFT, headers=analyst).json["files"]
    files.pop("forms/approve_dossier.schema.json")
    client.put(DRAFT, json={"base_tag": None, "files": files}, headers=analyst)
    refused = client.post(SANDBOX, json={}, headers=analyst)
    assert refused.status_code == 422 and any(p["element_id"] == "approve_dossier"
                                              for p in refused.json["errors"]["problems"])
    by_version = client.post(SANDBOX, json={"version": 1}, headers=analyst)
    assert by_version.status_code == 200 and by_version.json["status"] == "completed"


def test_an_unknown_center_or_version_is_not_found(client, analyst):
    assert client.post(SANDBOX, json={"center": "khong_co"}, headers=analyst).status_code == 404
    assert client.post(SANDBOX, json={"version": 9}, headers=analyst).status_code == 404


def test_a_list_of_choices_applies_one_per_visit_then_the_default_path(client, analyst):
    run = client.post(SANDBOX, json={"choices": {"appraise_dossier": [{"appraisal_decision": "request_supplement"}]}},
                      headers=analyst).json
    assert [s["element_id"] for s in run["steps"]] == [
        "appraise_dossier", "receive_supplement", "appraise_dossier", "approve_dossier", "return_result"]
    assert [s["decision"] for s in run["steps"] if s["element_id"] == "appraise_dossier"] == [
        "request_supplement", "propose_approval"]
    assert run["status"] == "completed"
