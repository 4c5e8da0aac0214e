"""Every operation of the OpenAPI document × every role × an object in the caller's scope and one
outside it, against one expectation table. An operation without a row in the table fails the test.

Scope here: the test center ``hcc_test`` (where every role's official sits) against a sibling local
center ``hcc_khac`` that shares the same units. Expectations:
``ok`` (the policy lets it through: any answer but 401/403/404), ``403`` (refused, naming a rule),
``404`` (hidden: its existence is personal), ``listed`` / ``unlisted`` (a list answers 200 and does /
does not hold the object).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.calendar.changes import set_calendar_day
from engine.persistence.models import Center, Dossier, LeavePeriod, Official
from engine.runtime.command import Actor
from tests.conftest import FIXTURES, enterprise_start_data
from tests.integration.api.conftest import PASSWORD, add_official, login

ROLES = ("reception", "specialist", "unit_leader", "center_leader", "analyst", "auditor", "supervisor", "admin",
         "no_role")
LOGINS = {"reception": "tiepnhan", "specialist": "chuyenvien", "unit_leader": "lanhdao",
          "center_leader": "giamdoc", "analyst": "phantich", "auditor": "kiemtra", "supervisor": "giamsat",
          "admin": "quantri", "no_role": "khongvaitro"}
OFFICE, DESK = "so_tai_chinh.phong_dkkd", "trung_tam_hcc"
APPRAISE_OK = {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"}


def row(default: str, **roles: str) -> dict[str, str]:
    return {role: roles.get(role, default) for role in ROLES}


def same(expect: dict[str, str]) -> dict[str, dict[str, str]]:
    """The same expectation in and out of scope (operations on no object of a center)."""
    return {"in": expect, "out": expect}


EVERYONE = row("ok")
# Who sees a dossier of the center their unit took part in (its appraisal is in the office).
SEES_DOSSIER = row("404", reception="ok", specialist="ok", unit_leader="ok", center_leader="ok", auditor="ok",
                   supervisor="ok")
SEES_TASK = row("404", specialist="ok", unit_leader="ok", center_leader="ok", auditor="ok", supervisor="ok")
HIDDEN = row("404")
CLOSE = {"in": row("404", reception="403", specialist="403", unit_leader="ok", center_leader="ok",
                   auditor="403", supervisor="403"), "out": HIDDEN}
ACT_ON_TASK = {"in": row("404", specialist="ok", unit_leader="403", center_leader="403", auditor="403",
                         supervisor="403"), "out": HIDDEN}
READS_VERSIONS = same(row("403", analyst="ok", auditor="ok", supervisor="ok", admin="ok"))  # they name officials
# Figures: leaders and readers of the center (a unit leader: their unit there), admins everywhere.
READS_FIGURES = {"in": row("403", unit_leader="ok", center_leader="ok", auditor="ok", supervisor="ok", admin="ok"),
                 "out": row("403", admin="ok")}
STATISTICS = ("figures", "trend", "units", "officials", "steps", "overdue", "indicators", "dossiers", "watchlist",
              "heatmap", "export")
# Who audits a dossier: auditors and supervisors; the others who see it are refused, the rest do not see it.
AUDITS_DOSSIER = row("404", reception="403", specialist="403", unit_leader="403", center_leader="403",
                     auditor="ok", supervisor="ok")
LEADS_OR_ADMIN = {"in": row("403", unit_leader="ok", admin="ok"), "out": row("403", admin="ok")}

EXPECT: dict[tuple[str, str], dict[str, dict[str, str]]] = {
    ("POST", "/api/v1/auth/login"): same(EVERYONE),
    ("GET", "/api/v1/auth/me"): same(EVERYONE),
    ("POST", "/api/v1/auth/logout"): same(EVERYONE),
    ("POST", "/api/v1/auth/password"): same(EVERYONE),
    ("GET", "/api/v1/procedures"): same(EVERYONE),
    ("POST", "/api/v1/procedures"): same(row("403", analyst="ok")),
    ("GET", "/api/v1/procedures/{key}"): same(EVERYONE),
    # The receipt's secret, not a sign-in, opens these: anyone holding it, signed in or not.
    ("GET", "/api/v1/public/dossiers/{code}"): same(EVERYONE),
    ("POST", "/api/v1/public/dossiers/{code}/rating"): same(EVERYONE),
    ("GET", "/api/v1/procedures/{key}/versions"): READS_VERSIONS,
    ("POST", "/api/v1/dossiers"): {"in": row("403", reception="ok"), "out": row("403")},
    ("GET", "/api/v1/dossiers"): {"in": row("unlisted", reception="listed", specialist="listed",
                                            unit_leader="listed", center_leader="listed", auditor="listed",
                                            supervisor="listed"), "out": row("unlisted")},
    ("GET", "/api/v1/dossiers/{ref}"): {"in": SEES_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/dossiers/{ref}/history"): {"in": SEES_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/dossiers/{ref}/slips/{kind}.{fmt}"): {"in": SEES_DOSSIER, "out": HIDDEN},
    ("POST", "/api/v1/dossiers/{ref}/withdraw"): CLOSE,
    ("POST", "/api/v1/dossiers/{ref}/stop"): CLOSE,
    ("POST", "/api/v1/dossiers/{ref}/extend"): CLOSE,
    ("GET", "/api/v1/tasks"): {"in": row("unlisted", specialist="listed", unit_leader="listed",
                                         center_leader="listed", auditor="listed", supervisor="listed"),
                               "out": row("unlisted")},
    ("GET", "/api/v1/tasks/{task_id}"): {"in": SEES_TASK, "out": HIDDEN},
    ("POST", "/api/v1/tasks/{task_id}/claim"): ACT_ON_TASK,
    ("POST", "/api/v1/tasks/{task_id}/complete"): ACT_ON_TASK,
    ("POST", "/api/v1/tasks/{task_id}/release"): ACT_ON_TASK,
    ("POST", "/api/v1/tasks/{task_id}/delegate"): ACT_ON_TASK,
    ("POST", "/api/v1/tasks/reassign"): {"in": row("404", specialist="403", unit_leader="ok", center_leader="ok",
                                                   auditor="403", supervisor="403"), "out": HIDDEN},
    ("GET", "/api/v1/inbox/{view}"): {"in": row("unlisted", specialist="listed"), "out": row("unlisted")},
    ("GET", "/api/v1/inbox/counts"): same(EVERYONE),
    ("GET", "/api/v1/logbook.{fmt}"): {
        "in": row("403", reception="listed", center_leader="listed", auditor="listed", supervisor="listed"),
        "out": row("403", reception="unlisted", center_leader="unlisted", auditor="unlisted",
                   supervisor="unlisted")},
    ("GET", "/api/v1/org/units"): same(EVERYONE),
    ("GET", "/api/v1/org/officials"): same(EVERYONE),
    ("POST", "/api/v1/org/officials"): same(row("403", admin="ok")),
    ("GET", "/api/v1/org/officials/{username}"): {
        "in": row("403", specialist="ok", unit_leader="ok", auditor="ok", supervisor="ok", admin="ok"),
        "out": row("403", auditor="ok", supervisor="ok", admin="ok")},
    ("PATCH", "/api/v1/org/officials/{username}"): same(row("403", admin="ok")),
    ("POST", "/api/v1/org/officials/{username}/leave"): LEADS_OR_ADMIN,
    ("DELETE", "/api/v1/org/leave/{leave_id}"): LEADS_OR_ADMIN,
    ("POST", "/api/v1/org/deputies"): {"in": EVERYONE, "out": row("403", admin="ok")},
    ("GET", "/api/v1/org/export"): same(row("403", auditor="ok", supervisor="ok", admin="ok")),
    ("POST", "/api/v1/org/import"): same(row("403", admin="ok")),
    ("GET", "/api/v1/procedures/{key}/version-events"): READS_VERSIONS,
    ("GET", "/api/v1/calendar/{year}"): same(EVERYONE),
    ("POST", "/api/v1/calendar/days"): same(row("403", admin="ok")),
    ("DELETE", "/api/v1/calendar/days/{day}"): same(row("403", admin="ok")),
    **{("GET", f"/api/v1/statistics/{name}"): READS_FIGURES for name in STATISTICS},
    ("GET", "/api/v1/statistics/appraisals/{code}"): {"in": SEES_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/incidents"): same(row("403", admin="ok")),
    ("POST", "/api/v1/incidents/{ref}/retry"): same(row("403", admin="ok")),
    ("POST", "/api/v1/incidents/{ref}/migrate"): same(row("403", admin="ok")),
    ("GET", "/api/v1/studio/procedures"): READS_VERSIONS,
    ("GET", "/api/v1/studio/vocabulary"): same(EVERYONE),
    ("GET", "/api/v1/studio/procedures/{key}/draft"): READS_VERSIONS,
    ("PUT", "/api/v1/studio/procedures/{key}/draft"): same(row("403", analyst="ok")),
    ("POST", "/api/v1/studio/procedures/{key}/check"): READS_VERSIONS,
    ("POST", "/api/v1/studio/procedures/{key}/publish"): same(row("403", analyst="ok")),
    ("POST", "/api/v1/studio/procedures/{key}/sandbox"): READS_VERSIONS,
    ("POST", "/api/v1/studio/procedures"): same(row("403", analyst="ok")),
    ("GET", "/api/v1/studio/templates"): same(EVERYONE),
    ("POST", "/api/v1/studio/procedures/{key}/import"): same(row("403", analyst="ok")),
    ("GET", "/api/v1/studio/procedures/{key}/files"): READS_VERSIONS,
    ("GET", "/api/v1/studio/procedures/{key}/export.zip"): READS_VERSIONS,
    ("GET", "/api/v1/studio/procedures/{key}/compare"): READS_VERSIONS,
    # Auditors (engine.audit): verification.
    ("GET", "/api/v1/audit/verification"): same(row("403", auditor="ok", supervisor="ok")),
    ("GET", "/api/v1/audit/dossiers/{code}/verification"): {"in": AUDITS_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/audit/dossiers/{code}/evidence-pack"): {"in": AUDITS_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/audit/dossiers/{code}/replay"): {"in": AUDITS_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/audit/dossiers/{code}/as-of/{seq}"): {"in": AUDITS_DOSSIER, "out": HIDDEN},
    ("GET", "/api/v1/audit/anchors"): same(row("403", auditor="ok", supervisor="ok", admin="ok")),
    ("POST", "/api/v1/audit/anchors"): same(row("403", admin="ok")),
    ("GET", "/api/v1/audit/anchors/export"): same(row("403", auditor="ok", supervisor="ok", admin="ok")),
    # Last: the analyst's version changes (activating the active version and a rollback with nothing to
    # roll back to change nothing; retiring is the very last call, as it closes the procedure).
    ("POST", "/api/v1/procedures/{key}/versions/{number}/activate"): same(row("403", analyst="ok")),
    ("POST", "/api/v1/procedures/{key}/rollback"): same(row("403", analyst="ok")),
    ("POST", "/api/v1/procedures/{key}/versions/{number}/retire"): same(row("403", analyst="ok")),
}

# Operations that change the object they act on: once allowed, the next call needs a fresh one.
CONSUMES = {"/withdraw": "dossier", "/stop": "dossier", "/extend": "dossier", "/claim": "ready",
            "/complete": "ready", "/reassign": "ready", "/release": "claimed", "/delegate": "claimed",
            "/leave/{leave_id}": "leave"}


@dataclass
class World:
    """The officials, and fresh objects in (``hcc_test``) and out of (``hcc_khac``) scope, made on demand."""

    client: FlaskClient
    session_factory: Any
    ids: dict[str, int]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    objects: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def as_(self, username: str) -> dict[str, str]:
        if username not in self.headers:
            self.headers[username] = login(self.client, username)
        return self.headers[username]

    def secret(self, code: str) -> str:
        """The lookup secret printed on the dossier's receipt."""
        with self.session_factory() as session:
            return str(session.scalar(select(Dossier.lookup_secret).where(Dossier.code == code)))

    def get(self, kind: str, scope: str) -> dict[str, Any]:
        if (kind, scope) not in self.objects:
            self.objects[(kind, scope)] = self._make(kind, scope)
        return self.objects[(kind, scope)]

    def consume(self, kind: str, scope: str) -> None:
        self.objects.pop((kind, scope), None)

    def _make(self, kind: str, scope: str) -> dict[str, Any]:
        suffix = "" if scope == "in" else "_khac"
        if kind == "leave":
            username = "chuyenvien" if scope == "in" else "tiepnhan_khac"
            with self.session_factory.begin() as session:
                leave = LeavePeriod(official_id=self.ids[username], starts_on=date.fromisoformat(_day(1)),
                                    ends_on=date.fromisoformat(_day(2)))
                session.add(leave)
                session.flush()
                return {"leave_id": leave.id}
        center = "hcc_test" if scope == "in" else "hcc_khac"
        started = self.client.post("/api/v1/dossiers", headers=self.as_(f"tiepnhan{suffix}"), json={
            "procedure": "enterprise_registration", "center": center, "data": enterprise_start_data()})
        assert started.status_code == 201, started.json
        code = started.json["code"]
        (task,) = started.json["open_tasks"]
        if kind == "claimed":
            claimed = self.client.post(f"/api/v1/tasks/{task['id']}/claim", headers=self.as_(f"chuyenvien{suffix}"))
            assert claimed.status_code == 200, claimed.json
        return {"code": code, "task_id": task["id"]}


