"""The per-dossier SHA-256 chain: stable encoding, and any edit breaks it."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.history.recorder import HistoryBuffer, chain_hash
from engine.persistence.models import Dossier

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _buffer() -> HistoryBuffer:
    return HistoryBuffer(Dossier(id=7, event_count=0, last_event_hash=None))


def test_events_are_numbered_and_chained():
    buffer = _buffer()
    first = buffer.add("dossier_received", AT, actor_name="Nguyễn Thị Lan", payload={"kênh": "trực tiếp"})
    second = buffer.add("step_ready", AT, element_id="appraise_dossier")
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["prev_hash"] is None and second["prev_hash"] == first["hash"]
    assert buffer.head_values() == {"event_count": 2, "last_event_hash": second["hash"]}
    assert second["hash"] == chain_hash(first["hash"], second)


def test_the_hash_covers_every_field_and_the_previous_hash():
    buffer = _buffer()
    event = buffer.add("task_completed", AT, actor_name="Trần Văn Minh", payload={"data": {"a": 1}})
    for field, value in [("actor_name", "Người khác"), ("payload", {"data": {"a": 2}}),
                         ("at", AT.replace(minute=1)), ("element_id", "x"), ("seq", 2)]:
        assert chain_hash(None, {**event, field: value}) != event["hash"], field
    assert chain_hash("0" * 64, event) != event["hash"]


def test_key_order_of_the_payload_does_not_change_the_hash():
    event = _buffer().add("task_completed", AT, payload={"b": 1, "a": [1, 2]})
    assert chain_hash(None, {**event, "payload": {"a": [1, 2], "b": 1}}) == event["hash"]
