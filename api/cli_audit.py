"""`motcua audit`: verify history chains (and, as they land, anchors, evidence packs, replay).

Registered in api/cli.py with ``main.add_command(audit)``. The command line acts as the system,
which the access policy never refuses: whoever runs it holds the database already.
"""

from __future__ import annotations

import json
import sys

import click
from flask import Flask
from sqlalchemy.orm import Session

from api.app import create_app
from engine.audit.chain import Break
from engine.audit.verify import Verification, verify_all, verify_center, verify_dossier
from engine.errors import EngineError
from engine.runtime.command import Actor

CLI_ACTOR = Actor(None, "cli")


@click.group()
def audit() -> None:
    """Kiểm tra / Audit: verify history chains, anchors and evidence packs."""


def audit_app() -> Flask:
    return create_app()


def audit_session(app: Flask) -> Session:
    session: Session = app.extensions["session_factory"]()
    return session


def echo_break(broken: Break) -> None:
    where = f" — sự kiện số {broken.seq} / event {broken.seq}" if broken.seq else ""
    click.echo(f"✗ {broken.chain}{where}: {broken.message}\n    ({broken.message_en})")
    if broken.field:
        click.echo(f"    {broken.field}: expected {broken.expected!s} — found {broken.found!s}")


def echo_verification(result: Verification, as_json: bool) -> None:
    """Print the verdict (JSON for tools), and exit with status 1 when any chain is broken."""
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        for broken in result.breaks:
            echo_break(broken)
        verdict = "OK" if result.ok else f"{len(result.breaks)} chuỗi bị phá vỡ / broken chains"
        click.echo(f"{verdict}: {result.chains} chuỗi / chains, {result.events} sự kiện / events, "
                   f"{result.seconds:.2f} s ({result.events_per_second:,.0f} sự kiện/s / events/s)")
    if not result.ok:
        sys.exit(1)


@audit.command("verify")
@click.option("--dossier", "code", help="One dossier, by its code.")
@click.option("--center", help="Every dossier received at this center (its code).")
@click.option("--all", "everything", is_flag=True, help="Every dossier.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document for tools.")
def audit_verify(code: str | None, center: str | None, everything: bool, as_json: bool) -> None:
    """Re-compute history chains: OK, or the first broken link of each (exit status 1)."""
    if sum(bool(x) for x in (code, center, everything)) != 1:
        raise click.UsageError("choose one of --dossier CODE, --center CENTER, --all")
    app = audit_app()
    today = app.extensions["engine"].today()
    with audit_session(app) as session:
        try:
            if code:
                result = verify_dossier(session, CLI_ACTOR, code, today=today)
            elif center:
                result = verify_center(session, CLI_ACTOR, center, today=today)
            else:
                result = verify_all(session, CLI_ACTOR, today=today)
        except EngineError as error:
            raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
    echo_verification(result, as_json)
