"""Slips as PDF, drawn with fpdf2 (pure Python) from the same layout blocks as the HTML.

The font is Liberation Serif (SIL OFL 1.1, see ``fonts/LICENSE``), the files of Debian's
fonts-liberation2 shipped in this package: metric-compatible with Times New Roman, which Decree
30/2020 prescribes for official documents, covering every Vietnamese letter, embedded and subset
by fpdf2, so the PDF reads the same on any machine. Text is NFC (precomposed letters), which needs
no text shaping.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, TableHeadingsDisplay, TextEmphasis, VAlign, XPos, YPos
from fpdf.fonts import FontFace

from engine.slips import qr
from engine.slips.data import LogbookData, SlipData
from engine.slips.document import (
    Block,
    Cell,
    Letterhead,
    Notes,
    Para,
    Signatures,
    SlipDocument,
    Table,
    Title,
    WithQr,
)
from engine.slips.layout import SlipOptions, compose

FAMILY = "SlipSerif"
FONT_FILES = {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf", "I": "LiberationSerif-Italic.ttf",
              "BI": "LiberationSerif-BoldItalic.ttf"}
PT = 25.4 / 72  # mm per point
LEADING = 1.25  # line height / font size
SIGNATURE_SPACE = 20.0  # mm left blank to sign
# Decree 30/2020: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (A4 portrait).
MARGINS = {  # left, top, right, bottom (mm)
    ("A4", False): (30.0, 20.0, 15.0, 20.0),
    ("A5", False): (20.0, 15.0, 10.0, 15.0),
    ("A4", True): (15.0, 15.0, 12.0, 15.0),
    ("A5", True): (15.0, 12.0, 10.0, 12.0),
}
PAPER = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}  # mm, ISO 216
_ALIGN = {"L": Align.L, "C": Align.C, "R": Align.R, "J": Align.J}


@functools.lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """The TTF of each style (``""``, ``B``, ``I``, ``BI``), shipped in ``engine/slips/fonts``."""
    folder = resources.files("engine.slips") / "fonts"
    paths = {style: Path(str(folder / name)) for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise RuntimeError(f"slip font files missing (was the package installed without its data?): {missing}")
    return paths


def _style(bold: bool, italic: bool) -> str:
    return ("B" if bold else "") + ("I" if italic else "")


class SlipPDF(FPDF):
    """One slip document drawn on A4/A5 pages."""

    def __init__(self, document: SlipDocument) -> None:
        paper = document.paper if document.paper in PAPER else "A4"
        super().__init__(orientation="L" if document.landscape else "P", unit="mm", format=PAPER[paper])
        self.document = document
        left, top, right, bottom = MARGINS[(paper, document.landscape)]
        self.set_margins(left, top, right)
        self.set_auto_page_break(True, bottom + (5 if document.page_numbers else 0))
        for style, path in font_files().items():
            self.add_font(FAMILY, style, str(path))
        self.set_title(document.name)
        self.set_lang("vi")
        self.set_creator("Motcua")
        self.set_font(FAMILY, "", document.font_size)
        self.set_line_width(0.25)

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def size(self) -> float:
        return self.document.font_size

    def line_h(self, size: float | None = None) -> float:
        return (size or self.size) * PT * LEADING

    def fit_size(self, text: str, style: str, size: float, width: float) -> float:
        """The largest size up to ``size`` at which ``text`` fits on one line of ``width``."""
        self.set_font(FAMILY, style, size)
        while size > 8 and self.get_string_width(text) > width:
            size -= 0.5
            self.set_font(FAMILY, style, size)
        return size

    def centered(self, x: float, width: float, text: str, *, style: str = "", size: float | None = None) -> None:
        self.set_font(FAMILY, style, size or self.size)
        self.set_x(x)
        self.multi_cell(width, self.line_h(size), text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def footer(self) -> None:
        if self.document.page_numbers:
            self.set_y(-12)
            self.set_font(FAMILY, "I", 9)
            self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align=Align.C)

    # -- blocks ----------------------------------------------------------------------------------

    def draw(self) -> bytes:
        self.add_page()
        for block in self.document.blocks:
            self.block(block)
        return bytes(self.output())

    def block(self, block: Block) -> None:
        if isinstance(block, Letterhead):
            self.letterhead(block)
        elif isinstance(block, Title):
            self.title_block(block)
        elif isinstance(block, Para):
            self.para(block)
        elif isinstance(block, Table):
            self.grid(block)
        elif isinstance(block, Signatures):
            self.signatures(block)
        elif isinstance(block, Notes):
            self.notes(block)
        elif isinstance(block, WithQr):
            self.with_qr(block)

    def letterhead(self, head: Letterhead) -> None:
        x0, y0, width = self.l_margin, self.y, self.epw
        left_w = width * 0.42
        right_w = width - left_w
        small = self.size - 1
        if head.parent:
            self.centered(x0, left_w, head.parent, size=self.fit_size(head.parent, "", small, left_w))
        self.centered(x0, left_w, head.issuer, style="B", size=small)
        rule_y = self.y + 0.8
        self.line(x0 + left_w * 0.35, rule_y, x0 + left_w * 0.65, rule_y)
        self.set_y(rule_y + 1.5)
        if head.number:
            self.centered(x0, left_w, head.number, size=small)
        left_bottom = self.y

        self.set_y(y0)
        right_x = x0 + left_w
        self.centered(right_x, right_w, head.motto, style="B",
                      size=self.fit_size(head.motto, "B", small, right_w))
        sub_size = self.fit_size(head.motto_sub, "B", self.size, right_w)
        self.centered(right_x, right_w, head.motto_sub, style="B", size=sub_size)
        sub_w = self.get_string_width(head.motto_sub)
        rule_y = self.y + 0.3
        middle = right_x + right_w / 2
        self.line(middle - sub_w / 2, rule_y, middle + sub_w / 2, rule_y)
        self.set_y(rule_y + 2.5)
        if head.place_date:
            self.centered(right_x, right_w, head.place_date, style="I")
        self.set_xy(x0, max(left_bottom, self.y) + 4)

    def title_block(self, title: Title) -> None:
        self.ln(2)
        self.set_font(FAMILY, "B", self.size + 1)
        self.multi_cell(0, self.line_h(self.size + 1), title.text, align=Align.C, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        for line in title.lines:
            self.para(line, after=0.5)
        self.ln(2)

    def para(self, para: Para, *, right_extra: float = 0.0, after: float = 0.8) -> None:
        size = para.size or self.size
        if para.space_before and self.y > self.t_margin:
            self.ln(para.space_before)
        self.set_font(FAMILY, "", size)
        with self.text_columns(text_align=_ALIGN.get(para.align, Align.J), line_height=LEADING,
                               l_margin=self.l_margin + para.indent, r_margin=self.r_margin + right_extra) as cols:
            with cols.paragraph(bottom_margin=after) as paragraph:
                for run in para.runs:
                    self.set_font(FAMILY, _style(run.bold, run.italic), size)
                    paragraph.write(run.text)
        self.set_font(FAMILY, "", self.size)
        self.set_x(self.l_margin)

    def grid(self, table: Table) -> None:
        size = table.size or self.size - 1
        total = sum(c.width for c in table.columns)
        widths = tuple(c.width / total for c in table.columns)
        aligns = tuple("LEFT" if c.align in ("L", "J") else {"C": "CENTER", "R": "RIGHT"}[c.align]
                       for c in table.columns)
        line_height = size * PT * 1.25
        self.set_font(FAMILY, "", size)
        self.ln(0.5)
        with self.table(
            align=Align.L,
            col_widths=widths,
            text_align=aligns,
            line_height=line_height,
            padding=(0.8, 1.2),
            v_align=VAlign.T,
            first_row_as_headings=bool(table.head),
            num_heading_rows=max(1, len(table.head)),
            repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
            headings_style=FontFace(emphasis=""),
        ) as grid:
            for row_cells in (*table.head, *table.body):
                row = grid.row()
                for cell in row_cells:
                    self._cell(row, cell, size)
        self.ln(1.5)
        self.set_font(FAMILY, "", self.size)

    def _cell(self, row: object, cell: Cell, size: float) -> None:
        kwargs: dict[str, object] = {
            "style": FontFace(family=FAMILY, emphasis=TextEmphasis.coerce(_style(cell.bold, cell.italic)),
                              size_pt=size),
            "colspan": cell.colspan,
            "rowspan": cell.rowspan,
            "v_align": VAlign.M if cell.rowspan > 1 or cell.align == "C" and cell.bold else VAlign.T,
        }
        if cell.align:
            kwargs["align"] = {"L": "LEFT", "J": "LEFT", "C": "CENTER", "R": "RIGHT"}[cell.align]
        row.cell("\n".join(cell.lines), **kwargs)  # type: ignore[attr-defined]

    def signatures(self, signatures: Signatures) -> None:
        count = len(signatures.items)
        width = self.epw / count
        height = self.line_h() * 3 + SIGNATURE_SPACE
        if self.will_page_break(height + 4):
            self.add_page()
        self.ln(4)
        y0 = self.y
        for index, item in enumerate(signatures.items):
            x = self.l_margin + index * width
            self.set_y(y0)
            if item.title:
                self.centered(x, width, item.title, style="B")
            if item.note:
                self.centered(x, width, item.note, style="I", size=self.size - 1)
            if item.name:
                self.set_y(y0 + self.line_h() * 2 + SIGNATURE_SPACE)
                self.centered(x, width, item.name, style="B")
        self.set_xy(self.l_margin, y0 + self.line_h() * 3 + SIGNATURE_SPACE + 2)

    def notes(self, notes: Notes) -> None:
        size = self.size - 2
        self.ln(2)
        self.set_font(FAMILY, "BI", size)
        self.multi_cell(0, self.line_h(size), notes.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for item in notes.items:
            self.set_font(FAMILY, "I", size)
            self.multi_cell(0, self.line_h(size), item, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", self.size)

    def with_qr(self, block: WithQr) -> None:
        side = 26.0 if self.document.paper == "A4" else 22.0
        x = self.l_margin + self.epw - side
        y = self.y
        modules, runs = qr.dark_runs(block.url)
        module = side / modules
        self.set_fill_color(0)
        for row, column, length in runs:
            self.rect(x + column * module, y + row * module, length * module, module * 1.02, style="F")
        self.set_xy(x - 2, y + side)
        self.set_font(FAMILY, "I", 8)
        self.multi_cell(side + 4, 8 * PT * 1.2, block.caption, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        qr_bottom = self.y
        self.set_xy(self.l_margin, y)
        for para in block.paras:
            self.para(para, right_extra=side + 4)
        self.set_xy(self.l_margin, max(self.y, qr_bottom + 1))


def document_pdf(document: SlipDocument) -> bytes:
    """The PDF of a slip document."""
    return SlipPDF(document).draw()


def slip_pdf(data: SlipData | LogbookData, options: SlipOptions | None = None) -> bytes:
    """The PDF of a slip's data (see ``engine.slips.data``)."""
    return document_pdf(compose(data, options))
