"""The `motcua` command: demo, serve, deploy, db upgrade."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from api.observability import configure_logging
from demo.certificates import demo_signing
from demo.province import DEMO_LOGINS, LOGIN_CENTERS, PROVINCIAL_CENTER
from demo.seed import seed_demo_province
from engine.audit.anchors import signing_key, write_anchor
from engine.audit.keys import public_hex, write_demo_key
from engine.calendar.changes import set_calendar_day
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import activate_version, active_version_id
from engine.deployment.organisation import Organisation
from engine.deployment.package import SHARED_FOLDER, load_package
from engine.deployment.validate import validate_bpmn_file, validate_package
from engine.errors import DeploymentError, EngineError, Problem
from engine.identity.officials import hash_password
from engine.org.exchange import detect_format, read_document
from engine.org.localities import LOCALITY_KIND
from engine.persistence.migrate import upgrade
from engine.persistence.models import VersionState
from engine.runtime.command import Actor
from engine.runtime.dossiers import legal_due_at
from engine.scheduling import sweep
from engine.statistics.rebuild import rebuild_figures

DEMO_PASSWORD = "motcua-demo"
VERSION_STATE_TEXT = {
    VersionState.DEPLOYED: "chưa áp dụng / deployed, not active",
    VersionState.ACTIVE: "đang áp dụng / active",
    VersionState.RETIRED: "ngừng áp dụng / retired",
}


def _app() -> Flask:
    return create_app()


def _data_folder(app: Flask) -> Path:
    """Where the demo keeps its files: beside its SQLite database, else in the instance folder."""
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return Path(app.instance_path)


def _session(app: Flask) -> Session:
    session: Session = app.extensions["session_factory"]()
    return session


SEVERITY_WORDS = {"vi": {"error": "lỗi", "warning": "cảnh báo"}, "en": {"error": "error", "warning": "warning"}}


def format_problem(problem: Problem, language: str = "vi") -> str:
    """One line in one language: where, which element, how bad, what is wrong."""
    where = problem.file + (f":{problem.line}" if problem.line else "")
    element = f" [{problem.element_id}]" if problem.element_id else ""
    severity = SEVERITY_WORDS[language].get(problem.severity, problem.severity)
    message = problem.message_en if language == "en" else problem.message
    return f"{where}{element}: {severity}: {message}"


def procedure_folders(library: Path) -> list[Path]:
    return sorted(p for p in library.iterdir() if p.is_dir() and p.name != SHARED_FOLDER
                  and (p / "procedure.json").exists())


def cli_actor(name: str) -> Actor:
    """Who the command line acts as: the system, named by the command, since it holds the database already."""
    return Actor(None, name)


def deploy_folders(app: Flask, folders: list[Path], actor: Actor, *, activate: bool = False) -> bool:
    """Deploy each folder in its own transaction, activating it too when asked; print the outcome.

    True when all succeeded.
    """
    ok = True
    clock = app.extensions["engine"].clock
    for folder in folders:
        with _session(app) as session:
            try:
                package = load_package(folder)
                result = deploy_procedure(session, package, clock=clock, actor=actor)
                if activate:
                    activate_version(session, package.key, result.version.version, actor=actor, clock=clock,
                                     reason=f"Kích hoạt khi triển khai / activated on deployment (motcua {actor.name})")
                session.commit()
            except DeploymentError as error:
                ok = False
                click.echo(f"✗ {folder.name}: {error.message}", err=True)
                for problem in error.problems:
                    click.echo("  " + format_problem(problem), err=True)
                continue
        state = "phiên bản mới" if result.created else "không đổi"
        click.echo(f"✓ {folder.name}: phiên bản {result.version.version} ({state}) — "
                   f"{VERSION_STATE_TEXT[result.version.state]}")
    return ok


@click.group()
def main() -> None:
    """Motcua — một cửa BPMN engine. Database: MOTCUA_DATABASE_URL (default: SQLite in ./instance)."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (Alembic) to the configured database."""
    app = _app()
    upgrade(app.extensions["db_engine"])
    click.echo(f"Đã cập nhật cơ sở dữ liệu: {app.extensions['db_engine'].url.render_as_string()}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--activate", is_flag=True, help="Also make each deployed version the one new dossiers use.")
def deploy(paths: tuple[Path, ...], activate: bool) -> None:
    """Deploy procedure folders (bpmn/<key>); exit status 1 when any has an error.

    A deployed version receives no dossiers until it is activated (--activate, or
    `motcua procedure activate`).
    """
    app = _app()
    if not deploy_folders(app, list(paths), cli_actor("cli"), activate=activate):
        sys.exit(1)


def validate_path(path: Path, organisation: Organisation | None = None) -> list[Problem]:
    """Problems of a procedure folder (with procedure.json) or of a single .bpmn file.

    Offline there is no database: lane bindings are compared with ``organisation`` when one is given,
    and a binding it lacks is a warning (deployment, which sees the real organisation, refuses it).
    """
    if path.is_dir():
        _, problems = validate_package(load_package(path), organisation, binding_severity="warning")
        return problems
    return validate_bpmn_file(path.read_bytes(), path.name)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="One JSON document for tools; each problem has message (vi) and message_en.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the printed problems.")
