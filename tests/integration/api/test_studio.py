"""The studio over HTTP: the procedure list with versions and drafts, the properties panel's
vocabulary, drafts saved with a version tag (a stale save refused with both versions), checking."""

from __future__ import annotations

from engine.deployment.vocabulary import CLOCKS, OUTCOMES, PROPERTIES, STAGES

KEY = "enterprise_registration"
STUDIO = "/api/v1/studio"
DRAFT = f"{STUDIO}/procedures/{KEY}/draft"


def test_the_list_shows_each_version_with_who_deployed_and_activated_it_and_its_dossiers(client, analyst, reception):
    listed = client.get(f"{STUDIO}/procedures", headers=analyst)
    assert listed.status_code == 200, listed.json
    [procedure] = listed.json
    assert (procedure["key"], procedure["active_version"], procedure["draft"]) == (KEY, 1, None)
    [version] = procedure["versions"]
    assert (version["version"], version["state"], version["deployed_by"], version["activated_by"]) == \
        (1, "active", "test", "test")
    assert (version["dossiers_running"], version["dossiers_total"]) == (0, 0)


def test_officials_who_do_not_manage_procedures_are_refused_naming_the_rule(client, reception):
    refused = client.get(f"{STUDIO}/procedures", headers=reception)
    assert refused.status_code == 403 and "procedure.version.read" in refused.json["message"]
    saved = client.put(DRAFT, json={"base_tag": None, "files": {"procedure.json": "{}"}}, headers=reception)
    assert saved.status_code == 403 and "procedure.draft.edit" in saved.json["message"]


def test_the_vocabulary_is_the_validators_own_and_the_organisations(client, analyst):
    answer = client.get(f"{STUDIO}/vocabulary", query_string={"procedure": KEY}, headers=analyst)
    assert answer.status_code == 200, answer.json
    vocabulary = answer.json
    assert [p["name"] for p in vocabulary["properties"]] == list(PROPERTIES)
    stage = next(p for p in vocabulary["properties"] if p["name"] == "stage")
    assert stage["values"] == list(STAGES) and "userTask" in stage["on"]
    assert (vocabulary["stages"], vocabulary["clock_effects"], vocabulary["outcomes"]) == \
        (list(STAGES), list(CLOCKS), list(OUTCOMES))
    assert vocabulary["assignment_policies"] == ["pool", "round_robin", "least_loaded", "fixed"]
    assert "specialist" in vocabulary["roles"]
    units = {u["code"]: u for u in vocabulary["units"]}
    assert units["so_tai_chinh.phong_dkkd"]["roles"] == ["specialist"]
    assert units["so_tai_chinh.phong_dkkd"]["parent"] == "so_tai_chinh"
    assert vocabulary["namespace"]["uri"] == "http://spiffworkflow.org/bpmn/schema/1.0/core"
    assert "appraise_dossier.schema.json" in vocabulary["forms"]
    assert vocabulary["lanes"]["specialist"]["department"] == "so_tai_chinh.phong_dkkd"


def test_a_draft_starts_from_the_active_version_and_each_save_gets_a_new_tag(client, analyst):
    opened = client.get(DRAFT, headers=analyst).json
    assert (opened["tag"], opened["based_on_version"]) == (None, 1)
    assert {f"{KEY}.bpmn", "procedure.json", "forms/appraise_dossier.schema.json"} <= set(opened["files"])

    first = client.put(DRAFT, json={"base_tag": None, "files": opened["files"]}, headers=analyst)
    assert first.status_code == 200, first.json
    assert first.json["revision"] == 1 and first.json["updated_by"] == "Phạm Thu Trang"
    second = client.put(DRAFT, json={"base_tag": first.json["tag"], "files": opened["files"]}, headers=analyst)
    assert second.status_code == 200 and second.json["tag"] != first.json["tag"]
    assert client.get(DRAFT, headers=analyst).json["tag"] == second.json["tag"]
    listed = client.get(f"{STUDIO}/procedures", headers=analyst).json[0]
    assert listed["draft"]["tag"] == second.json["tag"] and listed["draft"]["revision"] == 2


def test_a_stale_save_is_refused_with_both_versions_and_writes_nothing(client, analyst, second_analyst):
    files = client.get(DRAFT, headers=analyst).json["files"]
    base = client.put(DRAFT, json={"base_tag": None, "files": files}, headers=analyst).json["tag"]
    theirs = {**files, "forms/note.schema.json": '{"type": "object"}'}
    saved = client.put(DRAFT, json={"base_tag": base, "files": theirs}, headers=second_analyst)
    assert saved.status_code == 200
    mine = {**files, "procedure.json": files["procedure.json"].replace("Đăng ký", "Đăng ký mới", 1)}
    stale = client.put(DRAFT, json={"base_tag": base, "files": mine}, headers=analyst)
    assert stale.status_code == 409 and stale.json["error"] == "draft_stale"
    assert "Vũ Minh Đức" in stale.json["message"]
    assert stale.json["errors"]["yours"] == {"tag": base, "files": mine}
    current = stale.json["errors"]["current"]
    assert (current["tag"], current["updated_by"], current["files"]) == (saved.json["tag"], "Vũ Minh Đức", theirs)
    assert client.get(DRAFT, headers=analyst).json["files"] == theirs


def test_a_save_naming_a_file_outside_the_procedure_folder_is_refused_naming_it(client, analyst):
    refused = client.put(DRAFT, json={"base_tag": None, "files": {"../etc/passwd": "x"}}, headers=analyst)
    assert refused.status_code == 422 and "files/../etc/passwd" in refused.json["errors"]["data"]


def test_checking_places_each_problem_on_its_element(client, analyst):
    files = client.get(DRAFT, headers=analyst).json["files"]
    assert client.post(f"{STUDIO}/procedures/{KEY}/check", json={}, headers=analyst).json["valid"] is True
    files.pop("forms/approve_dossier.schema.json")
    client.put(DRAFT, json={"base_tag": None, "files": files}, headers=analyst)
    checked = client.post(f"{STUDIO}/procedures/{KEY}/check", json={}, headers=analyst).json
    assert checked["valid"] is False and checked["errors"] >= 1
    missing = next(p for p in checked["problems"] if p["element_id"] == "approve_dossier")
    assert missing["message"] == "Không tìm thấy biểu mẫu forms/approve_dossier.schema.json"
    assert missing["message_en"] == "Form forms/approve_dossier.schema.json does not exist"
    assert missing["line"] and missing["severity"] == "error"


def test_checking_unsaved_files_reports_malformed_xml_at_its_line(client, analyst):
    files = client.get(DRAFT, headers=analyst).json["files"]
    files[f"{KEY}.bpmn"] = files[f"{KEY}.bpmn"].replace("</bpmn:definitions>", "")
    checked = client.post(f"{STUDIO}/procedures/{KEY}/check", json={"files": files}, headers=analyst).json
    assert checked["tag"] is None and checked["valid"] is False
    [xml] = [p for p in checked["problems"] if p["rule"] == "xml"]
    assert xml["line"] and xml["message"].startswith("XML không đúng cú pháp")


def test_a_procedure_with_neither_versions_nor_draft_is_not_found(client, analyst):
    missing = client.get(f"{STUDIO}/procedures/khong_co/draft", headers=analyst)
    assert missing.status_code == 404 and missing.json["message_en"] == "No procedure 'khong_co' and no draft of it"
