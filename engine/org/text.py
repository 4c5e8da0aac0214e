"""Accent-insensitive text, so "ho so" finds "hồ sơ" (domain brief §7)."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, without Vietnamese diacritics (đ → d), whitespace collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
