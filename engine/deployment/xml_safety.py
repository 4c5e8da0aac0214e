"""Parse untrusted BPMN safely: no DTDs, no entities, no network, bounded size.

lxml resolves entities by default and SpiffWorkflow's ``add_bpmn_str`` uses that default parser,
so every diagram is parsed here first and handed to SpiffWorkflow as a tree.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import Problem

MAX_BPMN_BYTES = 5 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_bpmn_bytes(content: bytes, filename: str) -> tuple[etree._ElementTree | None, list[Problem]]:
    """Return the parsed document, or the located problems that make it unsafe or malformed."""
    if len(content) > MAX_BPMN_BYTES:
        return None, [
            Problem(
                file=filename,
                rule="xml",
                message=f"Tệp quá lớn ({len(content)} byte; tối đa {MAX_BPMN_BYTES} byte)",
                message_en=f"The file is too large ({len(content)} bytes; at most {MAX_BPMN_BYTES})",
            )
        ]
    doctype = _doctype_line(content)
    if doctype is not None:
        # BPMN never needs a DTD; refusing it closes XXE and entity expansion (billion laughs)
        # before lxml reads a single entity.
        return None, [
            Problem(
                file=filename,
                line=doctype,
                rule="xml",
                message="Tệp BPMN không được chứa khai báo DOCTYPE hoặc thực thể (entity)",
                message_en="A BPMN file must not contain a DOCTYPE or entity declarations",
            )
        ]
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        return None, [
            Problem(
                file=filename,
                line=line,
                rule="xml",
                message=f"XML không đúng cú pháp: {exc.msg}",
                message_en=f"Malformed XML: {exc.msg}",
            )
        ]
    return root.getroottree(), []


def _doctype_line(content: bytes) -> int | None:
    """Line of a DOCTYPE declaration in the prologue (before the root element), if any."""
    match = re.search(rb"<!DOCTYPE", content[:65536], flags=re.IGNORECASE)
    if match is None:
        return None
    return content.count(b"\n", 0, match.start()) + 1
