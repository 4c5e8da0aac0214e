"""Speed of the leaders' dashboards on a large PostgreSQL history, and what keeping them current costs.

Run from the project root::

    python -m bench.statistics --json                      # 1,000,000 dossiers (a few minutes to load)
    python -m bench.statistics --dossiers 100000           # quicker
    python -m bench.statistics --quick                     # 20,000 dossiers: a smoke run

Progress goes to stderr; ``--json`` prints exactly one JSON object on stdout. Benchmarks print
figures; they never assert. The machine is shared: the load average is printed beside the figures.

What happens:

1. A scratch database ``motcua_statistics_bench`` is (re)created, migrated, and dropped at the end.
2. Reference rows: 6 centers (a provincial one and 5 below it), 8 departments of 2 divisions each
   plus the three units enterprise_registration is bound to, 10 officials a unit, 8 procedures of
   3 steps each (one per department). Then, in SQL (``generate_series``, not through the engine):
   N dossiers received over the past year, evenly and in the order of their ids as a center's are
   (so the open ones sit in the table's last pages), at the six centers (most of the last 12 days still
   open, 5 % refused, 5 % withdrawn, some late, some supplemented, a few late by a second
   request), 3 steps each (the open ones up to their current step, claimed or in the unit's
   queue), one reassignment per 100 dossiers; each dossier's reached units; and the daily figures
   those dossiers add up to, grouped from them as the commands would have kept them. ANALYZE.
3. Dashboard queries, each through ``engine.statistics.report`` with a real Session, as the
   provincial center leader (every center), a local center and a unit leader: period figures
   (this month and the past year), the trend, the tables by unit and by official, the steps, the
   overdue and due-soon lists, a drill-down (late dossiers of the year) and the supervisors'
   watchlist. ``--runs`` runs of each, shuffled together after a warm-up; p50 and p95 in ms.
4. Upkeep: enterprise_registration is deployed and ``--completions`` steps are completed through
   the engine (appraise, approve, return), each its own transaction, with the figures kept; as
   many again without them (``record_command`` replaced by one that adds nothing), dossier by
   dossier in turn. The cost added to a completion is measured where the figures add work: per
   step, the median with minus the median without of building the rows (``record_command``), of
   the dossier's UPDATE that carries them (``write_dossier``; on PostgreSQL the journals' INSERTs
   are CTEs of it, elsewhere statements just before it) and of the commit; summed, averaged over
   the three steps. Beside it the whole completion with minus without, with a 95 % bootstrap
   interval: it holds everything, but a completion of some 20 ms varies by milliseconds, so it
   pins the cost only to a few tenths of a millisecond even over thousands of completions. Then
   the time spent computing the figures and the statements each completion runs with and without
   them (on PostgreSQL the dossier's UPDATE carries the figures: none are added).
   Then the scheduler's side: one fold of the rows those completions appended to the figures'
   journals into the day rows (engine.statistics.fold), its time and rows.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics as stats
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

DB_NAME = "motcua_statistics_bench"
SERVER_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"  # CREATE / DROP DATABASE only
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
ZONE = "Asia/Ho_Chi_Minh"
DEPARTMENTS = 8
TARGET_P95_MS = 200.0
TARGET_UPKEEP_MS = 0.5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quantile_ms(samples: list[float], q: float) -> float:
    if len(samples) < 2:
        return samples[0] * 1000 if samples else float("nan")
    return stats.quantiles(samples, n=100, method="inclusive")[round(q * 100) - 1] * 1000


def create_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


# ------------------------------------------------------------------------------------ reference rows


def load_reference(session: Any, now: datetime) -> dict[str, Any]:
    """Centers, units, officials, procedures with explicit ids the bulk SQL below refers to."""
    from engine.persistence.models import (
        Center,
        Official,
        Procedure,
        ProcedureVersion,
        Unit,
        VersionState,
    )

    centers = [Center(id=1, code="hcc_tinh", name="Trung tâm Phục vụ hành chính công tỉnh",
                      agency_identifier="000.00.00.H00", kind="provincial")]
    centers += [Center(id=i, code=f"hcc_{i}", name=f"Trung tâm {i}", agency_identifier=f"000.00.{i:02d}.H00",
                       kind="local", parent_id=1) for i in range(2, 7)]
    session.add_all(centers)
    units = [Unit(id=1, code="trung_tam_hcc", name="Bộ phận Một cửa", kind="desk"),
             Unit(id=2, code="so_tai_chinh", name="Sở Tài chính", kind="department"),
             Unit(id=3, code="so_tai_chinh.phong_dkkd", name="Phòng Đăng ký kinh doanh", kind="division",
                  parent_id=2)]
    for p in range(DEPARTMENTS):  # department 10 + 3p, its divisions 11 + 3p and 12 + 3p
        units.append(Unit(id=10 + 3 * p, code=f"so_{p + 1}", name=f"Sở {p + 1}", kind="department"))
        for d in (1, 2):
            units.append(Unit(id=10 + 3 * p + d, code=f"so_{p + 1}.phong_{d}", name=f"Phòng {d} Sở {p + 1}",
                              kind="division", parent_id=10 + 3 * p))
    session.add_all(units)
    session.flush()
    for unit in units:  # officials 10 * unit + 1..10; the first of a department leads it
        for j in range(1, 11):
            role = "unit_leader" if j == 1 and unit.kind == "department" else \
                "reception" if unit.code == "trung_tam_hcc" else "specialist"
            session.add(Official(id=unit.id * 10 + j, username=f"u{unit.id}_{j}", full_name=f"Cán bộ {unit.id}.{j}",
                                 password_hash="-", unit_id=unit.id, center_id=1, active=True, created_at=now,
                                 roles=[role]))
    session.add(Official(id=9001, username="giamdoc", full_name="Giám đốc", password_hash="-", unit_id=1, center_id=1,
                         active=True, created_at=now, roles=["center_leader"]))
    session.add(Official(id=9002, username="giamdoc_2", full_name="Giám đốc 2", password_hash="-", unit_id=1,
                         center_id=2, active=True, created_at=now, roles=["center_leader"]))
    for p in range(DEPARTMENTS):
        session.add(Procedure(id=p + 1, key=f"proc_{p + 1}", name=f"Thủ tục {p + 1}", created_at=now))
        session.flush()
        session.add(ProcedureVersion(
            id=p + 1, procedure_id=p + 1, version=1, content_hash=f"h{p}", process_id=f"proc_{p + 1}", bpmn_xml="",
            spec_json="", forms={}, metadata_={}, deployed_at=now, state=VersionState.ACTIVE,
            elements={f"step_{k}": {"name": f"Bước {k}", "type": "userTask"} for k in (1, 2, 3)}))
    session.flush()
    return {"center_leader": 9001, "local_leader": 9002, "unit_leader": 10 * 10 + 1}


# The bulk rows, in SQL. Per dossier i: procedure p = i % 8, received at the provincial center
# (procedures 1-4) or one of the five local ones (5-8, as commune-level procedures are), received
# evenly over the past year in the order of i (rows are written as dossiers arrive), ``took`` 0-9
# days of a 7-day limit.
DOSSIERS_SQL = """
INSERT INTO dossier (id, code, lookup_secret, procedure_version_id, center_id, channel, status, applicant_name,
    search_text, applicant, received_at, due_at, original_due_at, paused_at, paused_reason, paused_seconds,
    supplement_requests, extended, late_by_rule, timeliness, deadline_state, apply_col, completed_at, state, data,
    row_version, event_count)
