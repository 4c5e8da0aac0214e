"""Accent-insensitive text, so "ho so" finds "hồ sơ" (domain brief §7), and phone numbers as digits."""

from __future__ import annotations

import re
import unicodedata

_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{5,18}$")


def fold(text: str | None) -> str:
    """Lower-case, without Vietnamese diacritics (đ → d), whitespace collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def phone_number(text: str | None) -> str | None:
    """``text`` as a Vietnamese phone number (0… or +84…), digits only, +84 written 0; None if it
    is not one. "0912 345 678", "0912.345.678" and "+84 912 345 678" are all "0912345678"."""
    text = (text or "").strip()
    if not _PHONE.match(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    return "0" + digits[2:] if text.startswith("+84") else digits
