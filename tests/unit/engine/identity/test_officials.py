"""Passwords are argon2 hashes; tokens are stored hashed, expire and are purged, and end when the
official signs out or their access changes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from engine.errors import NotAuthenticatedError
from engine.identity import officials
from engine.identity.officials import authenticate, create_official, issue_token, official_for_token, revoke_token
from engine.org import exchange, people
from engine.persistence.models import ApiToken, Official
from engine.scheduling import sweep


def test_sign_in_and_token_lifetime(session_factory, clock):
    with session_factory.begin() as session:
        official = create_official(session, clock, username="tiepnhan", full_name="Nguyễn Thị Lan",
                                   password="mat-khau-dai", roles=["reception"])
        assert official.password_hash.startswith("$argon2id$")
        with pytest.raises(NotAuthenticatedError):
            authenticate(session, "tiepnhan", "sai-mat-khau")
        with pytest.raises(NotAuthenticatedError):
            authenticate(session, "khong-co", "mat-khau-dai")
        assert authenticate(session, "tiepnhan", "mat-khau-dai").id == official.id
        token, expires_at = issue_token(session, clock, official, timedelta(hours=1))
        session.flush()
        assert session.query(ApiToken).one().token_hash != token
        assert official_for_token(session, clock, token).username == "tiepnhan"
        clock.advance(hours=2)
        with pytest.raises(NotAuthenticatedError):
            official_for_token(session, clock, token)


@pytest.fixture
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(officials, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def signed_in(session_factory, clock, cheap_hashes):
    """An official (with an admin beside them, whom the org rules require) and two live tokens."""
    with session_factory.begin() as session:
        create_official(session, clock, username="quantri", full_name="Phạm Thu Hà", password="mat-khau-dai",
                        roles=["admin"])
        official = create_official(session, clock, username="tiepnhan", full_name="Nguyễn Thị Lan",
                                   password="mat-khau-dai", roles=["reception"])
        tokens = [issue_token(session, clock, official, timedelta(hours=12))[0] for _ in range(2)]
    return official.id, tokens


def live(session_factory, clock, token) -> bool:
    with session_factory() as session:
        try:
            official_for_token(session, clock, token)
        except NotAuthenticatedError:
            return False
        return True


def change(session_factory, official_id, **changes) -> None:
    with session_factory.begin() as session:
        people.update_official(session, official_id, changes)


def test_signing_out_revokes_that_token_only(session_factory, clock, signed_in):
    _, (phone, laptop) = signed_in
    with session_factory.begin() as session:
        revoke_token(session, phone)
    assert not live(session_factory, clock, phone) and live(session_factory, clock, laptop)


def test_deactivation_revokes_every_token_and_reactivation_revives_none(session_factory, clock, signed_in):
    official_id, tokens = signed_in
    change(session_factory, official_id, active=False)
    change(session_factory, official_id, active=True)
    assert not any(live(session_factory, clock, token) for token in tokens)
    with session_factory() as session:
        assert session.scalar(select(func.count(ApiToken.id))) == 0


def test_a_role_change_revokes_every_token_other_edits_do_not(session_factory, clock, signed_in):
    official_id, tokens = signed_in
    change(session_factory, official_id, full_name="Nguyễn Thị Lan Anh", roles=["reception"], active=True)
    assert all(live(session_factory, clock, token) for token in tokens)
    change(session_factory, official_id, roles=["reception", "specialist"])
    assert not any(live(session_factory, clock, token) for token in tokens)


def test_an_import_that_deactivates_and_reactivates_revives_nothing(session_factory, clock, signed_in):
    _, tokens = signed_in
    for active in (False, True):
        document = {"officials": [{"username": "tiepnhan", "full_name": "Nguyễn Thị Lan", "roles": ["reception"],
                                   "active": active}]}
        with session_factory.begin() as session:
            exchange.import_org(session, json.dumps(document), "json", clock=clock)
    assert not any(live(session_factory, clock, token) for token in tokens)


def test_a_new_password_revokes_every_token(session_factory, clock, signed_in):
    official_id, tokens = signed_in
    with session_factory.begin() as session:
        session.get(Official, official_id).password_hash = officials.hash_password("mat-khau-moi-dai")
    assert not any(live(session_factory, clock, token) for token in tokens)


def test_expired_tokens_are_purged_by_the_scheduler(session_factory, clock, ctx, signed_in):
    _, tokens = signed_in
    clock.advance(hours=6)
    with session_factory.begin() as session:
        fresh, _ = issue_token(session, clock, session.scalars(select(Official)).first(), timedelta(hours=12))
    clock.advance(hours=7)  # the first two are past their 12 hours, the fresh one is not
    assert sweep(session_factory, ctx)["tokens_purged"] == 2
    with session_factory() as session:
        assert session.scalar(select(func.count(ApiToken.id))) == 1
    assert live(session_factory, clock, fresh)
    assert sweep(session_factory, ctx)["tokens_purged"] == 0