SELECT i, 'B-' || i, 'X', 1 + i % 8, CASE WHEN i % 8 < 4 THEN 1 ELSE 2 + (i / 8) % 5 END,
    CASE WHEN i % 3 = 0 THEN 'online' ELSE 'direct' END,
    CASE WHEN NOT closed THEN CASE WHEN i % 17 = 0 THEN 'awaiting_supplement' ELSE 'processing' END
         WHEN i % 20 = 0 THEN 'refused' WHEN i % 20 = 1 THEN 'withdrawn' ELSE 'completed' END,
    'Nguyễn Văn ' || i, 'b-' || i || ' nguyen van', '{}', received, received + interval '7 days',
    received + interval '7 days',
    CASE WHEN NOT closed AND i % 17 = 0 THEN received + interval '1 day' END,
    CASE WHEN NOT closed AND i % 17 = 0 THEN 'supplement' END, 0,
    CASE WHEN i % 97 = 0 THEN 2 WHEN i % 13 = 0 THEN 1 ELSE 0 END, false, i % 97 = 0,
    CASE WHEN NOT closed OR i % 20 = 1 THEN NULL
         WHEN i % 97 = 0 OR took > 7 THEN 'late' WHEN took < 7 THEN 'early' ELSE 'on_time' END,
    'on_track', false, CASE WHEN closed THEN received + took * interval '1 day' END, '', '{}', 'r', 0
