"""Run an engine command from a page's form: commit it, or show why it was refused.

What every page action does the same way (leaders' actions, the studio's version changes): the
command's own transaction is committed on success; a form problem goes back onto the form's fields
(in the page's language); something the official may not see is a 404; any other refusal is
flashed. The page decides what to show next.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

from flask import abort, flash
from flask_wtf import FlaskForm

from admin.context import page_session
from admin.i18n import current_language, engine_message
from engine.errors import EngineError, FormInvalidError, NotFoundError


class Outcome(enum.Enum):
    DONE = "done"  # committed
    INVALID = "invalid"  # the problems are on the form
    REFUSED = "refused"  # rolled back; the refusal is flashed


def run_command(form: FlaskForm, command: Callable[[], Any], fields: Mapping[str, str] | None = None, *,
                every_problem_on: str | None = None) -> tuple[Outcome, Any]:
    """Run ``command`` and commit; returns the outcome and, when done, what the command returned.
    ``fields``: the engine's field name -> the form's, where they differ; a problem of a field the
    form lacks goes to the form's own errors. ``every_problem_on``: one field shows them all (a
    form that asks only for a reason)."""
    session = page_session()
    try:
        result = command()
        session.commit()
    except FormInvalidError as error:
        session.rollback()
        _put_on_form(form, error, fields or {}, every_problem_on)
        return Outcome.INVALID, None
    except NotFoundError:
        session.rollback()
        abort(404)
    except EngineError as error:
        session.rollback()
        flash(engine_message(error), "error")
        return Outcome.REFUSED, None
    return Outcome.DONE, result


def _put_on_form(form: FlaskForm, error: FormInvalidError, fields: Mapping[str, str],
                 every_problem_on: str | None) -> None:
    english = current_language() == "en"
    for problem in error.problems:
        message = problem.message_en if english else problem.message
        field = getattr(form, every_problem_on or fields.get(problem.field, problem.field), None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]  # a tuple while the field had none
