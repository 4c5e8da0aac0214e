"""Procedure versions over HTTP: deploying does not change what new dossiers use until an analyst
activates; rollback restores; retirement refuses new dossiers while running ones finish."""

from __future__ import annotations

import io
import json

import pytest

from tests.conftest import LIBRARY
from tests.integration.api.test_dossiers import only_open_task, start
from tests.procedures.test_enterprise_registration import APPRAISE_OK, RETURN, SIGN

KEY = "enterprise_registration"
BASE = f"/api/v1/procedures/{KEY}"


def library_files(**metadata_changes):
    """The library's enterprise_registration as deployed by the fixtures, or its procedure.json changed as given."""
    folder = LIBRARY / KEY
    files = {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    if not metadata_changes:
        return files
    metadata = json.loads(files["procedure.json"])
    metadata.update(metadata_changes)
    files["procedure.json"] = json.dumps(metadata, ensure_ascii=False).encode("utf-8")
    return files


def upload(client, headers, files):
    data = {"key": KEY, "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post("/api/v1/procedures", data=data, headers=headers, content_type="multipart/form-data")


def change(client, headers, path, reason="Quyết định công bố thủ tục mới của UBND tỉnh"):
    return client.post(f"{BASE}/{path}", json={"reason": reason}, headers=headers)


def started_on(client, reception):
    """Start a dossier and return (its code, the version it runs on)."""
    response = start(client, reception)
    assert response.status_code == 201, response.json
    return response.json["code"], response.json["procedure_version"]


SIXTY_DAYS = {"time_limit": {"value": 60, "unit": "working_days"}}


def test_a_deployed_version_is_not_used_until_it_is_activated(client, analyst, reception):
    deployed = upload(client, analyst, library_files(**SIXTY_DAYS))
    assert deployed.status_code == 201, deployed.json
    assert deployed.json["version"] == {**deployed.json["version"], "version": 2, "state": "deployed"}
    assert started_on(client, reception)[1] == 1
    entry = client.get(BASE).json
    assert (entry["latest_version"], entry["active_version"]) == (2, 1)
    assert entry["time_limit"] == {"value": 3, "unit": "working_days"}

    activated = change(client, analyst, "versions/2/activate")
    assert activated.status_code == 200, activated.json
    assert activated.json["changed"] is True and activated.json["replaced_version"] == 1
    assert started_on(client, reception)[1] == 2
    assert client.get(BASE).json["time_limit"] == SIXTY_DAYS["time_limit"]

    versions = client.get(f"{BASE}/versions", headers=analyst).json
    assert [(v["version"], v["state"]) for v in versions] == [(1, "retired"), (2, "active")]
    assert versions[1]["deployed_by"] == versions[1]["activated_by"] == "Phạm Thu Trang"
    assert [(v["dossiers_running"], v["dossiers_total"]) for v in versions] == [(1, 1), (1, 1)]


def test_rollback_restores_the_earlier_version_and_is_recorded(client, analyst, reception):
    upload(client, analyst, library_files(**SIXTY_DAYS))
    change(client, analyst, "versions/2/activate")
    # Deploying the old content again finds the old version; it does not make it active.
    redeployed = upload(client, analyst, library_files())
    assert redeployed.status_code == 200 and redeployed.json["created"] is False
    assert redeployed.json["version"]["version"] == 1 and redeployed.json["version"]["state"] == "retired"
    assert started_on(client, reception)[1] == 2

    rolled_back = change(client, analyst, "rollback", reason="Thời hạn 60 ngày nhập nhầm")
    assert rolled_back.status_code == 200, rolled_back.json
    assert rolled_back.json["version"]["version"] == 1 and rolled_back.json["replaced_version"] == 2
    assert started_on(client, reception)[1] == 1

    events = client.get(f"{BASE}/version-events", headers=analyst).json
    last = events[-1]
    assert (last["version"], last["action"], last["from_state"], last["to_state"]) == (1, "rollback", "retired",
                                                                                      "active")
    assert last["actor_name"] == "Phạm Thu Trang" and last["reason"] == "Thời hạn 60 ngày nhập nhầm"
    assert [(e["version"], e["action"]) for e in events] == [
        (1, "deploy"), (1, "activate"), (2, "deploy"), (1, "retire"), (2, "activate"), (2, "retire"), (1, "rollback")]


def test_retiring_refuses_new_dossiers_while_running_ones_finish(client, analyst, reception, specialist, leader):
    code, _ = started_on(client, reception)
    retired = change(client, analyst, "versions/1/retire", reason="Thủ tục bị bãi bỏ")
    assert retired.status_code == 200 and retired.json["version"]["state"] == "retired"

    refused = start(client, reception)
    assert refused.status_code == 409
    assert refused.json["error"] == "procedure_not_active"
    assert "không có phiên bản đang áp dụng" in refused.json["message"]
    english = start(client, {**reception, "Accept-Language": "en"})
    assert english.json["message"] == f"Procedure '{KEY}' has no active version, so it takes no new dossiers"

    for headers, data in [(specialist, APPRAISE_OK), (leader, SIGN), (reception, RETURN)]:
        task = only_open_task(client, headers, code)
        assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers).status_code == 200
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
        assert done.status_code == 200, done.json
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=reception).json
    assert dossier["status"] == "completed" and dossier["procedure_version"] == 1