FROM (
    SELECT i, received, took,
           received + took * interval '1 day' <= now_at AND NOT (received > now_at - interval '12 days' AND i % 4 <> 0)
               AS closed
    FROM (SELECT i, %(now)s::timestamptz AS now_at,
                 %(now)s::timestamptz - ((%(n)s - i) * 31536000.0 / %(n)s) * interval '1 second' AS received,
                 (i * 31) %% 10 + 0.05 AS took
          FROM generate_series(1, %(n)s) AS i) AS g
) AS d
""".replace("apply_col", "apology_required")

TASKS_SQL = """
INSERT INTO human_task (id, dossier_id, element_id, name, lane, department, candidate_role, stage, status,
    assignee_id, procedure_key, center_id, dossier_code, search_text, ready_at, claimed_at, completed_at,
    completed_by_id, due_at, deadline_state)
SELECT md5(d.id || '-' || k)::uuid, d.id, 'step_' || k, 'Bước ' || k, 'lane', u.code, 'specialist', 'appraise',
    CASE WHEN done THEN 'completed' WHEN d.id % 2 = 0 THEN 'claimed' ELSE 'ready' END,
    CASE WHEN done OR d.id % 2 = 0 THEN u.id * 10 + 1 + d.id % 10 END, 'proc_' || (1 + d.id % 8), d.center_id,
    d.code, d.search_text, ready, CASE WHEN done OR d.id % 2 = 0 THEN ready END, CASE WHEN done THEN finish END,
    CASE WHEN done THEN u.id * 10 + 1 + d.id % 10 END, ready + interval '2 days', 'on_track'
FROM (SELECT d.*, k, 10 + 3 * (d.id % 8) + k % 3 AS unit_id,
             d.received_at + (k - 1) * span / 3 AS ready, d.received_at + k * span / 3 AS finish,
             d.completed_at IS NOT NULL OR d.received_at + k * span / 3 <= %(now)s::timestamptz AS done
      FROM (SELECT d.*, ((d.id * 31) %% 10 + 0.05) * interval '1 day' AS span FROM dossier d) AS d
      CROSS JOIN generate_series(1, 3) AS k) AS d
JOIN unit u ON u.id = d.unit_id
WHERE d.ready <= %(now)s::timestamptz AND (d.done OR d.completed_at IS NULL)
  AND (d.status <> 'withdrawn' OR d.done)
"""

# Each dossier's reached units (its steps' units and the units above them), as the commands keep them.
REACHED_SQL = """
UPDATE dossier d SET reached_units = r.units
FROM (SELECT t.dossier_id, json_agg(DISTINCT x.code ORDER BY x.code) AS units
      FROM (SELECT DISTINCT dossier_id, department FROM human_task) AS t
      JOIN unit u ON u.code = t.department
      LEFT JOIN unit p ON p.id = u.parent_id
      CROSS JOIN LATERAL (VALUES (u.code), (p.code)) AS x(code)
      WHERE x.code IS NOT NULL
      GROUP BY t.dossier_id) AS r
WHERE r.dossier_id = d.id
"""

# The daily figures, grouped from the rows above as the commands would have kept them.
DOSSIER_DAY_SQL = f"""
INSERT INTO stat_dossier_day (day, center_id, procedure_key, unit, received, received_online, finished, early,
    on_time, late, refused, stopped, supplemented, decided, used_seconds, allowed_seconds)
SELECT day, center_id, key, unit, sum(received), sum(online), sum(finished), sum(early), sum(on_time), sum(late),
       sum(refused), sum(stopped), sum(supplemented), sum(decided), sum(used), sum(allowed)
