"""`motcua audit`: verify history chains (and, as they land, anchors, evidence packs, replay).

Registered in api/cli.py with ``main.add_command(audit)``. The command line acts as the system,
which the access policy never refuses: whoever runs it holds the database already.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask
from sqlalchemy.orm import Session

from api.app import create_app
from engine.audit.anchors import (
    AnchorFold,
    check_export,
    compare_with_export,
    export_anchors,
    list_anchors,
    trusted_public_key,
    write_anchor,
)
from engine.audit.chain import Break
from engine.audit.keys import read_public_key
from engine.audit.pack import build_pack, check_pack
from engine.audit.replay import replay_dossier
from engine.audit.verify import Verification, verify_all, verify_center, verify_dossier
from engine.errors import EngineError
from engine.runtime.command import Actor
from engine.slips.printed import options_from

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
    engine = app.extensions["engine"]
    today, settings = engine.today(), engine.settings
    with audit_session(app) as session:
        try:
            if code:
                result = verify_dossier(session, CLI_ACTOR, code, today=today, settings=settings)
            elif center:
                result = verify_center(session, CLI_ACTOR, center, today=today, settings=settings)
            else:
                result = verify_all(session, CLI_ACTOR, today=today, settings=settings)
        except EngineError as error:
            raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
    if result.anchor and not as_json:
        trust = "khóa của đơn vị / deployment key" if result.anchor["trusted"] else \
            "khóa tự khai / self-declared key (no MOTCUA_AUDIT_SIGNING_KEY)"
        click.echo(f"Mốc neo / anchor {result.anchor['seq']} ({result.anchor['at']}), {trust}")
    echo_verification(result, as_json)


def echo_anchors(fold: AnchorFold) -> None:
    trust = "" if fold.trusted else " (chữ ký kiểm bằng khóa tự khai / signatures checked with the self-declared key)"
    click.echo(f"{len(fold.checks)} mốc neo / anchors{trust}")
    for check in fold.checks:
        mark = "✓" if check.problem is None else "✗"
        click.echo(f"{mark} {check.seq:>5}  {check.at:%Y-%m-%d %H:%M:%S}Z  {check.chains} chuỗi / chains  "
                   f"{check.events} sự kiện / events  {check.hash[:16]}…")
        if check.problem is not None:
            echo_break(check.problem)


def _public_key(text: str | None) -> Ed25519PublicKey | None:
    if not text:
        return None
    path = Path(text)
    return read_public_key(path.read_text(encoding="utf-8") if path.exists() else text)


@audit.command("anchors")
@click.option("--write", is_flag=True, help="Write an anchor now (every chain head that moved), then list.")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every anchor with the public key to this JSON file, for the Inspectorate.")
@click.option("--check", "kept", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check an exported file on its own, and that the database still holds its anchors.")
@click.option("--public-key", help="The public key to trust (hex, PEM, or a file); default: the configured key's.")
def audit_anchors(write: bool, export_to: Path | None, kept: Path | None, public_key: str | None) -> None:
    """List the anchors, each checked (hash, link, signature, digest); exit status 1 on a problem."""
    app = audit_app()
    engine = app.extensions["engine"]
    with audit_session(app) as session:
        try:
            public = _public_key(public_key)
            if write:
                written = write_anchor(session, engine.settings, CLI_ACTOR, now=engine.clock.now(),
                                       today=engine.today())
                session.commit()
                for broken in written.refused:
                    echo_break(broken)
                click.echo(f"✓ Mốc neo số {written.anchor.seq} / anchor {written.anchor.seq}: {written.changed} "
                           "chuỗi thay đổi / chains moved" if written.anchor else
                           "Không chuỗi nào thay đổi từ mốc neo trước / no chain moved since the last anchor")
            if export_to is not None:
                document = export_anchors(session, engine.settings, CLI_ACTOR, today=engine.today(), public=public)
                export_to.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
                click.echo(f"Đã xuất {len(document['anchors'])} mốc neo / anchors exported: {export_to}")
            if kept is not None:
                document = json.loads(kept.read_text(encoding="utf-8"))
                fold = check_export(document, public)
                problems = compare_with_export(session, document)
            else:
                fold, problems = list_anchors(session, engine.settings, CLI_ACTOR, today=engine.today(),
                                              public=public), []
        except EngineError as error:
            raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
    echo_anchors(fold)
    for problem in problems:
        echo_break(problem)
    if fold.first_problem is not None or problems:
        sys.exit(1)


@audit.command("export")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the zip (default: evidence-CODE.zip here).")
def audit_export(code: str, output: Path | None) -> None:
    """Write the evidence pack of dossier CODE: BPMN, forms, history, control slip, anchors, signed manifest."""
    app = audit_app()
    engine = app.extensions["engine"]
    with audit_session(app) as session:
        try:
            data = build_pack(session, engine.settings, CLI_ACTOR, code, today=engine.today(),
                              calendar=engine.calendar, options=options_from(app.config), now=engine.clock.now())
        except EngineError as error:
            raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
    target = output or Path(f"evidence-{code}.zip")
    target.write_bytes(data)
    click.echo(f"✓ {target} ({len(data):,} bytes)")


@audit.command("check")
@click.argument("pack", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", help="The deployment's public key (hex, PEM, or a file); default: the configured "
                                   "key's public half.")
def audit_check(pack: Path, public_key: str | None) -> None:
    """Check an evidence pack offline: signature, file hashes, anchors, history chain (exit status 1 if not)."""
    try:
        public = _public_key(public_key) or trusted_public_key(audit_app().extensions["engine"].settings)
    except EngineError as error:
        raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
    if public is None:
        raise click.UsageError("give --public-key (or set MOTCUA_AUDIT_SIGNING_KEY)")
    result = check_pack(pack.read_bytes(), public)
    for problem in result.problems:
        click.echo(f"✗ {problem}")
    if not result.ok:
        click.echo(f"Gói chứng cứ KHÔNG hợp lệ / evidence pack NOT valid: {pack}")
        sys.exit(1)
    covered = (f"mốc neo số {result.anchor} phủ {result.anchored_events}/{result.events} sự kiện / anchor "
               f"{result.anchor} covers {result.anchored_events} of {result.events} events") if result.anchor else \
        "chưa có mốc neo nào phủ hồ sơ / no anchor covers the dossier yet"
    click.echo(f"✓ {result.dossier}: gói chứng cứ hợp lệ / evidence pack valid; {covered}")



@audit.command("replay")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="One JSON document for tools.")
def audit_replay(code: str, as_json: bool) -> None:
    """Run a dossier's recorded inputs again in memory: identical, or the first divergence (exit status 1)."""
    app = audit_app()
    with audit_session(app) as session:
        try:
            result = replay_dossier(session, app.extensions["engine"], CLI_ACTOR, code)
        except EngineError as error:
            raise click.ClickException(f"{error.message}\n  ({error.message_en})") from None
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str))
    elif result.divergence is None:
        click.echo(f"Trùng khớp / identical: {result.code}, {result.events} sự kiện / events, "
                   f"{result.commands} lệnh chạy lại / commands replayed")
    else:
        found = result.divergence
        where = f" — sự kiện số {found.seq} / event {found.seq} ({found.event_type})" if found.seq else ""
        click.echo(f"✗ {result.code}{where}: {found.message}\n    ({found.message_en})")
        click.echo(f"    {found.field or found.subject}: expected {found.expected!s} — found {found.found!s}")
    if result.divergence is not None:
        sys.exit(1)
