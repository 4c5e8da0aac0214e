"""The studio's draft pages: the modeler on a draft with its vocabulary and problems, saving with
the version tag (a stale save answered 409 with both versions), checking unsaved files, the form
preview drawn by the officials' renderer, publishing and the test dossier; the comparison page."""

from __future__ import annotations

import json
import re

import pytest

from tests.integration.admin.test_sign_in import csrf_token, sign_in
from tests.integration.api.conftest import add_official

KEY = "enterprise_registration"


def _data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="studio-data">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def _post(client, path: str, body: dict):
    return client.post(path, json=body, headers={"X-CSRFToken": csrf_token(client)})


@pytest.fixture
def draft(client, analyst) -> dict:
    sign_in(client, "phantich")
    page = client.get(f"/thiet-ke/{KEY}")
    assert page.status_code == 200
    return _data(page.get_data(as_text=True))


def test_the_draft_page_carries_the_files_the_vocabulary_in_words_and_the_checks(draft):
    assert draft["draft"]["tag"] is None and draft["draft"]["based_on_version"] == 1
    assert f"{KEY}.bpmn" in draft["draft"]["files"] and "procedure.json" in draft["draft"]["files"]
    stages = {o["value"]: o["label"] for o in draft["vocabulary"]["stages"]}
    assert stages["appraise"] == "Thẩm định (appraise)"
    assert any(u["value"] == "so_tai_chinh.phong_dkkd" for u in draft["vocabulary"]["units"])
    assert draft["problems"] == []
    assert set(draft["urls"]) >= {"save", "check", "preview", "publish", "sandbox"}


def test_saving_returns_a_new_tag_and_the_problems_and_a_stale_save_gets_both_versions(
        client, draft, session_factory, ctx, password_hash):
    files = draft["draft"]["files"]
    broken = {**files, "procedure.json": files["procedure.json"].replace('"specialist": {', '"chuyen_vien": {')}
    saved = _post(client, draft["urls"]["save"], {"base_tag": None, "files": broken})
    assert saved.status_code == 200, saved.json
    assert saved.json["tag"] and saved.json["valid"] is False
    assert "appraise_dossier" in {p["element_id"] for p in saved.json["problems"]}

    add_official(session_factory, ctx, password_hash, "phantich2", ["analyst"], center=None, name="Vũ Minh Đức")
    other = client.application.test_client()
    sign_in(other, "phantich2")
    stale = _post(other, draft["urls"]["save"], {"base_tag": None, "files": files})
    assert stale.status_code == 409
    assert stale.json["current"]["tag"] == saved.json["tag"]
    assert stale.json["current"]["updated_by"] and stale.json["yours"]["tag"] is None
    assert "đã được" in stale.json["message"]


def test_checking_unsaved_files_places_problems_on_elements(client, draft):
    files = draft["draft"]["files"]
    bpmn = files[f"{KEY}.bpmn"].replace('name="formJsonSchemaFilename" value="appraise_dossier.schema.json"',
                                        'name="formJsonSchemaFilename" value="khong_co.schema.json"')
    checked = _post(client, draft["urls"]["check"], {"files": {**files, f"{KEY}.bpmn": bpmn}})
    assert checked.status_code == 200 and checked.json["valid"] is False
    assert [p["element_id"] for p in checked.json["problems"] if p["severity"] == "error"] == ["appraise_dossier"]


def test_a_malformed_request_is_a_400_in_the_users_words(client, draft):
    answer = _post(client, draft["urls"]["save"], {"files": ["not", "a", "mapping"]})
    assert answer.status_code == 400 and "files" in answer.json["message"]
    assert _post(client, draft["urls"]["check"], {}).status_code == 400


def test_the_preview_is_drawn_by_the_task_pages_renderer(client, draft):
    schema = {"type": "object", "title": "Kiểm tra chéo", "required": ["ghi_chu"],
              "properties": {"ghi_chu": {"type": "string", "title": "Ghi chú kiểm tra", "maxLength": 4000},
                             "giay_to": {"type": "array", "title": "Giấy tờ đã xem", "uniqueItems": True,
                                         "items": {"type": "string", "oneOf": [
                                             {"const": "cccd", "title": "Căn cước công dân"}]}},
                             "ket_qua": {"type": "string", "title": "Kết quả", "oneOf": [
                                 {"const": "dat", "title": "Đạt"}, {"const": "khong_dat", "title": "Không đạt"}]}}}
    shown = _post(client, draft["urls"]["preview"], {"schema": schema, "decision_field": "ket_qua"})
    assert shown.status_code == 200
    html = shown.json["html"]
    assert "<textarea" in html and "Ghi chú kiểm tra" in html and 'class="required"' in html
    assert 'type="checkbox"' in html and "Căn cước công dân" in html
    assert '<fieldset class="decisions">' in html and ">Không đạt</button>" in html
    bad = _post(client, draft["urls"]["preview"], {"schema": {"properties": {"x": {"items": 3, "type": "array"}}}})
    assert bad.status_code == 422 and bad.json["message"]


