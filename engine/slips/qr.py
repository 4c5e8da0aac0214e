"""QR codes of the dossier lookup URL, with segno (pure Python): SVG for HTML, modules for PDF."""

from __future__ import annotations

import functools

import segno

QUIET_ZONE = 2  # modules; the slip's white margin completes the standard 4


@functools.lru_cache(maxsize=256)
def make(url: str) -> segno.QRCode:
    return segno.make_qr(url, error="m")


def svg(url: str) -> str:
    """An inline ``<svg>`` element (no XML declaration), sized by CSS."""
    return str(make(url).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, title=url))


def dark_runs(url: str) -> tuple[int, list[tuple[int, int, int]]]:
    """``(size in modules, [(row, first column, length)])`` of the dark modules, row by row."""
    qr = make(url)
    matrix = [list(row) for row in qr.matrix_iter(border=QUIET_ZONE)]
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(matrix):
        start = None
        for c, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                runs.append((r, start, c - start))
                start = None
    return len(matrix), runs