FROM (
    SELECT (d.received_at AT TIME ZONE '{ZONE}')::date AS day, d.center_id, 'proc_' || (1 + d.id % 8) AS key,
           x.unit, 1 AS received, CASE WHEN x.unit = '' AND d.channel = 'online' THEN 1 ELSE 0 END AS online,
           0 AS finished, 0 AS early, 0 AS on_time, 0 AS late, 0 AS refused, 0 AS stopped, 0 AS supplemented,
           0 AS decided, 0 AS used, 0 AS allowed
    FROM dossier d CROSS JOIN LATERAL (VALUES (''), ('so_' || (1 + d.id % 8)), ('so_' || (1 + d.id % 8) || '.phong_1'),
                                              ('so_' || (1 + d.id % 8) || '.phong_2')) AS x(unit)
    UNION ALL
    SELECT (d.completed_at AT TIME ZONE '{ZONE}')::date, d.center_id, 'proc_' || (1 + d.id % 8), x.unit, 0, 0, 1,
           (v = 'early')::int, (v = 'on_time')::int, (v = 'late')::int, (d.status = 'refused')::int,
           (d.status = 'withdrawn')::int, (d.supplement_requests > 0)::int, (d.status <> 'withdrawn')::int,
           CASE WHEN d.status <> 'withdrawn' THEN ((d.id * 31) % 10) * 28800 ELSE 0 END,
           CASE WHEN d.status <> 'withdrawn' THEN 5 * 28800 ELSE 0 END
    FROM (SELECT d.*, coalesce(d.timeliness, CASE WHEN d.completed_at > d.due_at THEN 'late' ELSE 'early' END) AS v
          FROM dossier d WHERE d.completed_at IS NOT NULL) AS d
    CROSS JOIN LATERAL (VALUES (''), ('so_' || (1 + d.id % 8)), ('so_' || (1 + d.id % 8) || '.phong_1'),
                               ('so_' || (1 + d.id % 8) || '.phong_2')) AS x(unit)
) AS rows
GROUP BY day, center_id, key, unit
"""

OFFICIAL_DAY_SQL = """
INSERT INTO stat_official_day (day, official_id, center_id, procedure_key, unit, element_id, completed, early,
    on_time, late, worked_seconds, allotted_seconds, allotted_steps, {histogram})
SELECT (completed_at AT TIME ZONE '{zone}')::date, completed_by_id, center_id, procedure_key, department, element_id,
       {step_sums}, {sums}
FROM ({steps}) AS t
GROUP BY 1, 2, 3, 4, 5, 6
"""
_STEPS = ("SELECT t.*, extract(epoch FROM completed_at - ready_at)::bigint / 3 AS worked FROM human_task t "
          "WHERE status = 'completed'")
_STEP_SUMS = ("count(*), sum((completed_at::date < due_at::date)::int), "
              "sum((completed_at <= due_at AND completed_at::date = due_at::date)::int), "
              "sum((completed_at > due_at)::int), sum(worked), count(*) * 57600, count(*)")


def official_day_sql() -> str:
    """The officials' daily step figures, histogram included, grouped from the task rows."""
    from engine.persistence.models import STEP_HISTOGRAM_COLUMNS, STEP_HOUR_BUCKETS

    bounds = [0, *[b * 3600 for b in STEP_HOUR_BUCKETS], None]
    sums = []
    for lower, upper in zip(bounds, bounds[1:], strict=False):
        condition = f"worked > {lower}" if upper is None else f"worked > {lower} AND worked <= {upper}"
        if lower == 0:
            condition = f"worked <= {upper}"
        sums.append(f"sum(({condition})::int)")
    return OFFICIAL_DAY_SQL.format(histogram=", ".join(STEP_HISTOGRAM_COLUMNS), zone=ZONE, sums=", ".join(sums),
                                   step_sums=_STEP_SUMS, steps=_STEPS)


NOTABLE_SQL = """
INSERT INTO history_event (dossier_id, seq, at, event_type, actor_id, actor_name, element_name, payload, hash)
SELECT id, 1000, received_at + interval '2 hours', 'task_reassigned', 9001, 'Giám đốc', 'Bước 1',
       '{"reason": "Cán bộ nghỉ phép", "to": "Cán bộ khác"}', 'x'
FROM dossier WHERE id % 100 = 0
"""


def load(session: Any, n: int, now: datetime) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for name, sql in (("dossiers", DOSSIERS_SQL), ("tasks", TASKS_SQL), ("reached_units", REACHED_SQL),
                      ("dossier_day", DOSSIER_DAY_SQL),
                      ("official_day", official_day_sql()),
                      ("notable_events", NOTABLE_SQL)):
        started = time.perf_counter()
        # Our own two values, written into the text: the SQL is then the same with or without parameters.
        text = sql.replace("%%", "%").replace("%(now)s", f"'{now.isoformat()}'").replace("%(n)s", str(n))
        # psycopg's own cursor, with no parameters: it then leaves every % of the SQL alone.
        session.connection().connection.cursor().execute(text)
        seconds[name] = round(time.perf_counter() - started, 1)
        log(f"  {name}: {seconds[name]} s")
    for table in ("center", "unit", "official", "procedure", "procedure_version", "dossier", "history_event"):
        # Rows were given their ids: move each sequence past them, so the engine's own inserts fit.
        session.connection().exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    session.commit()
    return seconds


