"""Parse untrusted BPMN safely: no DTDs, no entities, no network, UTF-8 only, bounded size.

lxml resolves entities by default and SpiffWorkflow's ``add_bpmn_str`` uses that default parser,
so every diagram is parsed here first and handed to SpiffWorkflow as a tree.

The DOCTYPE check is the parser's own: a first pass feeds a parser target whose ``doctype``
callback libxml2 calls wherever the declaration stands (after any padding, comments or processing
instructions), before it reads the internal subset, so no entity is ever declared, let alone
expanded. Only a document without one is parsed into the tree the engine keeps.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine.errors import Problem

MAX_BPMN_BYTES = 5 * 1024 * 1024
# The stored diagram is UTF-8 text; "US-ASCII" documents are UTF-8 as they stand.
ACCEPTED_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii"}


class _DoctypeFound(Exception):
    pass


class _DoctypeSpy:
    """A parser target that builds nothing and stops at the first DOCTYPE declaration."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DoctypeFound(name)

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        pass

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def _parser(**options: Any) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        **options,
    )


def _problem(filename: str, message: str, message_en: str, line: int | None = None) -> list[Problem]:
    return [Problem(file=filename, line=line, rule="xml", message=message, message_en=message_en)]


def _syntax_problem(filename: str, exc: etree.XMLSyntaxError) -> list[Problem]:
    return _problem(filename, f"XML không đúng cú pháp: {exc.msg}", f"Malformed XML: {exc.msg}", exc.lineno or None)


def _has_doctype(content: bytes) -> bool:
    """True when the parser meets a DOCTYPE; syntax errors are left to the second pass to report."""
    try:
        etree.fromstring(content, _parser(target=_DoctypeSpy()))
    except _DoctypeFound:
        return True
    except etree.XMLSyntaxError:
        return False
    return False


def _doctype_line(content: bytes) -> int | None:
    """Where the declaration the parser found stands, for the message (UTF-8 documents only)."""
    at = content.find(b"<!DOCTYPE")
    return content.count(b"\n", 0, at) + 1 if at >= 0 else None


def parse_bpmn_bytes(content: bytes, filename: str) -> tuple[etree._ElementTree | None, list[Problem]]:
    """Return the parsed document, or the located problems that make it unsafe or malformed."""
    if len(content) > MAX_BPMN_BYTES:
        return None, _problem(filename, f"Tệp quá lớn ({len(content)} byte; tối đa {MAX_BPMN_BYTES} byte)",
                              f"The file is too large ({len(content)} bytes; at most {MAX_BPMN_BYTES})")
    if _has_doctype(content):
        # BPMN never needs a DTD; refusing it closes XXE and entity expansion (billion laughs).
        return None, _problem(filename, "Tệp BPMN không được chứa khai báo DOCTYPE hoặc thực thể (entity)",
                              "A BPMN file must not contain a DOCTYPE or entity declarations", _doctype_line(content))
    try:
        tree: etree._ElementTree = etree.fromstring(content, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        return None, _syntax_problem(filename, exc)
    encoding = (tree.docinfo.encoding or "UTF-8").lower()
    if encoding not in ACCEPTED_ENCODINGS:
        return None, _problem(filename, f"Tệp BPMN phải mã hóa UTF-8 (tệp này dùng {tree.docinfo.encoding})",
                              f"A BPMN file must be encoded in UTF-8 (this one is {tree.docinfo.encoding})", 1)
    return tree, []
