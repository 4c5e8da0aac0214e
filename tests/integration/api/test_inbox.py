"""The inbox over HTTP: views, filters, counts, pages, grouping; delegation and reassignment."""

from __future__ import annotations

import json

from marshmallow import Schema
from sqlalchemy import select

from api.schemas import HumanTaskSchema
from engine.org.inbox import InboxFilters, group_by_dossier, inbox_page
from engine.persistence.models import Official
from tests.integration.api.conftest import login
from tests.integration.api.test_dossiers import start


def test_queue_claim_mine_and_counts(client, reception, specialist):
    codes = [start(client, reception).json["code"] for _ in range(3)]
    queue = client.get("/api/v1/inbox/queue", headers=specialist)
    assert queue.status_code == 200
    assert sorted(t["dossier_code"] for t in queue.json["tasks"]) == sorted(codes)
    assert client.get("/api/v1/inbox/queue", headers=reception).json["tasks"] == []  # not reception's step

    first = queue.json["tasks"][0]
    assert client.post(f"/api/v1/tasks/{first['id']}/claim", headers=specialist).status_code == 200
    mine = client.get("/api/v1/inbox/mine", headers=specialist).json["tasks"]
    assert [t["id"] for t in mine] == [first["id"]]
    counts = client.get("/api/v1/inbox/counts", headers=specialist).json
    assert (counts["mine"], counts["queue"], counts["delegated"]) == (1, 2, 0)

    page = client.get("/api/v1/inbox/queue?limit=1", headers=specialist).json
    assert len(page["tasks"]) == 1 and page["next_cursor"]
    rest = client.get(f"/api/v1/inbox/queue?limit=1&cursor={page['next_cursor']}", headers=specialist).json
    assert rest["tasks"][0]["id"] != page["tasks"][0]["id"] and rest["next_cursor"] is None

    grouped = client.get("/api/v1/inbox/queue?group=dossier", headers=specialist).json
    assert {g["dossier_code"] for g in grouped["groups"]} == {t["dossier_code"] for t in grouped["tasks"]}


def test_search_ignores_accents_and_bad_input_is_422(client, reception, specialist):
    code = start(client, reception).json["code"]
    found = client.get("/api/v1/inbox/queue?q=nguyen van an", headers=specialist).json["tasks"]
    assert [t["dossier_code"] for t in found] == [code]
    assert client.get("/api/v1/inbox/queue?q=khong co ai", headers=specialist).json["tasks"] == []
    assert client.get("/api/v1/inbox/queue?stage=nope", headers=specialist).status_code == 422
    assert client.get("/api/v1/inbox/queue?cursor=%%%", headers=specialist).status_code == 422
    assert client.get("/api/v1/inbox/elsewhere", headers=specialist).status_code == 404
    assert client.get("/api/v1/inbox/queue").status_code == 401


def test_delegate_then_reassign(client, reception, specialist, leader):
    code = start(client, reception).json["code"]
    task = client.get("/api/v1/inbox/queue", headers=specialist).json["tasks"][0]
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist)
    other = login(client, "chuyenvien2")
    other_id = client.get("/api/v1/auth/me", headers=other).json["id"]
    me_id = client.get("/api/v1/auth/me", headers=specialist).json["id"]

    missing_reason = client.post(f"/api/v1/tasks/{task['id']}/delegate", headers=specialist,
                                 json={"to_official": other_id, "reason": ""})
    assert missing_reason.status_code == 422
    delegated = client.post(f"/api/v1/tasks/{task['id']}/delegate", headers=specialist,
                            json={"to_official": other_id, "reason": "Tôi đi công tác"})
    assert delegated.status_code == 200 and delegated.json["assignee_id"] == other_id
    assert [t["id"] for t in client.get("/api/v1/inbox/delegated", headers=specialist).json["tasks"]] == [task["id"]]
    assert [t["id"] for t in client.get("/api/v1/inbox/mine", headers=other).json["tasks"]] == [task["id"]]

    refused = client.post("/api/v1/tasks/reassign", headers=specialist,
                          json={"task_ids": [task["id"]], "to_official": me_id, "reason": "Trả lại"})
    assert refused.status_code == 403
    # The department's leader leads the office below it and may move its work.
    by_leader = client.post("/api/v1/tasks/reassign", headers=leader,
                            json={"task_ids": [task["id"]], "to_official": me_id, "reason": "Cân đối công việc"})
    assert by_leader.status_code == 200 and by_leader.json[0]["assignee_id"] == me_id
    history = client.get(f"/api/v1/dossiers/{code}/history", headers=reception).json["events"]
    kinds = [e["event_type"] for e in history]
    assert kinds.count("task_delegated") == 1 and kinds.count("task_reassigned") == 1


def _as_task_objects_dump(session_factory, ctx, username, view, **filters):
    """The page of HumanTask objects (inbox_page) dumped by marshmallow's own way, as JSON gives it back:
    what the inbox answered before it read plain rows."""
    schema = HumanTaskSchema()
    with session_factory() as session:
        official = session.scalar(select(Official).where(Official.username == username))
        page = inbox_page(session, official, view, InboxFilters(**filters), now=ctx.clock.now(), day=ctx.today())
        tasks = [Schema._serialize(schema, task) for task in page.tasks]
        groups = [{**g, "tasks": [Schema._serialize(schema, task) for task in g["tasks"]]}
                  for g in group_by_dossier(page.tasks)]
        return json.loads(json.dumps({"tasks": tasks, "next_cursor": page.next_cursor, "groups": groups}))


def test_every_view_answers_what_the_page_of_task_objects_dumps(client, reception, specialist, session_factory,
                                                                 ctx):
    """The inbox reads plain rows (inbox_listing); its answer is exactly the task objects' dump, in
    every view, grouped or not, with the holder's and the delegator's names."""
    for _ in range(3):
        start(client, reception)
    queue = client.get("/api/v1/inbox/queue", headers=specialist).json["tasks"]
    for task in queue[:2]:
        assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist).status_code == 200
    other = login(client, "chuyenvien2")
    other_id = client.get("/api/v1/auth/me", headers=other).json["id"]
    assert client.post(f"/api/v1/tasks/{queue[0]['id']}/delegate", headers=specialist,
                       json={"to_official": other_id, "reason": "Tôi đi công tác"}).status_code == 200
    for username, headers, view in [("chuyenvien", specialist, "queue"), ("chuyenvien", specialist, "mine"),
                                    ("chuyenvien", specialist, "delegated"), ("chuyenvien2", other, "mine")]:
        expected = _as_task_objects_dump(session_factory, ctx, username, view)
        assert expected["tasks"], (username, view)
        answer = client.get(f"/api/v1/inbox/{view}", headers=headers).json
        assert answer == {"tasks": expected["tasks"], "next_cursor": expected["next_cursor"]}, (username, view)
        grouped = client.get(f"/api/v1/inbox/{view}?group=dossier", headers=headers).json
        assert grouped == expected, (username, view)
    assert client.get("/api/v1/inbox/mine", headers=other).json["tasks"][0]["assignee"] == "Đỗ Thị Hoa"