# ------------------------------------------------------------------------------------------ queries


def cases(ids: dict[str, int], today: date) -> list[tuple[str, int, Callable[..., Any], dict[str, Any]]]:
    from engine.statistics import report
    from engine.statistics.lists import Drill
    from engine.statistics.period import Period
    from engine.statistics.reach import ScopeRequest

    year = Period(today - timedelta(days=364), today)
    month = Period(today.replace(day=1), today)
    whole, local = ScopeRequest(), ScopeRequest(center="hcc_3")

    def drill(session: Any, reader: Any, request: Any, period: Any) -> Any:
        return report.dossiers_of(session, reader, request, period, Drill.LATE, 200)

    leader, local_leader, unit_leader = ids["center_leader"], ids["local_leader"], ids["unit_leader"]
    return [
        ("figures_province_month", leader, report.figures_of, {"request": whole, "period": month}),
        ("figures_province_year", leader, report.figures_of, {"request": whole, "period": year}),
        ("figures_center_year", leader, report.figures_of, {"request": local, "period": year}),
        ("figures_local_center_leader_year", local_leader, report.figures_of, {"request": whole, "period": year}),
        ("figures_unit_leader_year", unit_leader, report.figures_of, {"request": whole, "period": year}),
        ("trend_province_year", leader, report.trend_of, {"request": whole, "period": year}),
        ("units_province_year", leader, report.units_of, {"request": whole, "period": year}),
        ("officials_province_year", leader, report.officials_of, {"request": whole, "period": year}),
        ("officials_unit_leader_year", unit_leader, report.officials_of, {"request": whole, "period": year}),
        ("steps_province_year", leader, report.steps_of, {"request": whole, "period": year}),
        ("indicators_province_year", leader, report.indicators_of, {"request": whole, "period": year}),
        ("overdue_province", leader, lambda s, r, request, period: report.overdue_of(s, r, request),
         {"request": whole, "period": month}),
        ("drill_late_province_year", leader, drill, {"request": whole, "period": year}),
        ("watchlist_province_month", leader, report.watchlist_of, {"request": whole, "period": month}),
    ]


def measure_queries(factory: Any, ctx: Any, ids: dict[str, int], runs: int, now: datetime) -> list[dict[str, Any]]:
    from engine.persistence.models import Official
    from engine.statistics.report import Reader

    today = ctx.today()
    all_cases = cases(ids, today)
    order = [c for c in all_cases for _ in range(runs)]
    random.Random(15).shuffle(order)
    samples: dict[str, list[float]] = {name: [] for name, *_ in all_cases}
    # As a production worker does before its first request (api.gunicorn_config.post_worker_init):
    # what start-up built is kept out of the collector's sight, so a full collection walking it
    # does not land in whichever query happens to trigger it.
    gc.collect()
    gc.freeze()
    for warm_up in (True, False):
        for name, official_id, function, kwargs in (all_cases if warm_up else order):
            with factory() as session:
                official = session.get(Official, official_id)
                reader = Reader(official, now, today, ctx.calendar)
                started = time.perf_counter()
                function(session, reader, kwargs["request"], kwargs["period"])
                if not warm_up:
                    samples[name].append(time.perf_counter() - started)
    return [{"query": name, "runs": len(s), "p50_ms": round(quantile_ms(s, 0.5), 1),
             "p95_ms": round(quantile_ms(s, 0.95), 1), "meets_target": quantile_ms(s, 0.95) <= TARGET_P95_MS}
            for name, s in samples.items()]


# ------------------------------------------------------------------------------------------- upkeep