@click.option("--org", "org_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An organisation file (motcua org export, JSON or CSV) to check lane bindings against.")
def validate(paths: tuple[Path, ...], as_json: bool, language: str, org_file: Path | None) -> None:
    """Check procedure folders or .bpmn files without deploying; exit status 1 on any error."""
    organisation = _organisation_file(org_file) if org_file else None
    report = []
    for path in paths:
        if path.is_dir() and not (path / "procedure.json").exists() and path.name != SHARED_FOLDER:
            # A library folder: validate each procedure in it.
            targets = procedure_folders(path)
        else:
            targets = [path]
        for target in targets:
            if target.name == SHARED_FOLDER:
                continue
            problems = validate_path(target, organisation)
            errors = [p for p in problems if p.severity == "error"]
            report.append({"path": str(target), "executable": not errors,
                           "problems": [p.as_dict() for p in problems]})
            if not as_json:
                _print_verdict(target, problems, language)
    if as_json:
        click.echo(json.dumps({"results": report}, ensure_ascii=False, indent=2))
    if any(not entry["executable"] for entry in report):
        sys.exit(1)


def _organisation_file(path: Path) -> Organisation:
    try:
        document = read_document(path.read_bytes(), detect_format(path.name))
    except EngineError as error:
        raise click.UsageError(f"{path}: {error.message}") from error
    return Organisation.of((u.code for u in document.units),
                           ((o.username, o.unit, o.roles, o.active) for o in document.officials),
                           (u.code for u in document.units if u.kind == LOCALITY_KIND))


