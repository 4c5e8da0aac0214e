"""bench.throughput's workload: every step of its flows exists in the procedure's diagram with valid
form data, and the targets read the 2-worker, 8-client row."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from bench.throughput import certified_copy_flow, enterprise_flow, fill, targets

LIBRARY = Path(__file__).resolve().parents[3] / "bpmn"


def _forms_of_user_tasks(procedure: str) -> dict[str, str]:
    """element id -> form schema file name, read from the diagram's userTask properties."""
    text = (LIBRARY / procedure / f"{procedure}.bpmn").read_text(encoding="utf-8")
    forms = {}
    for match in re.finditer(r'<bpmn:userTask id="([^"]+)".*?</bpmn:userTask>', text, re.S):
        form = re.search(r'name="formJsonSchemaFilename" value="([^"]+)"', match.group(0))
        if form:
            forms[match.group(1)] = form.group(1)
    return forms


def test_every_step_of_each_flow_is_a_user_task_and_its_data_fits_the_form() -> None:
    for flow in (enterprise_flow(), certified_copy_flow("hcc_ha_long", "ubnd_phuong_ha_long")):
        forms = _forms_of_user_tasks(flow.procedure)
        for element, (_who, data) in flow.steps.items():
            assert element in forms, (flow.procedure, element)
            schema = json.loads((LIBRARY / flow.procedure / "forms" / forms[element]).read_text(encoding="utf-8"))
            jsonschema.validate(fill(data, "Phạm Thị Hoa", "2026-11-27"), schema)


def test_placeholders_are_filled_and_other_values_kept() -> None:
    data = {"recipient_name": "$applicant", "delivered_on": "$date", "fee_receipt_number": "$receipt",
            "copies": [1, "$date"], "channel": "counter"}
    assert fill(data, "An", "2026-11-27") == {"recipient_name": "An", "delivered_on": "2026-11-27",
                                              "fee_receipt_number": "BL-0001234", "copies": [1, "2026-11-27"],
                                              "channel": "counter"}


def test_targets_read_the_two_worker_eight_client_row() -> None:
    rows = [{"workers": 2, "clients": 8, "completions_per_s": 130.0, "errors": 0, "cpu_ms_per_request": 3.0},
            {"workers": 4, "clients": 32, "completions_per_s": 20.0, "errors": 5, "cpu_ms_per_request": 9.0}]
    assert [(c["value"], c["met"]) for c in targets(rows)] == [(130.0, True), (0, True), (3.0, False)]
