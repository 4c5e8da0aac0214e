"""Passwords are argon2 hashes; tokens are stored hashed and expire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import NotAuthenticatedError
from engine.identity.officials import authenticate, create_official, issue_token, official_for_token
from engine.persistence.models import ApiToken


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