def _print_verdict(path: Path, problems: list[Problem], language: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        click.echo(f"✓ {path}: " + ("executable" if language == "en" else "thực thi được"))
    else:
        click.echo(f"✗ {path}: {len(errors)} " + ("errors" if language == "en" else "lỗi"))
    for problem in problems:
        click.echo("  " + format_problem(problem, language))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and exit.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create the database, deploy every procedure in bpmn/, seed a demo province, and serve."""
    # The demo is never production: its receipts' QR codes open the address it serves on.
    os.environ["MOTCUA_ENV"] = "development"
    os.environ.setdefault("MOTCUA_PUBLIC_BASE_URL", f"http://{host}:{port}")
    app = _demo_signing_key(_app())
    configure_logging("text", app.config["LOG_LEVEL"])  # a person reads the demo's log, not a collector
    upgrade(app.extensions["db_engine"])
    engine_ctx = app.extensions["engine"]
    if not engine_ctx.settings.signing.configured:
        # Results are signed with a demo authority's certificate unless the operator named one.
        signing, where = demo_signing(_data_folder(app), PROVINCIAL_CENTER[1], DEMO_PASSWORD,
                                      engine_ctx.clock.now(), engine_ctx.settings.signing)
        engine_ctx.settings = dataclasses.replace(engine_ctx.settings, signing=signing)
        click.echo(where)
    library = app.extensions["engine"].settings.library_path
    # The demo serves every library procedure, so each one's deployed version is made active.
    if not deploy_folders(app, procedure_folders(library), cli_actor("demo"), activate=True):
        sys.exit(1)
    summary = seed_demo_province(app.extensions["session_factory"], app.extensions["engine"],
                                 password_hash=hash_password(DEMO_PASSWORD))
    for line in summary.lines():
        click.echo(line)
    click.echo(_demo_anchor(app))
    click.echo(f"\nCơ sở dữ liệu: {app.extensions['db_engine'].url.render_as_string()}")
    click.echo(f"Trung tâm demo: {PROVINCIAL_CENTER[0]} — {PROVINCIAL_CENTER[1]}")
    click.echo(f"Tài khoản demo (mật khẩu: {DEMO_PASSWORD}):")
    for username, full_name, roles, _ in DEMO_LOGINS:
        center = LOGIN_CENTERS.get(username)
        click.echo(f"  {username:<15} {full_name} ({', '.join(roles)})" + (f" — {center}" if center else ""))
    if no_serve:
        return
    # The demo runs the scheduler beside the web server so its timers fire; production never
    # does this inside web workers (`motcua scheduler` is its own process there).
    from apscheduler.schedulers.background import BackgroundScheduler

    background = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    background.add_job(sweep, "interval", seconds=30, args=(app.extensions["session_factory"],
                                                            app.extensions["engine"]), id="sweep")
    background.start()
    click.echo(f"\nMotcua đang chạy tại http://{host}:{port}/  (API: http://{host}:{port}/api/v1/openapi.json)")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        background.shutdown(wait=False)


def _demo_signing_key(app: Flask) -> Flask:
    """The demo signs its anchors with a key of its own, made once in the instance folder."""
    if app.config.get("AUDIT_SIGNING_KEY"):
        return app
    path = os.path.join(app.instance_path, "audit-signing-key.pem")
    write_demo_key(path)
    os.environ["MOTCUA_AUDIT_SIGNING_KEY"] = path
    return _app()


def _demo_anchor(app: Flask) -> str:
    """Anchor the demo's chains (the scheduler does it hourly from then on); say with which key."""
    engine = app.extensions["engine"]
    with _session(app) as session:
        written = write_anchor(session, engine.settings, cli_actor("demo"), now=engine.clock.now(),
                               today=engine.today())
        session.commit()
    key = public_hex(signing_key(engine.settings))
    state = f"mốc neo số {written.anchor.seq} / anchor {written.anchor.seq}" if written.anchor else \
        "không chuỗi nào thay đổi / no chain moved"
    return f"Khóa ký mốc neo / anchor key: {engine.settings.audit_signing_key} (công khai / public {key}); {state}"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web application (development server; use gunicorn in production)."""
    app = _app()
    click.echo(f"Motcua đang chạy tại http://{host}:{port}/")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command()
@click.option("--interval", default=30, show_default=True, type=int, help="Seconds between sweeps.")
@click.option("--once", is_flag=True, help="Run one sweep and exit (cron, tests).")
def scheduler(interval: int, once: bool) -> None:
    """Fire due BPMN timers, mark due-soon and overdue work, fold the daily figures. Its own process;
    replicas are safe."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = _app()
    factory, engine = app.extensions["session_factory"], app.extensions["engine"]

    def tick() -> None:
        done = sweep(factory, engine)
        if any(done.values()) or once:
            click.echo(f"Đã kích hoạt {done['timers_fired']} hẹn giờ / {done['timers_fired']} timers fired; "
                       f"{done['tasks_marked']} công việc, {done['dossiers_marked']} hồ sơ cập nhật hạn")

    if once:
        tick()
        return
    runner = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    runner.add_job(tick, "interval", seconds=interval, id="sweep")
    click.echo(f"Bộ lập lịch đang chạy, quét mỗi {interval} giây / scheduler running every {interval} s")
    tick()
    runner.start()


@main.group()
def statistics() -> None:
    """The leaders' daily figures."""


@statistics.command("rebuild")
def statistics_rebuild() -> None:
    """Recompute every daily figure from the dossiers and their steps (after an upgrade from a
    version without them), in one transaction: the dashboards read the old figures until it ends."""
    app = _app()
    with app.extensions["session_factory"].begin() as session:
        rebuilt = rebuild_figures(session, app.extensions["engine"].calendar)
    click.echo(f"Đã tính lại số liệu của {rebuilt.dossiers} hồ sơ, {rebuilt.steps} bước / "
               f"rebuilt the figures of {rebuilt.dossiers} dossiers, {rebuilt.steps} steps")


@main.group()
def calendar() -> None:
    """Working-day calendar: what officials answer at the counter."""


@calendar.command("add-working-days")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("days", type=int)
def calendar_add_working_days(start: datetime, days: int) -> None:
    """Print the date DAYS working days after START (counting from the next day)."""
    app = _app()
    result = app.extensions["engine"].calendar.add_working_days(start.date(), days)
    click.echo(result.isoformat())


@calendar.command("due")
@click.option("--procedure", "procedure_key", required=True, help="Procedure key, e.g. enterprise_registration.")
@click.option("--received", required=True, help="When the dossier is received, ISO 8601 (local time if no offset).")
def calendar_due(procedure_key: str, received: str) -> None:
    """Print the due time of a dossier of PROCEDURE received at RECEIVED."""
    app = _app()
    engine = app.extensions["engine"]
    instant = datetime.fromisoformat(received)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(engine.settings.timezone))
    with _session(app) as session:
        try:
            version = engine.version(session, active_version_id(session, procedure_key))
        except EngineError as error:
            raise click.ClickException(error.message) from None
        click.echo(legal_due_at(engine, version, instant).isoformat())


@calendar.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--day-off", "kind", flag_value="day_off", help="An extra day off (e.g. a Tết day).")
@click.option("--working-day", "kind", flag_value="working_day", help="A make-up working day.")
@click.option("--name", required=True, help="Why, as officials will read it.")
@click.option("--province", default=None, help="Only for this province (default: national).")
def calendar_set(day: datetime, kind: str | None, name: str, province: str | None) -> None:
    """Record an extra day off or a make-up working day."""
    if kind is None:
        raise click.UsageError("choose --day-off or --working-day")
    app = _app()
    with _session(app) as session:
        engine = app.extensions["engine"]
        try:
            set_calendar_day(session, Actor(None, "cli"), day=day.date(), kind=kind, reason=name, province=province,
                             now=engine.clock.now(), today=engine.today())
        except EngineError as error:
            raise click.ClickException(error.message) from None
        session.commit()
    click.echo(f"{day.date().isoformat()}: {kind} — {name} "
               "(các tiến trình đang chạy áp dụng trong vòng một phút / running processes apply it within a minute)")


from api.cli_audit import audit  # noqa: E402 - likewise
from api.cli_org import org  # noqa: E402 - the group's module builds the app from this one
from api.cli_procedure import procedure  # noqa: E402 - likewise

main.add_command(audit)
main.add_command(org)
main.add_command(procedure)


if __name__ == "__main__":
    try:
        main()
    except EngineError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
