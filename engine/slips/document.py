"""A printed slip as a short list of layout blocks, shared by the HTML and the PDF renderers.

``engine.slips.layout`` writes every word of a slip once, into these blocks; ``render`` turns
them into HTML with Jinja2 and ``pdf`` draws them with fpdf2. So the PDF says exactly what the
HTML says. All text is NFC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from engine.slips.vn import nfc

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", nfc(self.text))


@dataclass(frozen=True)
class Para:
    """A paragraph; ``align`` is L, C, R or J (justified)."""

    block: ClassVar[str] = "para"
    runs: tuple[Run, ...]
    align: str = "J"
    indent: float = 0.0  # mm, the whole paragraph
    space_before: float = 0.0  # mm
    size: float | None = None  # pt; None = the document's size

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Letterhead:
    """Issuing body (left) and the national motto with the place and date (right)."""

    block: ClassVar[str] = "letterhead"
    issuer: str
    parent: str = ""
    number: str = ""
    place_date: str = ""
    motto: str = MOTTO
    motto_sub: str = MOTTO_SUB


@dataclass(frozen=True)
class Title:
    block: ClassVar[str] = "title"
    text: str
    lines: tuple[Para, ...] = ()


@dataclass(frozen=True)
class Cell:
    """A table cell: lines of one style."""

    lines: tuple[str, ...]
    bold: bool = False
    italic: bool = False
    align: str | None = None  # None = the column's
    colspan: int = 1
    rowspan: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(nfc(line) for line in self.lines))


@dataclass(frozen=True)
class Column:
    width: float  # relative
    align: str = "L"


@dataclass(frozen=True)
class Table:
    block: ClassVar[str] = "table"
    columns: tuple[Column, ...]
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    size: float | None = None  # pt; None = the document's size minus one


@dataclass(frozen=True)
class Signature:
    title: str
    note: str = "(Ký và ghi rõ họ tên)"
    name: str = ""


@dataclass(frozen=True)
class Signatures:
    block: ClassVar[str] = "signatures"
    items: tuple[Signature, ...]


@dataclass(frozen=True)
class Notes:
    """Footnotes in small italics under a label such as ``Ghi chú:``."""

    block: ClassVar[str] = "notes"
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class WithQr:
    """Paragraphs beside a QR code (to the right) that opens ``url``."""

    block: ClassVar[str] = "with_qr"
    paras: tuple[Para, ...]
    url: str
    caption: str


Block = Letterhead | Title | Para | Table | Signatures | Notes | WithQr


@dataclass(frozen=True)
class SlipDocument:
    kind: str
    name: str  # the document title, e.g. for <title> and the PDF metadata
    blocks: tuple[Block, ...]
    paper: str = "A4"  # A4 | A5
    landscape: bool = False
    font_size: float = 13.0
    page_numbers: bool = False
    file_stem: str = "phieu"

    def strings(self) -> Iterator[str]:
        """Every piece of text the slip prints, in reading order (for checks and tests)."""
        for block in self.blocks:
            yield from _strings(block)


def _strings(block: Block) -> Iterator[str]:
    if isinstance(block, Letterhead):
        yield from (s for s in (block.parent, block.issuer, block.number, block.motto, block.motto_sub,
                                block.place_date) if s)
    elif isinstance(block, Title):
        yield block.text
        for line in block.lines:
            yield line.text
    elif isinstance(block, Para):
        yield block.text
    elif isinstance(block, Table):
        for row in (*block.head, *block.body):
            for cell in row:
                yield from (line for line in cell.lines if line)
    elif isinstance(block, Signatures):
        for item in block.items:
            yield from (s for s in (item.title, item.note, item.name) if s)
    elif isinstance(block, Notes):
        yield block.title
        yield from block.items
    elif isinstance(block, WithQr):
        for para in block.paras:
            yield para.text
        yield block.caption