def _day(offset: int) -> str:
    return f"2026-12-{10 + offset:02d}"


Request = tuple[str, str, dict[str, Any], str | None]  # method, url, request arguments, what a list must hold


def _request(world: World, operation: tuple[str, str], role: str, scope: str) -> Request:
    """The request that exercises ``operation`` as ``role`` on the object ``scope`` names."""
    method, path = operation
    me = world.ids[LOGINS[role]]
    other = "chuyenvien" if scope == "in" else "tiepnhan_khac"
    center = "hcc_test" if scope == "in" else "hcc_khac"

    def dossier(kind: str = "dossier") -> dict[str, Any]:
        return world.get(kind, scope)

    builders: dict[tuple[str, str], Callable[[], Request]] = {
        ("POST", "/api/v1/auth/login"): lambda: ("POST", path, {"json": {"username": LOGINS[role],
                                                                         "password": PASSWORD}}, None),
        # Its own fresh token, so the one the other rows use stays valid.
        ("POST", "/api/v1/auth/logout"): lambda: ("POST", path, {"headers": login(world.client, LOGINS[role])}, None),
        # A wrong current password: the policy lets anyone try (422), and nobody's password changes.
        ("POST", "/api/v1/auth/password"): lambda: ("POST", path, {"json": {
            "current_password": "khong-dung-mat-khau", "new_password": "mat-khau-moi-dai-du"}}, None),
        ("POST", "/api/v1/procedures"): lambda: ("POST", path, {
            "data": {"key": "tiny_procedure", "files": [(io.BytesIO(c), n) for n, c in _tiny_files().items()]},
            "content_type": "multipart/form-data"}, None),
        ("GET", "/api/v1/procedures/{key}"): lambda: ("GET", "/api/v1/procedures/enterprise_registration", {}, None),
        ("GET", "/api/v1/public/dossiers/{code}"): lambda: (
            "GET", f"/api/v1/public/dossiers/{dossier()['code']}",
            {"query_string": {"secret": world.secret(dossier()["code"])}}, None),
        ("POST", "/api/v1/public/dossiers/{code}/rating"): lambda: (  # refused (409) until the result is returned
            "POST", f"/api/v1/public/dossiers/{dossier()['code']}/rating",
            {"json": {"secret": world.secret(dossier()["code"]), "level": "satisfied"}}, None),
        ("GET", "/api/v1/procedures/{key}/versions"): lambda: (
            "GET", "/api/v1/procedures/enterprise_registration/versions", {}, None),
        ("POST", "/api/v1/dossiers"): lambda: ("POST", path, {"json": {
            "procedure": "enterprise_registration", "center": center, "data": enterprise_start_data()}}, None),
        ("GET", "/api/v1/dossiers"): lambda: ("GET", f"{path}?q={dossier()['code']}", {}, dossier()["code"]),
        ("GET", "/api/v1/dossiers/{ref}"): lambda: ("GET", f"/api/v1/dossiers/{dossier()['code']}", {}, None),
        ("GET", "/api/v1/dossiers/{ref}/history"): lambda: (
            "GET", f"/api/v1/dossiers/{dossier()['code']}/history", {}, None),
        ("GET", "/api/v1/dossiers/{ref}/slips/{kind}.{fmt}"): lambda: (
            "GET", f"/api/v1/dossiers/{dossier()['code']}/slips/receipt.html", {}, None),
        ("POST", "/api/v1/dossiers/{ref}/withdraw"): lambda: (
            "POST", f"/api/v1/dossiers/{dossier()['code']}/withdraw", {"json": {"reason": "Công dân xin rút"}}, None),
        ("POST", "/api/v1/dossiers/{ref}/stop"): lambda: (
            "POST", f"/api/v1/dossiers/{dossier()['code']}/stop", {"json": {"reason": "Không bổ sung"}}, None),
        ("POST", "/api/v1/dossiers/{ref}/extend"): lambda: (
            "POST", f"/api/v1/dossiers/{dossier()['code']}/extend",
            {"json": {"new_due_at": "2026-12-07T17:00:00+07:00", "reason": "Cần xác minh"}}, None),
        ("GET", "/api/v1/tasks"): lambda: (
            "GET", f"/api/v1/tasks?status=open&dossier={dossier('ready')['code']}", {}, dossier("ready")["task_id"]),
        ("GET", "/api/v1/tasks/{task_id}"): lambda: ("GET", f"/api/v1/tasks/{dossier('ready')['task_id']}", {}, None),
        ("POST", "/api/v1/tasks/{task_id}/claim"): lambda: (
            "POST", f"/api/v1/tasks/{dossier('ready')['task_id']}/claim", {}, None),
        ("POST", "/api/v1/tasks/{task_id}/complete"): lambda: (
            "POST", f"/api/v1/tasks/{dossier('ready')['task_id']}/complete", {"json": {"data": APPRAISE_OK}}, None),
        ("POST", "/api/v1/tasks/{task_id}/release"): lambda: (
            "POST", f"/api/v1/tasks/{dossier('claimed')['task_id']}/release", {}, None),
        ("POST", "/api/v1/tasks/{task_id}/delegate"): lambda: (
            "POST", f"/api/v1/tasks/{dossier('claimed')['task_id']}/delegate",
            {"json": {"to_official": world.ids["chuyenvien2"], "reason": "Đi họp"}}, None),
        ("POST", "/api/v1/tasks/reassign"): lambda: ("POST", path, {"json": {
            "task_ids": [dossier("ready")["task_id"]], "to_official": world.ids["chuyenvien2"],
            "reason": "Phân công"}}, None),
        ("GET", "/api/v1/inbox/{view}"): lambda: (
            "GET", "/api/v1/inbox/queue?limit=200", {}, dossier("ready")["task_id"]),
        ("GET", "/api/v1/logbook.{fmt}"): lambda: ("GET", f"/api/v1/logbook.html?center={center}", {},
                                                  dossier()["code"]),
        ("POST", "/api/v1/org/officials"): lambda: ("POST", path, {"json": {
            "username": f"moi_{role}_{scope}", "full_name": "Cán bộ mới", "roles": ["specialist"]}}, None),
        ("GET", "/api/v1/org/officials/{username}"): lambda: (
            "GET", f"/api/v1/org/officials/{other}", {}, None),
        ("PATCH", "/api/v1/org/officials/{username}"): lambda: (
            "PATCH", f"/api/v1/org/officials/{other}", {"json": {"full_name": "Tên mới"}}, None),
        ("POST", "/api/v1/org/officials/{username}/leave"): lambda: (
            "POST", f"/api/v1/org/officials/{other}/leave",
            {"json": {"starts_on": _day(5), "ends_on": _day(5)}}, None),
        ("DELETE", "/api/v1/org/leave/{leave_id}"): lambda: (
            "DELETE", f"/api/v1/org/leave/{world.get('leave', scope)['leave_id']}", {}, None),
        ("POST", "/api/v1/org/deputies"): lambda: ("POST", path, {"json": {
            "official_id": me if scope == "in" else world.ids["chuyenvien2"],
            "deputy_id": world.ids["chuyenvien"], "valid_from": _day(3), "valid_to": _day(4)}}, None),
        ("GET", "/api/v1/procedures/{key}/version-events"): lambda: (
            "GET", "/api/v1/procedures/enterprise_registration/version-events", {}, None),
        ("GET", "/api/v1/calendar/{year}"): lambda: ("GET", "/api/v1/calendar/2026", {}, None),
        ("POST", "/api/v1/calendar/days"): lambda: ("POST", path, {"json": {
            "day": "2026-12-24", "kind": "day_off", "reason": "Nghỉ theo quyết định"}}, None),
        ("DELETE", "/api/v1/calendar/days/{day}"): lambda: _day_off_to_take_back(world),
        ("POST", "/api/v1/incidents/{ref}/retry"): lambda: (
            "POST", f"/api/v1/incidents/{dossier()['code']}/retry", {}, None),
        ("POST", "/api/v1/incidents/{ref}/migrate"): lambda: (
            "POST", f"/api/v1/incidents/{dossier()['code']}/migrate",
            {"json": {"version": 1, "reason": "Chuyển phiên bản"}}, None),
        ("POST", "/api/v1/procedures/{key}/versions/{number}/activate"): lambda: (
            "POST", "/api/v1/procedures/enterprise_registration/versions/1/activate",
            {"json": {"reason": "Áp dụng"}}, None),
        ("POST", "/api/v1/procedures/{key}/rollback"): lambda: (
            "POST", "/api/v1/procedures/enterprise_registration/rollback", {"json": {"reason": "Quay lại"}}, None),
        ("POST", "/api/v1/procedures/{key}/versions/{number}/retire"): lambda: (
            "POST", "/api/v1/procedures/enterprise_registration/versions/1/retire",
            {"json": {"reason": "Ngừng áp dụng"}}, None),
        ("GET", "/api/v1/studio/procedures/{key}/draft"): lambda: (
            "GET", "/api/v1/studio/procedures/enterprise_registration/draft", {}, None),
        # Every save after the first names no tag, so it is refused as stale (409): the policy let it through.
        ("PUT", "/api/v1/studio/procedures/{key}/draft"): lambda: (
            "PUT", "/api/v1/studio/procedures/enterprise_registration/draft",
            {"json": {"base_tag": None, "files": {"procedure.json": "{}"}}}, None),
        ("POST", "/api/v1/studio/procedures/{key}/check"): lambda: (
            "POST", "/api/v1/studio/procedures/enterprise_registration/check", {"json": {}}, None),
        # A tag that is not the draft's: refused as stale (409) once the policy let it through.
        ("POST", "/api/v1/studio/procedures/{key}/publish"): lambda: (
            "POST", "/api/v1/studio/procedures/enterprise_registration/publish", {"json": {"tag": "x"}}, None),
        ("POST", "/api/v1/studio/procedures/{key}/sandbox"): lambda: (
            "POST", "/api/v1/studio/procedures/enterprise_registration/sandbox", {"json": {"version": 1}}, None),
        # A key the library has: refused as taken (409) once the policy let it through.
        ("POST", "/api/v1/studio/procedures"): lambda: (
            "POST", path, {"json": {"key": "enterprise_registration", "name": "Trùng mã"}}, None),
        # Not XML: refused at its line (422) once the policy let it through.
        ("POST", "/api/v1/studio/procedures/{key}/import"): lambda: (
            "POST", "/api/v1/studio/procedures/enterprise_registration/import",
            {"data": {"file": (io.BytesIO(b"<x"), "x.bpmn")}, "content_type": "multipart/form-data"}, None),
        ("GET", "/api/v1/studio/procedures/{key}/files"): lambda: (
            "GET", "/api/v1/studio/procedures/enterprise_registration/files?version=1", {}, None),
        ("GET", "/api/v1/studio/procedures/{key}/export.zip"): lambda: (
            "GET", "/api/v1/studio/procedures/enterprise_registration/export.zip?version=1", {}, None),
        ("GET", "/api/v1/studio/procedures/{key}/compare"): lambda: (
            "GET", "/api/v1/studio/procedures/enterprise_registration/compare?from=1&to=1", {}, None),
        **{("GET", f"/api/v1/statistics/{name}"): (
            lambda name=name: ("GET", f"/api/v1/statistics/{name}", {"query_string": {
                "center": center, "procedure": "enterprise_registration", "figure": "received"}}, None))
           for name in STATISTICS},
        ("GET", "/api/v1/statistics/appraisals/{code}"): lambda: (
            "GET", f"/api/v1/statistics/appraisals/{dossier()['code']}", {}, None),
        ("GET", "/api/v1/org/export"): lambda: ("GET", f"{path}?format=json", {}, None),
        ("GET", "/api/v1/audit/verification"): lambda: ("GET", f"{path}?center={center}", {}, None),
        ("GET", "/api/v1/audit/dossiers/{code}/verification"): lambda: (
            "GET", f"/api/v1/audit/dossiers/{dossier()['code']}/verification", {}, None),
        ("GET", "/api/v1/audit/dossiers/{code}/evidence-pack"): lambda: (
            "GET", f"/api/v1/audit/dossiers/{dossier()['code']}/evidence-pack", {}, None),
        ("GET", "/api/v1/audit/dossiers/{code}/replay"): lambda: (
            "GET", f"/api/v1/audit/dossiers/{dossier()['code']}/replay", {}, None),
        ("GET", "/api/v1/audit/dossiers/{code}/as-of/{seq}"): lambda: (
            "GET", f"/api/v1/audit/dossiers/{dossier()['code']}/as-of/1", {}, None),
        ("POST", "/api/v1/org/import"): lambda: ("POST", f"{path}?dry_run=true", {
            "data": {"file": (io.BytesIO((FIXTURES / "org_sample.csv").read_bytes()), "org.csv")},
            "content_type": "multipart/form-data"}, None),
    }
    build = builders.get(operation)
    return build() if build is not None else (method, path, {}, None)


