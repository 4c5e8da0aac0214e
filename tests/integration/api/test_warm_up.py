"""Every template compiles when a production worker starts (api.warm_up)."""

from __future__ import annotations

from api.warm_up import compile_templates


def test_every_page_template_compiles_into_the_cache(app):
    count = compile_templates(app)
    cached = {name for (_loader, name) in app.jinja_env.cache.keys()} if app.jinja_env.cache is not None else set()
    assert count > 50
    assert {"public/procedure.html", "public/lookup.html", "public/_layout.html"} <= cached
