"""The pages' static files, the vendored front-end packages among them, are served by the
application itself at /static/ (no CDN), and may be cached: nothing in them is personal."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parents[3] / "admin" / "static"


def test_the_vendored_scripts_are_served_and_cacheable(client):
    served = client.get("/static/vendor/htmx.org/htmx.min.js")
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert served.data == (STATIC / "vendor" / "htmx.org" / "htmx.min.js").read_bytes()
    assert "no-store" not in served.headers.get("Cache-Control", "")


def test_a_missing_static_file_is_not_found(client):
    assert client.get("/static/vendor/htmx.org/htmx.js").status_code == 404
