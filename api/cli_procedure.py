"""`motcua procedure`: the versions of a procedure and their life (activate, roll back, retire).

Registered in api/cli.py with ``main.add_command(procedure)``. Each change is one transaction,
recorded with the command line as its actor and the reason given.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy.orm import Session

from api.app import create_app
from engine.calendar.clock import Clock
from engine.deployment.catalog import version_summaries
from engine.deployment.lifecycle import VersionChange, activate_version, retire_version, rollback_procedure
from engine.errors import EngineError, FormInvalidError
from engine.runtime.command import Actor

_REASON = click.option("--reason", required=True, help="Why; kept in the version's history.")


@click.group()
def procedure() -> None:
    """Thủ tục / Procedures: list versions, activate, roll back and retire them."""


# A lifecycle command: given the session, who acts, and the clock, it changes one version.
Change = Callable[[Session, Actor, Clock], VersionChange]


def _run(change: Change) -> VersionChange:
    """Run one lifecycle command in its own transaction; a refusal exits with its message."""
    app = create_app()
    with app.extensions["session_factory"]() as session:
        try:
            result = change(session, Actor(None, "cli"), app.extensions["engine"].clock)
            session.commit()
        except FormInvalidError as error:
            details = "; ".join(f"{p.field}: {p.message}" for p in error.problems)
            raise click.ClickException(f"{error.message}: {details}") from None
        except EngineError as error:
            raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
        return result


def _echo(key: str, result: VersionChange, done_vi: str, done_en: str) -> None:
    if not result.changed:
        click.echo(f"{key}: phiên bản {result.version.version} đã {done_vi} / already {done_en}")
        return
    replaced = f" (thay phiên bản {result.replaced.version} / replaces version {result.replaced.version})" \
        if result.replaced else ""
    click.echo(f"✓ {key}: phiên bản {result.version.version} {done_vi} / version {result.version.version} "
               f"{done_en}{replaced}")


@procedure.command("versions")
@click.argument("key")
def procedure_versions(key: str) -> None:
    """Every version of KEY: state, who deployed and activated it, dossiers running on it."""
    app = create_app()
    with app.extensions["session_factory"]() as session:
        try:
            summaries = version_summaries(session, Actor(None, "cli"), key, today=app.extensions["engine"].today())
        except EngineError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"{'phiên bản':>9}  {'trạng thái':<10} {'triển khai / deployed':<32} {'kích hoạt / activated':<32} "
               f"hồ sơ đang chạy / running")
    for summary in summaries:
        deployed = f"{summary.deployed_at:%Y-%m-%d %H:%M} {summary.deployed_by or ''}"
        activated = f"{summary.activated_at:%Y-%m-%d %H:%M} {summary.activated_by}" if summary.activated_at else "—"
        click.echo(f"{summary.version:>9}  {summary.state:<10} {deployed:<32} {activated:<32} "
                   f"{summary.dossiers_running} / {summary.dossiers_total}")


@procedure.command("activate")
@click.argument("key")
@click.argument("version", type=int)
@_REASON
def procedure_activate(key: str, version: int, reason: str) -> None:
    """Make VERSION of KEY the one new dossiers use; the active version is retired."""
    result = _run(lambda session, actor, clock: activate_version(session, key, version, actor=actor,
                                                                 reason=reason, clock=clock))
    _echo(key, result, "đang áp dụng", "active")


@procedure.command("rollback")
@click.argument("key")
@_REASON
def procedure_rollback(key: str, reason: str) -> None:
    """Undo the latest activation of KEY: the version active before it is active again."""
    result = _run(lambda session, actor, clock: rollback_procedure(session, key, actor=actor, reason=reason,
                                                                   clock=clock))
    _echo(key, result, "đang áp dụng lại", "active again")


@procedure.command("retire")
@click.argument("key")
@click.argument("version", type=int)
@_REASON
def procedure_retire(key: str, version: int, reason: str) -> None:
    """Stop VERSION of KEY receiving new dossiers; those running on it finish on it."""
    result = _run(lambda session, actor, clock: retire_version(session, key, version, actor=actor,
                                                               reason=reason, clock=clock))
    _echo(key, result, "ngừng áp dụng", "retired")