@pytest.mark.parametrize("who", ["reception", "specialist", "leader"])
@pytest.mark.parametrize("path, rule", [("versions/2/activate", "procedure.activate"),
                                        ("versions/1/retire", "procedure.retire"),
                                        ("rollback", "procedure.rollback")])
def test_only_analysts_change_versions_and_the_403_names_the_rule(client, analyst, request, who, path, rule):
    upload(client, analyst, library_files(**SIXTY_DAYS))
    headers = request.getfixturevalue(who)
    refused = change(client, headers, path)
    assert refused.status_code == 403
    assert refused.json["error"] == "permission_denied" and rule in refused.json["message"]
    assert "analyst" in refused.json["message_en"] and rule in refused.json["message_en"]
    states = [(v["version"], v["state"]) for v in client.get(f"{BASE}/versions", headers=analyst).json]
    assert states == [(1, "active"), (2, "deployed")]


@pytest.mark.parametrize("who", ["reception", "specialist", "leader"])
def test_only_analysts_deploy(client, who, request, analyst):
    refused = upload(client, request.getfixturevalue(who), library_files(**SIXTY_DAYS))
    assert refused.status_code == 403 and "procedure.deploy" in refused.json["message"]
    assert [v["version"] for v in client.get(f"{BASE}/versions", headers=analyst).json] == [1]


@pytest.mark.parametrize("path", ["versions", "version-events"])
def test_versions_name_officials_so_only_their_readers_see_them(client, path, reception, analyst):
    assert client.get(f"{BASE}/{path}").status_code == 401
    refused = client.get(f"{BASE}/{path}", headers=reception)
    assert refused.status_code == 403 and "procedure.version.read" in refused.json["message"]
    assert client.get(f"{BASE}/{path}", headers=analyst).status_code == 200
    catalogue = client.get(BASE)  # the public catalogue stays public, without names
    assert catalogue.status_code == 200 and "Phạm Thu Trang" not in catalogue.get_data(as_text=True)


def test_a_version_change_needs_a_reason_and_an_existing_version(client, analyst):
    assert client.post(f"{BASE}/versions/1/retire", json={}, headers=analyst).status_code == 422
    assert change(client, analyst, "versions/1/retire", reason="   ").status_code == 422
    missing = change(client, analyst, "versions/9/activate")
    assert missing.status_code == 404 and "phiên bản 9" in missing.json["message"]
    assert change(client, analyst, "rollback").status_code == 409  # nothing was active before version 1
