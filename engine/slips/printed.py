"""A slip ready to send to a browser: its bytes, media type and file name, the same for the API's
slips (api/slips.py) and the officials' pages (admin/slip_pages.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.slips.document import SlipDocument
from engine.slips.layout import SlipOptions
from engine.slips.pdf import document_pdf
from engine.slips.render import document_html

FORMATS = ("html", "pdf")
MIMETYPES = {"html": "text/html", "pdf": "application/pdf"}


@dataclass(frozen=True)
class PrintedSlip:
    body: str | bytes
    mimetype: str
    filename: str


def options_from(config: Mapping[str, Any], paper: str = "A4") -> SlipOptions:
    """The slips' settings (``SLIP_PLACE``, ``SLIP_PARENT_BODY``) from the application's config."""
    return SlipOptions(place=config.get("SLIP_PLACE") or "", parent=config.get("SLIP_PARENT_BODY") or "", paper=paper)


def printed(document: SlipDocument, fmt: str, suffix: str) -> PrintedSlip:
    body: str | bytes = document_pdf(document) if fmt == "pdf" else document_html(document)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", suffix)
    return PrintedSlip(body, MIMETYPES[fmt], f"{document.file_stem}-{safe}.{fmt}")
