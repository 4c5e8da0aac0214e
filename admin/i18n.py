"""The pages' languages: Vietnamese by default, English on request (Flask-Babel).

Texts are written in Vietnamese in the templates and code (``_("…")``), and
``admin/translations/en/LC_MESSAGES/messages.po`` gives their English. The catalogues are compiled
from those .po files when the application starts (a few milliseconds, with Babel's own compiler),
so no compiled file is kept in the repository and none can be stale. ``.ci/refresh-translations``
extracts new texts into the catalogue; a test fails while any text lacks its English.

The language is the one the official chose with the switch in the header (a cookie), else
Vietnamese: officials' browsers are often set to English, and the pages must not follow them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, current_app, redirect, request
from flask_babel import Babel, get_locale
from werkzeug.wrappers import Response

from engine.errors import EngineError

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
COOKIE = "motcua_lang"
CATALOGUES = Path(__file__).parent / "translations"

bp = Blueprint("language", __name__)


def chosen_language() -> str:
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def compile_catalogues(source: Path = CATALOGUES) -> Path:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``source`` into a fresh folder; returns it."""
    target = Path(tempfile.mkdtemp(prefix="motcua-catalogues-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    for po_path in source.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
    return target


def safe_next(target: str | None) -> str:
    """Only a path of this site: an absolute or scheme-relative URL would make an open redirect."""
    target = target or ""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@bp.post("/ngon-ngu")
def switch_language() -> Response:
    language = request.form.get("lang", DEFAULT_LANGUAGE)
    response = redirect(safe_next(request.form.get("next")))
    if language in LANGUAGES:
        response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure)
    return response


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def engine_message(error: EngineError) -> str:
    """An engine error's message in the page's language (the engine words each in both)."""
    return error.message_en if current_language() == "en" else error.message


def init_app(app: Flask, timezone: str) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config["BABEL_DEFAULT_TIMEZONE"] = timezone
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    Babel(app, locale_selector=chosen_language)
    app.jinja_env.globals.update(current_language=current_language, languages=LANGUAGES)
    app.register_blueprint(bp)
