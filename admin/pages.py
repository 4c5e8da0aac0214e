"""Server-rendered pages. The home page tells a visitor what runs here and where to go next.

Anyone sees the public catalogue (procedures that receive dossiers now). Dossier counts are shown
only to a signed-in official, and only of the dossiers their access rule lets them read: how much
work a center has is the center's business, and counting everything would let a reader of one
center learn another's numbers.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from admin.context import engine, page_session, signed_in_official
from engine.reads.counter import receiving_procedures
from engine.reads.dossiers import dossier_counts

bp = Blueprint("admin", __name__, template_folder="templates")


@bp.get("/")
def home() -> str:
    session = page_session()
    counts = None
    if current_user.is_authenticated:
        counts = dossier_counts(session, signed_in_official(), today=engine().today())
    return render_template("admin/home.html", procedures=receiving_procedures(session), counts=counts)
