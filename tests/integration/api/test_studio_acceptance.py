"""The studio's acceptance walk at the API: an analyst opens a procedure's draft, moves a user task into
another lane bound to a unit from the vocabulary, saves, sees the missing form reported on that task,
adds the form, publishes version 2 and activates it; a dossier received before stays on version 1, one
received after runs on version 2; a second analyst's stale save is refused with both versions."""

from __future__ import annotations

import json

from lxml import etree

from tests.integration.api.test_dossiers import only_open_task, start
from tests.integration.api.test_studio import DRAFT, KEY, STUDIO
from tests.integration.api.test_studio_publish import PUBLISH
from tests.procedures.test_enterprise_registration import APPRAISE_OK

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
STEP, NEW_LANE, NEW_FORM = "approve_dossier", "department_director", "director_approval.schema.json"


def move_to_new_lane(diagram: str) -> str:
    """The step leaves its lane for a new one, and names a form the folder does not have yet."""
    root = etree.fromstring(diagram.encode("utf-8"))
    ref = next(r for r in root.iter(f"{{{BPMN}}}flowNodeRef") if (r.text or "").strip() == STEP)
    lane = ref.getparent()
    lane.remove(ref)
    director = etree.SubElement(lane.getparent(), f"{{{BPMN}}}lane", id=NEW_LANE, name="Giám đốc Sở")
    etree.SubElement(director, f"{{{BPMN}}}flowNodeRef").text = STEP
    task = next(t for t in root.iter(f"{{{BPMN}}}userTask") if t.get("id") == STEP)
    form = next(p for p in task.iter(f"{{{SPIFF}}}property") if p.get("name") == "formJsonSchemaFilename")
    form.set("value", NEW_FORM)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def test_an_analyst_changes_a_lane_publishes_version_2_and_running_dossiers_stay_on_version_1(
        client, analyst, second_analyst, reception, specialist):
    before = start(client, reception).json
    assert before["procedure_version"] == 1

    opened = client.get(DRAFT, headers=analyst).json
    vocabulary = client.get(f"{STUDIO}/vocabulary", query_string={"procedure": KEY}, headers=analyst).json
    unit = next(u for u in vocabulary["units"] if "unit_leader" in u["roles"])  # a unit from the list
    files = dict(opened["files"])
    files[f"{KEY}.bpmn"] = move_to_new_lane(files[f"{KEY}.bpmn"])
    metadata = json.loads(files["procedure.json"])
    metadata["lanes"][NEW_LANE] = {"department": unit["code"], "role": "unit_leader", "policy": "pool"}
    files["procedure.json"] = json.dumps(metadata, ensure_ascii=False, indent=2)
    saved = client.put(DRAFT, json={"base_tag": opened["tag"], "files": files}, headers=analyst)
    assert saved.status_code == 200, saved.json

    checked = client.post(f"{STUDIO}/procedures/{KEY}/check", json={}, headers=analyst).json
    assert checked["valid"] is False
    [missing] = [p for p in checked["problems"] if p["severity"] == "error"]
    assert (missing["element_id"], missing["rule"]) == (STEP, "step")
    assert missing["message"] == f"Không tìm thấy biểu mẫu forms/{NEW_FORM}" and missing["line"]

    # The second analyst opened the draft before the first saved: their save is stale.
    theirs = {**opened["files"],
              "procedure.json": opened["files"]["procedure.json"].replace('"value": 3', '"value": 4')}
    stale = client.put(DRAFT, json={"base_tag": opened["tag"], "files": theirs}, headers=second_analyst)
    assert stale.status_code == 409 and stale.json["error"] == "draft_stale"
    assert stale.json["errors"]["yours"]["files"] == theirs
    assert stale.json["errors"]["current"]["tag"] == saved.json["tag"]
    assert stale.json["errors"]["current"]["files"] == files

    files[f"forms/{NEW_FORM}"] = files["forms/approve_dossier.schema.json"]
    saved = client.put(DRAFT, json={"base_tag": saved.json["tag"], "files": files}, headers=analyst)
    assert client.post(f"{STUDIO}/procedures/{KEY}/check", json={}, headers=analyst).json["valid"] is True
    published = client.post(PUBLISH, headers=analyst, json={"tag": saved.json["tag"], "activate": True,
                                                            "reason": "Giám đốc Sở phê duyệt thay lãnh đạo phòng"})
    assert published.status_code == 200, published.json
    assert (published.json["version"]["version"], published.json["activated"]) == (2, True)

    after = start(client, reception).json
    assert after["procedure_version"] == 2
    assert client.get(f"/api/v1/dossiers/{before['code']}", headers=reception).json["procedure_version"] == 1
    # The dossier received before runs on to its next step on version 1's lanes.
    task = only_open_task(client, specialist, before["code"])
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_OK}, headers=specialist)
    assert done.status_code == 200, done.json
    listed = {v["version"]: v for v in client.get(f"{STUDIO}/procedures", headers=analyst).json[0]["versions"]}
    assert (listed[1]["state"], listed[2]["state"]) == ("retired", "active")
    assert (listed[1]["dossiers_running"], listed[2]["dossiers_running"]) == (1, 1)