def test_publishing_with_a_reason_activates_and_the_comparison_shows_the_change(client, draft):
    files = draft["draft"]["files"]
    procedure = json.loads(files["procedure.json"])
    procedure["time_limit"] = {"value": 12, "unit": "working_days"}
    changed = {**files, "procedure.json": json.dumps(procedure, ensure_ascii=False, indent=2) + "\n"}
    saved = _post(client, draft["urls"]["save"], {"base_tag": None, "files": changed})
    assert saved.status_code == 200 and saved.json["valid"], saved.json
    published = _post(client, draft["urls"]["publish"], {"tag": saved.json["tag"], "activate_reason": "Quyết định mới"})
    assert published.status_code == 200, published.json
    assert published.json == {**published.json, "version": 2, "activated": True}

    compared = client.get(f"/thiet-ke/{KEY}/so-sanh?tu=1&den=2")
    assert compared.status_code == 200
    page = compared.get_data(as_text=True)
    assert 'data-testid="diff-procedure.json"' in page and "12" in page
    assert 'data-url="/thiet-ke/enterprise_registration/phien-ban/1/so-do.bpmn"' in page
    assert client.get(f"/thiet-ke/{KEY}/so-sanh?tu=1&den=9").status_code == 404


def test_a_stale_tag_is_not_published(client, draft):
    answer = _post(client, draft["urls"]["publish"], {"tag": "khong-phai", "activate_reason": None})
    assert answer.status_code in (409, 422) and answer.json["message"]


def test_the_test_dossier_names_who_each_step_reaches(client, draft):
    saved = _post(client, draft["urls"]["save"], {"base_tag": None, "files": draft["draft"]["files"]})
    assert saved.status_code == 200
    run = _post(client, draft["urls"]["sandbox"], {})
    assert run.status_code == 200, run.json
    assert 'data-element-id="appraise_dossier"' in run.json["html"]
    assert set(run.json["reached"]) >= {"appraise_dossier", "approve_dossier"}


def test_officials_who_may_not_edit_are_refused(client, reception, analyst):
    sign_in(client, "tiepnhan")
    assert client.get(f"/thiet-ke/{KEY}").status_code == 403
    answer = _post(client, f"/thiet-ke/{KEY}/ban-nhap", {"base_tag": None, "files": {}})
    assert answer.status_code == 403 and answer.json["message"]


def test_a_new_procedure_starts_from_a_template_and_opens_in_the_modeler(client, analyst):
    sign_in(client, "phantich")
    form = client.get("/thiet-ke/moi")
    assert form.status_code == 200 and 'name="template"' in form.get_data(as_text=True)
    created = client.post("/thiet-ke/moi", data={"key": "xac_nhan_cu_tru", "name": "Xác nhận thông tin cư trú",
                                                 "template": "commune", "csrf_token": csrf_token(client)})
    assert created.status_code == 302 and created.headers["Location"].endswith("/thiet-ke/xac_nhan_cu_tru")
    draft = _data(client.get("/thiet-ke/xac_nhan_cu_tru").get_data(as_text=True))
    assert draft["draft"]["tag"] and "xac_nhan_cu_tru.bpmn" in draft["draft"]["files"]
    # The test organisation has no commune, so the template's lanes routed by locality are marked.
    assert draft["problems"] and all("{locality}" in p["message"] for p in draft["problems"])
    assert "xac_nhan_cu_tru" in client.get("/thiet-ke").get_data(as_text=True)

    taken = client.post("/thiet-ke/moi", data={"key": KEY, "name": "Trùng mã", "template": "commune",
                                               "csrf_token": csrf_token(client)})
    assert taken.status_code == 422 and "đã có" in taken.get_data(as_text=True)
    bad = client.post("/thiet-ke/moi", data={"key": "Mã Sai", "name": "Sai", "template": "commune",
                                             "csrf_token": csrf_token(client)})
    assert bad.status_code == 422 and 'id="key-error"' in bad.get_data(as_text=True)
