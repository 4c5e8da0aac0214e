"""Compile every page template before a worker takes its first request.

Jinja compiles a template the first time it is rendered: 20-70 ms for a page and its layout, paid by
whoever happens to be first — a citizen opening the catalogue, an official their inbox. The
production server's workers (api.gunicorn_config) compile them all as they start instead, and
share nothing they would not have built anyway. Tests and the development server skip it: they
render a handful of pages each.
"""

from __future__ import annotations

from flask import Flask


def compile_templates(app: Flask) -> int:
    """Load every template the application can render into Jinja's cache; return how many."""
    names = app.jinja_env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt", ".xml")))
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)