def measure_upkeep(factory: Any, ctx: Any, completions: int) -> dict[str, Any]:
    """Complete steps through the engine with and without the figures, dossier by dossier in turn."""
    from pathlib import Path

    from sqlalchemy import event, select

    import engine.runtime.workflow as workflow_module
    from demo.step_data import ENTERPRISE
    from engine.deployment.deploy import deploy_procedure
    from engine.deployment.lifecycle import activate_version
    from engine.deployment.package import load_package
    from engine.persistence.models import OPEN_TASK_STATUSES, HumanTask, Official
    from engine.runtime.command import Actor
    from engine.runtime.dossiers import start_dossier
    from engine.runtime.tasks import complete_task

    system = Actor(None, "bench")
    root = Path(__file__).resolve().parent.parent / "bpmn" / "enterprise_registration"
    with factory.begin() as session:
        package = load_package(root)
        result = deploy_procedure(session, package, clock=ctx.clock, actor=system)
        activate_version(session, package.key, result.version.version, actor=system, reason="bench", clock=ctx.clock)
        people = {o.unit.code: Actor(o.id, o.full_name) for o in session.scalars(
            select(Official).where(Official.id.in_([11, 21, 31])))}
    data = {"applicant": {"applicant_name": "Nguyễn Văn An", "id_number": "022086001234", "phone": "0912345678",
                          "address": "Phường Hồng Gai, tỉnh Quảng Ninh"},
            "enterprise_name": "Công ty TNHH Thương mại Hạ Long Xanh",
            "head_office_address": "Số 1 đường Trần Hưng Đạo, phường Hồng Gai, tỉnh Quảng Ninh",
            "charter_capital_vnd": 2_000_000_000, "business_lines": ["Bán lẻ hàng hóa"], "owner_type": "individual",
            "documents": ["registration_application", "company_charter", "owner_legal_papers"],
            "result_delivery": "counter"}
    values = {"applicant": "Nguyễn Văn An", "date": "2026-12-01"}
    steps = {"appraise_dossier": ENTERPRISE["appraise_ok"], "approve_dossier": ENTERPRISE["sign"],
             "return_result": {k: (values[v[1:]] if isinstance(v, str) and v.startswith("$") else v)
                               for k, v in ENTERPRISE["return"].items()}}
    unit_for = {"appraise_dossier": "so_tai_chinh.phong_dkkd", "approve_dossier": "so_tai_chinh",
                "return_result": "trung_tam_hcc"}
    parts = Parts(workflow_module)
    samples: dict[str, dict[str, list[float]]] = {mode: {step: [] for step in steps} for mode in RECORDERS}
    statements = dict.fromkeys(RECORDERS, 0)

    def count(*_: Any) -> None:
        if parts.current:
            statements[parts.current[0]] += 1

    event.listen(factory.kw["bind"], "before_cursor_execute", count)
    problems: list[str] = []
    dossiers = 0
    while sum(len(times) for times in samples["with"].values()) < completions:
        mode = RECORDERS[dossiers % 2]
        dossiers += 1
        try:
            with parts.recording(mode):
                with factory.begin() as session:
                    dossier_id = start_dossier(session, ctx, "enterprise_registration",
                                               actor=people["trung_tam_hcc"], center_code="hcc_tinh", data=data).id
                for _ in range(3):
                    with factory() as session:
                        task = session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                                      HumanTask.status.in_(OPEN_TASK_STATUSES)))
                    if task is None:
                        break
                    parts.current = (mode, task.element_id)
                    started = time.perf_counter()
                    with factory() as session:
                        session.begin()
                        complete_task(session, ctx, task.id, actor=people[unit_for[task.element_id]],
                                      data=steps[task.element_id])
                        committing = time.perf_counter()
                        session.commit()
                        parts.add("commit", time.perf_counter() - committing)
                    samples[mode][task.element_id].append(time.perf_counter() - started)
                    parts.current = None
        except Exception as error:  # noqa: BLE001 - reported, the bench goes on without upkeep figures
            problems.append(f"{mode}: {error}")
            break
    event.remove(factory.kw["bind"], "before_cursor_execute", count)
    return upkeep_report(samples, parts, statements, round_trip_ms(factory), problems)


RECORDERS = ("with", "without")
PARTS = ("record_command", "write_dossier", "commit")
"""Where keeping the figures adds work to a completion: building the rows, the dossier's UPDATE that
carries them (on PostgreSQL; elsewhere the INSERTs just before it), and the commit that flushes them."""


