"""`motcua org`: import and export the organisation (centers, units, officials, leave, deputies).

The file format is described in engine/org/exchange.py. Registered in api/cli.py with
``main.add_command(org)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from api.app import create_app
from engine.audit.org_changes import act_as
from engine.errors import FormInvalidError
from engine.org.exchange import FORMATS, ImportResult, detect_format, export_file, export_org, import_org
from engine.runtime.command import Actor

_SECTION_NAMES = {"centers": "trung tâm / centers", "units": "đơn vị / units", "officials": "cán bộ / officials",
                  "leave": "kỳ nghỉ / leave", "deputies": "người thay thế / deputies"}


@click.group()
def org() -> None:
    """Tổ chức / Organisation: import and export centers, units, officials, leave and deputies."""


def _fail(file: Path, error: FormInvalidError) -> None:
    click.echo(f"✗ {file}: {error.message}\n  ({error.message_en})", err=True)
    for problem in error.problems:
        click.echo(f"  {problem.field}: {problem.message}\n      ({problem.message_en})", err=True)
    sys.exit(1)


def _print_summary(file: Path, result: ImportResult, dry_run: bool) -> None:
    if dry_run:
        click.echo(f"✓ {file}: hợp lệ, chưa ghi gì (--dry-run) / valid, nothing written")
    else:
        click.echo(f"✓ {file}: đã nhập / imported")
    for section, counts in result.counts.items():
        click.echo(f"  {_SECTION_NAMES[section]:<34} {counts['created']} mới / created, "
                   f"{counts['updated']} cập nhật / updated, {counts['unchanged']} không đổi / unchanged")
    if result.initial_passwords and not dry_run:
        click.echo("Mật khẩu ban đầu (trao riêng cho từng cán bộ; không hiển thị lại) / "
                   "initial passwords (hand each to its official; not shown again):")
        for username, password in result.initial_passwords.items():
            click.echo(f"  {username:<24} {password}")
    elif result.initial_passwords:
        click.echo(f"  {len(result.initial_passwords)} cán bộ mới sẽ nhận mật khẩu ban đầu tự sinh / "
                   "new officials would get a generated initial password")


@org.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="csv or json (default: from the file's extension).")
@click.option("--dry-run", is_flag=True, help="Check the whole file and print what would change; write nothing.")
def org_import(file: Path, fmt: str | None, dry_run: bool) -> None:
    """Import FILE (.csv or .json): all rows or none; existing codes and usernames are updated."""
    app = create_app()
    session: Session
    with app.extensions["session_factory"]() as session:
        act_as(session, Actor(None, "cli"))  # named on the administrative chain's events
        try:
            result = import_org(session, file.read_bytes(), fmt or detect_format(file.name),
                                clock=app.extensions["engine"].clock)
        except FormInvalidError as error:
            session.rollback()
            _fail(file, error)
            return
        if dry_run:
            session.rollback()
        else:
            session.commit()
    _print_summary(file, result, dry_run)


@org.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="csv or json (default: from --output's extension, else json).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write to this file (CSV with a BOM, for Excel) instead of standard output.")
def org_export(fmt: str | None, output: Path | None) -> None:
    """Export the whole organisation in the format `motcua org import` reads; never passwords."""
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in FORMATS else "json"
    app = create_app()
    with app.extensions["session_factory"]() as session:
        if output is None:
            click.echo(export_org(session, fmt), nl=False)
            return
        output.write_bytes(export_file(session, fmt))
    click.echo(f"✓ Đã xuất tổ chức / organisation exported: {output} ({fmt})", err=True)
