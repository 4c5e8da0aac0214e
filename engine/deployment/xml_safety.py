"""Parse untrusted BPMN safely: no DTDs, no entities, no network, bounded size.

lxml resolves entities by default and SpiffWorkflow's ``add_bpmn_str`` uses that default parser,
so every diagram is parsed here first and handed to SpiffWorkflow as a tree.
"""

from __future__ import annotations

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
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        # BPMN never needs a DTD; refusing it closes XXE and entity-expansion (billion laughs).
        return None, [
            Problem(
                file=filename,
                line=1,
                rule="xml",
                message="Tệp BPMN không được chứa khai báo DOCTYPE hoặc thực thể (entity)",
                message_en="A BPMN file must not contain a DOCTYPE or entity declarations",
            )
        ]
    return tree, []
