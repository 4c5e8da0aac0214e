"""The admin and public pages use the same app and officials as the API tests."""

from tests.integration.api.conftest import analyst, app, center_leader, client, password_hash, reception  # noqa: F401
