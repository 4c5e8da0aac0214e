"""Every text of the pages has its English, and the catalogues compile."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from admin.i18n import CATALOGUES, compile_catalogues

ADMIN = Path(__file__).parents[3] / "admin"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _texts_in_the_pages() -> set[str]:
    texts = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ADMIN), METHODS, keywords=KEYWORDS):
        texts.add(message if isinstance(message, str) else message[0])
    return texts


def _english() -> dict[str, str]:
    with (CATALOGUES / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return {m.id: m.string for m in read_po(po_file) if isinstance(m.id, str) and m.id}


def test_every_text_of_the_pages_has_its_english():
    english, texts = _english(), _texts_in_the_pages()
    assert "Hộp công việc" in texts and "Đăng xuất" in texts  # the extraction reads both code and templates
    missing = sorted(text for text in texts if not english.get(text))
    assert not missing, f"run .ci/refresh-translations and translate: {missing}"


def test_the_catalogues_compile(tmp_path):
    compiled = compile_catalogues()
    assert (compiled / "en" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000
