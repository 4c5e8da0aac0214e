"""The officials' workplace in the browser: wires languages, sessions, assets and page blueprints.

Page modules each hold one Blueprint ``bp``; list a new one in PAGE_MODULES.
"""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint, Flask

from admin import context, i18n, sessions
from admin.labels import role_label
from admin.navigation import menu_for

PAGE_MODULES = (
    "admin.dossiers",
    "admin.inbox",
    "admin.leader_actions",
    "admin.pages",
    "admin.public",
    "admin.signin",
    "admin.slip_pages",
    "admin.task_pages",
    "admin.counter_pages",
    "admin.feedback_pages",
    "admin.catalogue",
    "admin.hotline",
    "admin.rating_pages",
    "admin.dashboards",
    "admin.studio",
    "admin.studio_versions",
    "admin.studio_drafts",
    "admin.studio_publish",
    "admin.studio_forms",
    "admin.studio_diff",
    "admin.studio_new",
    "admin.audit_pages",
    "admin.signed_result_pages",
)

# The pages' own style and the vendored front-end packages (admin/static/vendor), at /static/.
assets = Blueprint("assets", __name__, static_folder="static", static_url_path="/static")


def init_app(app: Flask) -> None:
    i18n.init_app(app, timezone=app.extensions["engine"].settings.timezone)
    context.init_app(app)
    sessions.init_app(app)
    app.register_blueprint(assets)
    for name in PAGE_MODULES:
        app.register_blueprint(import_module(name).bp)
    app.jinja_env.globals.update(menu_for=menu_for, role_label=role_label)
