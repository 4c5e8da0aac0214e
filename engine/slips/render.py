"""Slips as printable HTML (A4/A5 print CSS), rendered with Jinja2 from their layout blocks."""

from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from engine.slips import qr
from engine.slips.data import LogbookData, SlipData
from engine.slips.document import SlipDocument
from engine.slips.layout import SlipOptions, compose

ALIGN_CSS = {"L": "left", "C": "center", "R": "right", "J": "justify"}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("engine.slips", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["css_align"] = lambda value: ALIGN_CSS.get(value or "L", "left")
    env.globals["qr_svg"] = lambda url: Markup(qr.svg(url))  # segno's own markup, the URL escaped
    return env


def document_html(document: SlipDocument) -> str:
    """A complete, self-contained HTML page of the slip, ready to print."""
    return environment().get_template("slip.html").render(doc=document)


def slip_html(data: SlipData | LogbookData, options: SlipOptions | None = None) -> str:
    """The HTML of a slip's data (see ``engine.slips.data``)."""
    return document_html(compose(data, options))