def _day_off_to_take_back(world: World) -> Request:
    """A day off set beforehand (as the system), so that each role finds one to take back."""
    with world.session_factory.begin() as session:
        set_calendar_day(session, Actor(None, "Hệ thống"), day=date(2026, 12, 24), kind="day_off", reason="Nghỉ",
                         province=None, now=datetime(2026, 11, 27, tzinfo=UTC), today=date(2026, 11, 27))
    return "DELETE", "/api/v1/calendar/days/2026-12-24", {"json": {"reason": "Hủy quyết định"}}, None


def _tiny_files() -> dict[str, bytes]:
    from tests.fixtures import tiny_procedure

    return tiny_procedure.files()


def _outcome(response: Any, probe: str | None) -> str:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    if probe is None:
        return "ok"
    assert response.status_code == 200
    return "listed" if probe in response.get_data(as_text=True) else "unlisted"


@pytest.fixture
def world(client: FlaskClient, session_factory: Any, ctx: Any, password_hash: str) -> World:
    with session_factory.begin() as session:
        province_test = session.scalar(select(Center).where(Center.code == "hcc_test"))
        session.add(Center(code="hcc_khac", name="Trung tâm khác", agency_identifier="000.00.98.H99",
                           parent_id=province_test.parent_id))
    extra = [("giamdoc", ["center_leader"], DESK, "hcc_test"), ("phantich", ["analyst"], None, None),
             ("kiemtra", ["auditor"], None, "hcc_test"), ("giamsat", ["supervisor"], None, "hcc_test"),
             ("quantri", ["admin"], None, None), ("khongvaitro", [], OFFICE, "hcc_test"),
             ("tiepnhan_khac", ["reception"], DESK, "hcc_khac"),
             ("chuyenvien_khac", ["specialist"], OFFICE, "hcc_khac")]
    for username, roles, unit, center in extra:
        add_official(session_factory, ctx, password_hash, username, roles, unit, center)
    with session_factory() as session:
        ids = {o.username: o.id for o in session.scalars(select(Official))}
    return World(client, session_factory, ids)


