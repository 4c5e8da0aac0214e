"""Publishing a draft over HTTP: a new version, activated when asked, through the deployment's own
commands; an invalid draft or a stale tag writes nothing."""

from __future__ import annotations

import json

from tests.integration.api.test_studio import DRAFT, KEY, STUDIO

PUBLISH = f"{STUDIO}/procedures/{KEY}/publish"
REASON = "Quyết định công bố thủ tục sửa đổi của UBND tỉnh"


def saved_draft(client, analyst, **metadata_changes):
    """Save the active version's files as the draft, procedure.json changed as given; its tag."""
    files = client.get(DRAFT, headers=analyst).json["files"]
    metadata = json.loads(files["procedure.json"])
    metadata.update(metadata_changes)
    files["procedure.json"] = json.dumps(metadata, ensure_ascii=False, indent=2)
    saved = client.put(DRAFT, json={"base_tag": None, "files": files}, headers=analyst)
    assert saved.status_code == 200, saved.json
    return saved.json["tag"]


def versions(client, analyst):
    return [(v["version"], v["state"]) for v in client.get(f"/api/v1/procedures/{KEY}/versions", headers=analyst).json]


def test_publishing_deploys_the_draft_as_the_next_version_which_waits_for_activation(client, analyst):
    tag = saved_draft(client, analyst, time_limit={"value": 60, "unit": "working_days"})
    published = client.post(PUBLISH, json={"tag": tag}, headers=analyst)
    assert published.status_code == 200, published.json
    assert published.json["created"] is True and published.json["activated"] is False
    assert (published.json["version"]["version"], published.json["version"]["state"]) == (2, "deployed")
    assert published.json["version"]["deployed_by"] == "Phạm Thu Trang"
    assert versions(client, analyst) == [(1, "active"), (2, "deployed")]
    assert client.get(DRAFT, headers=analyst).json["based_on_version"] == 2
    again = client.post(PUBLISH, json={"tag": tag}, headers=analyst).json
    assert (again["created"], again["version"]["version"]) == (False, 2)


def test_publishing_with_activation_makes_it_the_version_new_dossiers_use(client, analyst):
    tag = saved_draft(client, analyst, time_limit={"value": 60, "unit": "working_days"})
    published = client.post(PUBLISH, json={"tag": tag, "activate": True, "reason": REASON}, headers=analyst)
    assert published.status_code == 200, published.json
    assert (published.json["activated"], published.json["replaced_version"]) == (True, 1)
    assert versions(client, analyst) == [(1, "retired"), (2, "active")]
    events = client.get(f"/api/v1/procedures/{KEY}/version-events", headers=analyst).json
    assert events[-1]["reason"] == REASON and events[-1]["actor_name"] == "Phạm Thu Trang"


def test_activation_without_a_reason_writes_nothing(client, analyst):
    tag = saved_draft(client, analyst, time_limit={"value": 60, "unit": "working_days"})
    refused = client.post(PUBLISH, json={"tag": tag, "activate": True}, headers=analyst)
    assert refused.status_code == 422 and "reason" in refused.json["errors"]["data"]
    assert versions(client, analyst) == [(1, "active")]


def test_an_invalid_draft_is_refused_with_its_problems_and_nothing_is_written(client, analyst):
    files = client.get(DRAFT, headers=analyst).json["files"]
    files.pop("forms/approve_dossier.schema.json")
    tag = client.put(DRAFT, json={"base_tag": None, "files": files}, headers=analyst).json["tag"]
    refused = client.post(PUBLISH, json={"tag": tag, "activate": True, "reason": REASON}, headers=analyst)
    assert refused.status_code == 422 and refused.json["error"] == "deployment_invalid"
    assert any(p["element_id"] == "approve_dossier" for p in refused.json["errors"]["problems"])
    assert versions(client, analyst) == [(1, "active")]


def test_a_stale_tag_or_no_draft_is_refused(client, analyst):
    assert client.post(PUBLISH, json={"tag": "khong"}, headers=analyst).status_code == 409
    tag = saved_draft(client, analyst)
    saved_draft_again = client.put(DRAFT, json={"base_tag": tag, "files": client.get(DRAFT, headers=analyst)
                                                .json["files"]}, headers=analyst)
    stale = client.post(PUBLISH, json={"tag": tag}, headers=analyst)
    assert stale.status_code == 409 and stale.json["error"] == "draft_stale"
    assert stale.json["errors"]["current"]["tag"] == saved_draft_again.json["tag"]
    assert versions(client, analyst) == [(1, "active")]


def test_only_analysts_publish(client, reception):
    refused = client.post(PUBLISH, json={"tag": "x"}, headers=reception)
    assert refused.status_code == 403 and "procedure.draft.edit" in refused.json["message"]