class Parts:
    """Times the three places of ``PARTS`` for each (mode, step), while a completion is being timed.

    Without the figures ``record_command`` is replaced by one that adds nothing; the rest runs as is.
    """

    def __init__(self, workflow_module: Any) -> None:
        self.module = workflow_module
        self.current: tuple[str, str] | None = None
        self.times: dict[tuple[str, str, str], list[float]] = {}
        self.original = {name: getattr(workflow_module, name) for name in ("record_command", "write_dossier")}

    def add(self, part: str, seconds: float) -> None:
        if self.current:
            self.times.setdefault((*self.current, part), []).append(seconds)

    def recording(self, mode: str) -> Any:
        import contextlib

        record = self.original["record_command"] if mode == "with" else lambda *_args, **_kwargs: []

        @contextlib.contextmanager
        def patched() -> Any:
            self.module.record_command = self._timed("record_command", record)
            self.module.write_dossier = self._timed("write_dossier", self.original["write_dossier"])
            try:
                yield
            finally:
                for name, function in self.original.items():
                    setattr(self.module, name, function)
        return patched()

    def _timed(self, part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(part, time.perf_counter() - started)
        return timed

    def median_ms(self, mode: str, step: str, part: str) -> float:
        times = self.times.get((mode, step, part))
        return stats.median(times) * 1000 if times else float("nan")

    def added_ms(self, step: str) -> dict[str, float]:
        """Per part, the median with the figures minus the median without, for one step."""
        return {part: round(self.median_ms("with", step, part) - self.median_ms("without", step, part), 3)
                for part in PARTS}


def median_difference_interval(samples: dict[str, dict[str, list[float]]], steps: list[str],
                               rounds: int = 1000) -> tuple[float, float]:
    """A 95 % bootstrap interval of the whole-completion figure (mean over steps of median with
    minus median without): how far the noise of this machine lets that difference be trusted."""
    chance = random.Random(15)
    means = []
    for _ in range(rounds):
        differences = [stats.median(chance.choices(samples["with"][step], k=len(samples["with"][step])))
                       - stats.median(chance.choices(samples["without"][step], k=len(samples["without"][step])))
                       for step in steps]
        means.append(stats.fmean(differences) * 1000)
    means.sort()
    return round(means[int(rounds * 0.025)], 3), round(means[int(rounds * 0.975) - 1], 3)


def upkeep_report(samples: dict[str, dict[str, list[float]]], parts: Parts, statements: dict[str, int],
                  round_trip: dict[str, float], problems: list[str]) -> dict[str, Any]:
    """The cost the figures add to a completion, two ways, and the rest.

    ``upkeep_mean_ms``: where the work is added (``PARTS``), per step the median with minus the
    median without of each part, summed, averaged over the steps. ``whole_completion``: the
    completion's time with the figures minus without (medians), the same way, with its bootstrap
    interval: it holds everything (later statements slowed, the server's background work too) but
    a completion takes some 20 ms here and varies by milliseconds, so it shows the cost only to
    within a few tenths of a millisecond even over thousands of completions.
    """
    done = {mode: sum(len(times) for times in by_step.values()) for mode, by_step in samples.items()}
    steps = [step for step in samples["with"] if samples["with"][step] and samples["without"][step]]
    whole = {step: round((stats.median(samples["with"][step]) - stats.median(samples["without"][step])) * 1000, 3)
             for step in steps}
    by_part = {step: parts.added_ms(step) for step in steps}
    added = stats.fmean(sum(part.values()) for part in by_part.values()) if by_part else float("nan")
    whole_mean = stats.fmean(whole.values()) if whole else float("nan")
    computing = [t for (mode, _, part), times in parts.times.items() if mode == "with" and part == "record_command"
                 for t in times]
    return {"completions": done["with"], "completions_without": done["without"],
            "upkeep_mean_ms": round(added, 3), "upkeep_by_step_ms": by_part,
            "whole_completion": {"mean_ms": round(whole_mean, 3), "by_step_ms": whole,
                                 "interval_95_ms": median_difference_interval(samples, steps) if steps else None},
            "completion_median_ms": {mode: round(stats.median([t for times in by_step.values() for t in times]) * 1000,
                                                 2) if done[mode] else None for mode, by_step in samples.items()},
            "computing_mean_ms": round(stats.fmean(computing) * 1000, 3) if computing else None,
            "statements_per_completion": {mode: round(statements[mode] / done[mode], 2) if done[mode] else None
                                          for mode in statements},
            "round_trip_ms": round_trip, "meets_target": added <= TARGET_UPKEEP_MS, "problems": problems}


def measure_fold(factory: Any) -> dict[str, Any]:
    """The scheduler's side of the upkeep: folding what the timed completions appended to the journals."""
    from sqlalchemy import func, select

    from engine.persistence.models import DOSSIER_DAY_JOURNAL, OFFICIAL_DAY_JOURNAL
    from engine.statistics.fold import fold_figures

    with factory() as session:
        appended = sum(session.scalar(select(func.count()).select_from(journal)) or 0
                       for journal in (DOSSIER_DAY_JOURNAL, OFFICIAL_DAY_JOURNAL))
    started = time.perf_counter()
    with factory.begin() as session:
        touched = fold_figures(session)
    return {"journal_rows": appended, "day_rows_touched": touched,
            "ms": round((time.perf_counter() - started) * 1000, 2)}


def round_trip_ms(factory: Any, runs: int = 200) -> dict[str, float]:
    """The database's floor on this machine now: one ``SELECT 1`` in an open transaction."""
    samples = []
    with factory() as session:
        connection = session.connection()
        for _ in range(runs):
            started = time.perf_counter()
            connection.exec_driver_sql("SELECT 1").scalar()
            samples.append(time.perf_counter() - started)
    return {"p50": round(quantile_ms(samples, 0.5), 3), "mean": round(stats.fmean(samples) * 1000, 3)}


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.statistics", description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each dashboard query")
    parser.add_argument("--completions", type=int, default=1500, help="engine completions timed for the upkeep")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--quick", action="store_true",
                        help="a short run: 20,000 dossiers, 10 runs, 30 completions (python -m bench --quick)")
    args = parser.parse_args(argv)
    if args.quick:
        args.dossiers, args.runs, args.completions = 20_000, 10, 30

    from engine.calendar.clock import SystemClock
    from engine.db import make_db_engine, make_session_factory
    from engine.persistence.migrate import upgrade
    from engine.runtime.context import build_context
    from engine.settings import EngineSettings

    now = datetime.now(UTC)
    log(f"creating {DB_NAME} and loading {args.dossiers:,} dossiers")
    create_database()
    db_engine = make_db_engine(URL)
    try:
        upgrade(db_engine)
        factory = make_session_factory(db_engine)
        with factory() as session:
            ids = load_reference(session, now)
            session.commit()
            started = time.perf_counter()
            seconds = load(session, args.dossiers, now)
            session.commit()
        # VACUUM as autovacuum would have by now: the reached units' UPDATE left a dead row for each
        # dossier, which a day-old database would not be carrying.
        with db_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        with factory() as session:
            seconds["total"] = round(time.perf_counter() - started, 1)
            sizes = {table: session.connection().exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                     for table in ("dossier", "human_task", "stat_dossier_day", "stat_official_day",
                  "history_event")}
        log(f"loaded in {seconds['total']} s: {sizes}")
        ctx = build_context(EngineSettings(), SystemClock())
        log(f"timing {args.runs} runs of each dashboard query")
        queries = measure_queries(factory, ctx, ids, args.runs, now)
        log(f"timing the upkeep over {args.completions} completions")
        upkeep = measure_upkeep(factory, ctx, args.completions)
        upkeep["fold"] = measure_fold(factory)
    finally:
        db_engine.dispose()
        if not args.keep:
            drop_database()
    report = {"dossiers": args.dossiers, "rows": sizes, "load_seconds": seconds, "queries": queries,
              "worst_p95_ms": max(q["p95_ms"] for q in queries), "upkeep": upkeep,
              "target_p95_ms": TARGET_P95_MS, "target_upkeep_ms": TARGET_UPKEEP_MS,
              "load_average": os.getloadavg()[0], "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"{args.dossiers:,} dossiers; load average {report['load_average']:.1f} on {report['cpus']} CPUs")
        for q in queries:
            print(f"  {q['query']:<36} p50 {q['p50_ms']:>8.1f} ms   p95 {q['p95_ms']:>8.1f} ms")
        whole = upkeep["whole_completion"]
        print(f"  upkeep added to a completion: {upkeep['upkeep_mean_ms']} ms where it is added "
              f"(by step and part {upkeep['upkeep_by_step_ms']}); the whole completion with minus without "
              f"{whole['mean_ms']} ms, 95 % interval {whole['interval_95_ms']} (by step {whole['by_step_ms']}); "
              f"completion median with / without the figures {upkeep['completion_median_ms']['with']} / "
              f"{upkeep['completion_median_ms']['without']} ms over {upkeep['completions']} / "
              f"{upkeep['completions_without']}; computing them {upkeep['computing_mean_ms']} ms; statements "
              f"{upkeep['statements_per_completion']['with']} / {upkeep['statements_per_completion']['without']}; "
              f"SELECT 1 takes {upkeep['round_trip_ms']['p50']} ms here now)")
        fold = upkeep["fold"]
        print(f"  the scheduler's fold of those completions' {fold['journal_rows']} journal rows into "
              f"{fold['day_rows_touched']} day rows: {fold['ms']} ms")
        for problem in upkeep["problems"]:
            print(f"  upkeep problem: {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