def test_every_operation_is_in_the_table(client):
    spec = client.get("/api/v1/openapi.json").json
    operations = {(method.upper(), path) for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    assert operations - set(EXPECT) == set(), "operations without a row in the authorization table"
    assert set(EXPECT) - operations == set(), "rows for operations the API no longer has"


def test_every_operation_for_every_role_in_and_out_of_scope(client, world):
    mismatches = []
    for operation, expectations in EXPECT.items():
        for scope in ("in", "out"):
            for role in ROLES:
                method, url, arguments, probe = _request(world, operation, role, scope)
                headers = arguments.pop("headers", None) or world.as_(LOGINS[role])
                response = client.open(url, method=method, headers=headers, **arguments)
                outcome = _outcome(response, probe)
                expected = expectations[scope][role]
                if outcome != expected:
                    mismatches.append(f"{method} {url} as {role} ({scope}): {outcome}, expected {expected} "
                                      f"{response.get_data(as_text=True)[:160]}")
                if outcome == "403":
                    assert "(" in response.json["message"] and ")" in response.json["message_en"]
                consumed = next((kind for suffix, kind in CONSUMES.items() if operation[1].endswith(suffix)), None)
                if outcome == "ok" and consumed:
                    world.consume(consumed, scope)
    assert mismatches == []


def test_without_a_sign_in_only_the_public_operations_answer(client):
    public = {("POST", "/api/v1/auth/login"), ("GET", "/api/v1/procedures"), ("GET", "/api/v1/procedures/{key}"),
              ("GET", "/api/v1/public/dossiers/{code}"), ("POST", "/api/v1/public/dossiers/{code}/rating")}
    for method, path in EXPECT:
        url = path.replace("{key}", "enterprise_registration").replace("{ref}", "X").replace(
            "{task_id}", "00000000-0000-0000-0000-000000000000").replace("{kind}", "receipt").replace(
            "{fmt}", "html").replace("{view}", "queue").replace("{username}", "chuyenvien").replace(
            "{leave_id}", "1").replace("{number}", "1").replace("{year}", "2026").replace("{day}", "2026-12-24")
        url = url.replace("{code}", "X")
        status = client.open(url, method=method, json={}).status_code
        assert (status != 401) == ((method, path) in public), (method, path, status)
