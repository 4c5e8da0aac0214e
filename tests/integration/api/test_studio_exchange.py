"""Diagrams in and out of the studio over HTTP: a .bpmn from another tool into a draft as it is, a
version's folder as a zip, what changed between versions; and new procedures from a template."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from lxml import etree

from demo.sandbox import write_demo_organisation
from tests.conftest import SHARED
from tests.integration.api.test_studio import DRAFT, KEY, STUDIO

MIWG = sorted((SHARED / "conformance" / "bpmn-miwg").glob("*.bpmn"))


def import_file(client, headers, key, content, name="diagram.bpmn", base_tag=None):
    data = {"file": (io.BytesIO(content), name)}
    if base_tag:
        data["base_tag"] = base_tag
    return client.post(f"{STUDIO}/procedures/{key}/import", data=data, headers=headers,
                       content_type="multipart/form-data")


def ids(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    return sorted(node.get("id") for node in root.iter() if isinstance(node.tag, str) and node.get("id"))


@pytest.mark.skipif(not MIWG, reason="the MIWG corpus is not beside the project")
def test_each_miwg_reference_model_imports_and_downloads_with_the_same_elements(client, analyst):
    for model in MIWG:
        key = "miwg_" + model.stem.lower().replace(".", "_")
        imported = import_file(client, analyst, key, model.read_bytes(), model.name)
        assert imported.status_code == 200, (model.name, imported.json)
        downloaded = client.get(f"{STUDIO}/procedures/{key}/files", headers=analyst).json["files"][f"{key}.bpmn"]
        assert ids(downloaded.encode("utf-8")) == ids(model.read_bytes()), model.name
        diagram_elements = etree.fromstring(downloaded.encode("utf-8")).iterfind(
            ".//{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")
        assert len(list(diagram_elements)) == len(list(etree.fromstring(model.read_bytes()).iterfind(
            ".//{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape"))), model.name


def test_an_imported_diagram_replaces_the_drafts_diagram_and_keeps_its_forms(client, analyst):
    opened = client.get(DRAFT, headers=analyst).json
    diagram = opened["files"][f"{KEY}.bpmn"].replace("Thẩm định hồ sơ", "Thẩm định hồ sơ đăng ký")
    imported = import_file(client, analyst, KEY, diagram.encode("utf-8"))
    assert imported.status_code == 200, imported.json
    assert imported.json["files"][f"{KEY}.bpmn"] == diagram
    assert imported.json["files"]["procedure.json"] == opened["files"]["procedure.json"]
    assert {n for n in imported.json["files"] if n.startswith("forms/")} == \
        {n for n in opened["files"] if n.startswith("forms/")}
    stale = import_file(client, analyst, KEY, diagram.encode("utf-8"))
    assert stale.status_code == 409 and stale.json["error"] == "draft_stale"


def test_bad_or_unsafe_xml_is_refused_at_its_line(client, analyst):
    broken = import_file(client, analyst, KEY,
                         b'<?xml version="1.0"?>\n<definitions>\n<process id="p">\n</definitions>')
    assert broken.status_code == 422
    [problem] = broken.json["errors"]["problems"]
    assert problem["line"] == 4 and problem["message"].startswith("XML không đúng cú pháp")
    entity = import_file(client, analyst, KEY, b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x "y">]>\n<d>&x;</d>')
    assert entity.status_code == 422 and entity.json["errors"]["problems"][0]["line"] == 2
    assert client.get(DRAFT, headers=analyst).json["tag"] is None  # nothing saved


def test_a_version_downloads_as_its_folder(client, analyst):
    answer = client.get(f"{STUDIO}/procedures/{KEY}/export.zip?version=1", headers=analyst)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert 'filename="enterprise_registration-v1.zip"' in answer.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    names = archive.namelist()
    assert f"{KEY}/{KEY}.bpmn" in names and f"{KEY}/procedure.json" in names
    assert f"{KEY}/forms/appraise_dossier.schema.json" in names
    files = client.get(f"{STUDIO}/procedures/{KEY}/files?version=1", headers=analyst).json["files"]
    assert archive.read(f"{KEY}/{KEY}.bpmn").decode("utf-8") == files[f"{KEY}.bpmn"]
    assert client.get(f"{STUDIO}/procedures/{KEY}/export.zip?version=7", headers=analyst).status_code == 404


def test_comparing_shows_what_changed_in_procedure_json_and_the_forms(client, analyst):
    files = client.get(DRAFT, headers=analyst).json["files"]
    metadata = json.loads(files["procedure.json"])
    metadata["time_limit"]["value"] = 60
    files["procedure.json"] = json.dumps(metadata, ensure_ascii=False)  # another layout: only content counts
    files.pop("forms/notify_refusal.schema.json")
    client.put(DRAFT, json={"base_tag": None, "files": files}, headers=analyst)
    changes = {c["path"]: c for c in client.get(f"{STUDIO}/procedures/{KEY}/compare?from=1",
                                                  headers=analyst).json}
    assert changes["procedure.json"]["status"] == "changed"
    assert '-    "value": 3,' in changes["procedure.json"]["diff"]
    assert '+    "value": 60,' in changes["procedure.json"]["diff"]
    assert changes["forms/notify_refusal.schema.json"]["status"] == "removed"
    assert (changes[f"{KEY}.bpmn"]["status"], changes[f"{KEY}.bpmn"]["diff"]) == ("same", "")
    assert changes["forms/start.schema.json"]["status"] == "same"
    assert client.get(f"{STUDIO}/procedures/{KEY}/compare?from=x", headers=analyst).status_code == 422


def test_a_new_procedure_from_the_template_validates_publishes_and_runs(client, analyst, session_factory, ctx):
    with session_factory.begin() as session:
        write_demo_organisation(session, ctx.clock.now())  # communes and wards for its located lanes
    templates = client.get(f"{STUDIO}/templates", headers=analyst).json
    assert [t["name"] for t in templates] == ["commune"]
    created = client.post(f"{STUDIO}/procedures", json={"key": "xac_nhan_thu", "name": "Xác nhận thử nghiệm"},
                          headers=analyst)
    assert created.status_code == 201, created.json
    assert json.loads(created.json["files"]["procedure.json"])["name"] == {"vi": "Xác nhận thử nghiệm"}
    checked = client.post(f"{STUDIO}/procedures/xac_nhan_thu/check", json={}, headers=analyst).json
    assert checked["valid"] is True, checked["problems"]
    published = client.post(f"{STUDIO}/procedures/xac_nhan_thu/publish", headers=analyst, json={
        "tag": created.json["tag"], "activate": True, "reason": "Thủ tục mới của xã"})
    assert published.status_code == 200 and published.json["activated"] is True, published.json
    run = client.post(f"{STUDIO}/procedures/xac_nhan_thu/sandbox", json={}, headers=analyst).json
    assert [s["element_id"] for s in run["steps"]] == ["appraise_dossier", "approve_dossier", "return_result"]
    assert run["status"] == "completed" and run["steps"][0]["unit"].endswith(".van_phong")
    listed = {p["key"]: p for p in client.get(f"{STUDIO}/procedures", headers=analyst).json}
    assert listed["xac_nhan_thu"]["active_version"] == 1


def test_a_taken_key_or_a_bad_key_is_refused(client, analyst):
    taken = client.post(f"{STUDIO}/procedures", json={"key": KEY, "name": "Trùng"}, headers=analyst)
    assert taken.status_code == 409
    bad = client.post(f"{STUDIO}/procedures", json={"key": "Thủ tục", "name": "Sai"}, headers=analyst)
    assert bad.status_code == 422 and "key" in bad.json["errors"]["data"]
