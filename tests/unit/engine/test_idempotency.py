"""Idempotency keys: taken per official, the first answer kept, expired keys forgotten."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import IdempotencyKeyError
from engine.idempotency import StoredAnswer, check_key, record_answer, request_fingerprint, take_key
from engine.identity.officials import hash_password
from engine.persistence.models import IdempotencyKey, Official
from engine.scheduling import purge_idempotency_keys

DAY = timedelta(hours=24)


@pytest.fixture
def officials(session_factory, clock):
    with session_factory.begin() as session:
        rows = [Official(username=name, full_name=name, password_hash=hash_password("x"), roles=["reception"],
                         active=True, created_at=clock.now()) for name in ("lan", "minh")]
        session.add_all(rows)
    return [row.id for row in rows]


def _take(session_factory, official_id, key, fingerprint, now):
    with session_factory.begin() as session:
        stored = take_key(session, official_id, key, fingerprint, now, DAY)
        if stored is None:
            record_answer(session, official_id, key, 201, '{"code": "A"}')
        return stored


def test_the_first_answer_is_kept_for_the_same_request_of_the_same_official(session_factory, clock, officials):
    lan, minh = officials
    fingerprint = request_fingerprint("POST", "/api/v1/dossiers", b'{"a": 1, "b": [1, 2]}')
    assert _take(session_factory, lan, "k-1", fingerprint, clock.now()) is None
    assert _take(session_factory, lan, "k-1", fingerprint, clock.now()) == StoredAnswer(201, '{"code": "A"}')
    assert _take(session_factory, minh, "k-1", fingerprint, clock.now()) is None  # keys are per official


def test_json_bodies_compare_by_meaning_and_paths_matter():
    same = request_fingerprint("POST", "/p", b'{"a": 1, "b": 2}')
    assert same == request_fingerprint("POST", "/p", b'{ "b": 2,\n "a": 1 }')
    assert same != request_fingerprint("POST", "/p", b'{"a": 1, "b": 3}')
    assert same != request_fingerprint("POST", "/q", b'{"a": 1, "b": 2}')
    assert request_fingerprint("POST", "/p", b"not json") != request_fingerprint("POST", "/p", b"not json!")


def test_a_key_reused_for_another_request_is_refused(session_factory, clock, officials):
    first = request_fingerprint("POST", "/p", b'{"a": 1}')
    _take(session_factory, officials[0], "k-2", first, clock.now())
    with pytest.raises(IdempotencyKeyError) as caught:
        _take(session_factory, officials[0], "k-2", request_fingerprint("POST", "/p", b'{"a": 2}'), clock.now())
    assert caught.value.code == "idempotency_key_reused"


@pytest.mark.parametrize("key", ["", "a b", "x" * 256, "khoá", "tab\there"])
def test_malformed_keys_are_refused(key):
    with pytest.raises(IdempotencyKeyError) as caught:
        check_key(key)
    assert caught.value.code == "idempotency_key_invalid" and "Idempotency-Key" in caught.value.message_en


def test_expired_keys_are_taken_afresh_and_purged_by_the_scheduler(session_factory, clock, officials, ctx):
    fingerprint = request_fingerprint("POST", "/p", b"{}")
    _take(session_factory, officials[0], "old", fingerprint, clock.now())
    _take(session_factory, officials[1], "young", fingerprint, clock.now() + timedelta(hours=20))
    later = clock.now() + DAY
    assert _take(session_factory, officials[0], "old", request_fingerprint("POST", "/p", b"{1}"), later) is None
    clock.advance(hours=24, minutes=1)
    assert purge_idempotency_keys(session_factory, ctx) == 0  # "old" was just taken again
    clock.advance(hours=24)
    assert purge_idempotency_keys(session_factory, ctx) == 2
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
