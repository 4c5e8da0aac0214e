"""Server-rendered pages. The home page tells a visitor what runs here and where to go next."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence.models import Dossier, DossierStatus, Procedure, ProcedureVersion, VersionState

bp = Blueprint("admin", __name__, template_folder="templates")


@bp.get("/")
def home() -> str:
    factory: sessionmaker[Session] = current_app.extensions["session_factory"]
    with factory() as session:
        procedures = session.execute(
            select(Procedure.key, Procedure.name, ProcedureVersion.version)
            .join(ProcedureVersion)
            .where(ProcedureVersion.state == VersionState.ACTIVE)  # what receives dossiers now
            .order_by(Procedure.name)
        ).all()
        counts = dict(
            session.execute(select(Dossier.status, func.count(Dossier.id)).group_by(Dossier.status)).all()
        )
    return render_template(
        "admin/home.html",
        procedures=procedures,
        open_count=counts.get(DossierStatus.PROCESSING, 0),
        done_count=sum(counts.get(s, 0) for s in (DossierStatus.COMPLETED, DossierStatus.REFUSED)),
    )
