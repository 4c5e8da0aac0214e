"""Two officials completing the same task at the same moment: exactly one wins, the other gets 409.

Real threads against the real database (PostgreSQL in CI, where `SELECT … FOR UPDATE` does the
work; SQLite serialises writers with BEGIN IMMEDIATE).
"""

from __future__ import annotations

import threading

from tests.integration.api.conftest import login
from tests.integration.api.test_dossiers import only_open_task, start
from tests.procedures.test_enterprise_registration import APPRAISE_OK

ROUNDS = 5


def test_two_officials_completing_one_task_one_wins(app, reception):
    clients = [app.test_client(), app.test_client()]
    tokens = [login(clients[0], "chuyenvien"), login(clients[1], "chuyenvien2")]
    for _ in range(ROUNDS):
        code = start(clients[0], reception).json["code"]
        task = only_open_task(clients[0], tokens[0], code)
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def complete(index: int, task_id: str, barrier: threading.Barrier, statuses: list[int]) -> None:
            barrier.wait()
            response = clients[index].post(f"/api/v1/tasks/{task_id}/complete",
                                           json={"data": APPRAISE_OK}, headers=tokens[index])
            statuses.append(response.status_code)

        threads = [threading.Thread(target=complete, args=(i, task["id"], barrier, statuses)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(statuses) == [200, 409]

        history = clients[0].get(f"/api/v1/dossiers/{code}/history", headers=reception).json
        completed = [e for e in history["events"] if e["event_type"] == "task_completed"]
        assert len(completed) == 1
        assert [s["element_id"] for s in history["steps"]] == ["appraise_dossier", "approve_dossier"]
