"""The demo's readable log lines keep the extra= fields of every call."""

from __future__ import annotations

import io
import logging

from api.observability import configure_logging


def test_text_lines_are_readable_and_carry_the_extra_fields():
    configure_logging("text", "INFO")
    (handler,) = [h for h in logging.getLogger().handlers if type(h).__name__ == "_MotcuaHandler"]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        logging.getLogger("engine.scheduling").warning("sweep_failed", extra={"dossier": "H99-1", "error": "hỏng"})
    finally:
        handler.setStream(old)
        configure_logging("json", "INFO")
    (line,) = stream.getvalue().splitlines()
    assert line.endswith("WARNING engine.scheduling: sweep_failed dossier=H99-1 error=hỏng")
    assert logging.getLogger().handlers.count(handler) == 0  # configuring again replaced the handler
