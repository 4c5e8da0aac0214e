"""A new procedure from a template (engine.studio.templates): its key, its name and the template; the
engine saves it as a draft that validates, and the analyst continues in the modeler."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from admin.context import engine, page_session, signed_in_actor
from admin.i18n import current_language, engine_message
from engine.errors import EngineError, FormInvalidError
from engine.studio.templates import create_from_template, procedure_templates

bp = Blueprint("studio_new", __name__, template_folder="templates")


class NewProcedureForm(FlaskForm):  # type: ignore[misc]
    key = StringField(_l("Mã thủ tục (chữ thường không dấu, số và _)"),
                      validators=[InputRequired(_l("Vui lòng nhập mã thủ tục")), Length(max=128)])
    name = StringField(_l("Tên thủ tục"), validators=[InputRequired(_l("Vui lòng nhập tên thủ tục")), Length(max=500)])
    template = SelectField(_l("Mẫu"), choices=[])


@bp.route("/thiet-ke/moi", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def new_procedure() -> Response | tuple[str, int]:
    english = current_language() == "en"
    form = NewProcedureForm()
    templates = procedure_templates()
    form.template.choices = [(t.name, t.title_en if english else t.title) for t in templates]
    if form.validate_on_submit():
        session, ctx = page_session(), engine()
        try:
            create_from_template(session, form.key.data.strip(), name=form.name.data, template=form.template.data,
                                 actor=signed_in_actor(), clock=ctx.clock)
            session.commit()
        except FormInvalidError as error:
            session.rollback()
            for problem in error.problems:
                field = getattr(form, problem.field, form.key)
                field.errors = [*field.errors, problem.message_en if english else problem.message]
        except EngineError as error:  # the key is taken, or the policy refuses
            session.rollback()
            form.key.errors = [*form.key.errors, engine_message(error)]
        else:
            return redirect(url_for("studio_drafts.draft", key=form.key.data.strip()))
    return render_template("studio/new.html", form=form, templates=templates, english=english), \
        422 if form.errors else 200
