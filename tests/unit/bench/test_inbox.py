"""The inbox benchmark's generator loads the demo province's organisation (demo.org_plan) and puts
every task in a unit of it, with someone of that unit holding the claimed ones."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import patch

from bench.inbox import CONSULT_FALLBACK, DOSSIER_COLUMNS, STEPS, TASK_COLUMNS, GcPauses, Generator
from demo.org_plan import plan_org

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


class Lines:
    """Stands in for the COPY layout: the generator's columns as they are, one line per row."""

    def line(self, row: tuple[str, ...]) -> str:
        return "\t".join(row) + "\n"


def _generator() -> tuple[Generator, dict[str, list[dict[str, object]]]]:
    generator = Generator(7, NOW)
    return generator, generator.reference_rows()


def test_the_reference_rows_are_the_demo_organisation() -> None:
    _, rows = _generator()
    plan = plan_org()
    assert [c["code"] for c in rows["center"]] == [c.code for c in plan.centers]
    assert [u["code"] for u in rows["unit"]] == [u.code for u in plan.units]
    assert [(o["username"], o["full_name"]) for o in rows["official"]] == \
        [(o.username, o.full_name) for o in plan.officials]
    units = {u["id"]: u for u in rows["unit"]}
    assert all(u["parent_id"] is None or u["parent_id"] in units for u in units.values())


def test_every_queue_the_procedures_use_has_people() -> None:
    generator, rows = _generator()
    centers = [c["id"] for c in rows["center"]]
    for proc in generator.procs:
        for stage in STEPS:
            if STEPS[stage][2] == "consult":
                continue
            for center in centers:
                department, role, _lane = generator.queue_of(proc, stage, center)
                assert generator.picker(department, role, center) is not None, (proc.key, stage, department)
        for unit in proc.consult_units + CONSULT_FALLBACK:
            assert generator.picker(unit, "specialist", 1) is not None, (proc.key, unit)


def test_a_small_stream_puts_tasks_in_demo_units_held_by_their_people() -> None:
    generator, rows = _generator()
    dossiers: list[str] = []
    tasks: list[str] = []
    stats = generator.stream(300, 60, 3, Lines(), Lines(), dossiers.append, tasks.append)  # type: ignore[arg-type]
    dossier_rows = [dict(zip(DOSSIER_COLUMNS, line.split("\t"), strict=True))
                    for chunk in dossiers for line in chunk.splitlines()]
    task_rows = [dict(zip(TASK_COLUMNS, line.split("\t"), strict=True))
                 for chunk in tasks for line in chunk.splitlines()]
    assert len(dossier_rows) == 300 and "fold_mismatch" not in stats
    agencies = {c["agency_identifier"] for c in rows["center"]}
    assert {d["code"].split("-")[0] for d in dossier_rows} <= agencies
    unit_of = {o["id"]: o["unit_id"] for o in rows["official"]}
    unit_ids = {u["code"]: u["id"] for u in rows["unit"]}
    assert {t["department"] for t in task_rows} <= set(unit_ids)
    held = [t for t in task_rows if t["status"] in ("claimed", "completed")]
    assert held and all(unit_of[int(t["assignee_id"])] == unit_ids[t["department"]] for t in held)
    assert sum(t["status"] in ("ready", "claimed") for t in task_rows) == 60


def test_the_collectors_pauses_are_reported_by_generation() -> None:
    pauses = GcPauses()
    for generation, started, stopped in ((0, 1.0, 1.001), (0, 2.0, 2.003), (2, 3.0, 3.05)):
        with patch("bench.inbox.time.perf_counter", side_effect=[started, stopped]):
            pauses.observe("start", {"generation": generation})
            pauses.observe("stop", {"generation": generation, "collected": 0, "uncollectable": 0})
    assert pauses.report() == {"generation_0": {"count": 2, "max_ms": 3.0, "total_ms": 4.0},
                               "generation_2": {"count": 1, "max_ms": 50.0, "total_ms": 50.0}}
