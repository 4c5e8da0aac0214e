"""Walk one hash chain and name its first broken link.

A chain is a sequence of events numbered 1, 2, 3… where each stores the hash of the one before
(``prev_hash``) and its own hash over that and its canonical encoding (``engine.history.recorder``).
The walk re-computes every hash; the first event whose number, link or hash is not what the chain
before it implies is the break. Rows come in as plain tuples, streamed: no ORM object is built on
this path (verification must run over a province's history in minutes).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any


class BreakKind(enum.StrEnum):
    ALTERED = "altered"        # an event's content no longer matches its hash
    LINK = "link"              # an event does not point at the event before it
    GAP = "gap"                # numbers are missing: events were deleted
    HEAD = "head"              # the chain ends elsewhere than its stored head says
    ROW = "row"                # a row shown beside the history disagrees with the chained events
    ANCHOR = "anchor"          # the chain is not the one the latest signed anchor recorded
    MISSING = "missing"        # an anchored chain (a dossier) is gone
    ANCHOR_INVALID = "anchor_invalid"  # an anchor itself is altered, unsigned or out of its chain


@dataclass(frozen=True)
class Break:
    """The first thing wrong in one chain: where, what was expected and what was found."""

    chain: str                 # the dossier's code, or "admin"
    kind: BreakKind
    message: str
    message_en: str
    seq: int | None = None
    event_id: int | None = None
    event_type: str | None = None
    field: str | None = None
    expected: str | None = None
    found: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value}


# (previous hash, row) -> the hash the row should have.
Digest = Callable[[str | None, Sequence[Any]], str]


@dataclass
class ChainWalk:
    """The running state of one chain's walk. Rows: ``(id, seq, event_type, prev_hash, hash, …)``
    as ``positions`` says; feed them in ``seq`` order, then ``finish`` with the stored head."""

    chain: str
    digest: Digest
    anchored: tuple[int, str] | None = None  # (count, head) the latest signed anchor recorded
    anchor_seq: int | None = None
    seq: int = 0
    head: str | None = None
    broken: Break | None = None

    def feed(self, event_id: int, seq: int, event_type: str, prev_hash: str | None, stored: str,
             row: Sequence[Any]) -> None:
        if self.broken is not None:
            return
        expected_seq = self.seq + 1
        if seq != expected_seq:
            self.broken = self._at(seq, event_id, event_type, Break(
                self.chain, BreakKind.GAP,
                f"Thiếu sự kiện: sau sự kiện số {self.seq} là sự kiện số {seq} ({event_type})",
                f"Events are missing: event {self.seq} is followed by event {seq} ({event_type})",
                expected=str(expected_seq), found=str(seq), field="seq"))
        elif prev_hash != self.head:
            self.broken = self._at(seq, event_id, event_type, Break(
                self.chain, BreakKind.LINK,
                f"Sự kiện số {seq} ({event_type}) không nối với sự kiện trước nó: có sự kiện bị xóa, "
                "chèn hoặc đổi chỗ",
                f"Event {seq} ({event_type}) does not link to the event before it: an event was deleted, "
                "inserted or moved",
                expected=self.head, found=prev_hash, field="prev_hash"))
        else:
            recomputed = self.digest(prev_hash, row)
            if recomputed != stored:
                self.broken = self._at(seq, event_id, event_type, Break(
                    self.chain, BreakKind.ALTERED,
                    f"Sự kiện số {seq} ({event_type}) đã bị sửa sau khi ghi: nội dung không khớp mã băm",
                    f"Event {seq} ({event_type}) was changed after it was written: its content does not "
                    "match its hash",
                    expected=stored, found=recomputed, field="hash"))
        if self.broken is None and self.anchored is not None and seq == self.anchored[0] \
                and stored != self.anchored[1]:
            self.broken = self._at(seq, event_id, event_type, Break(
                self.chain, BreakKind.ANCHOR,
                f"Sự kiện số {seq} khác với mốc neo số {self.anchor_seq}: chuỗi đã bị viết lại từ đầu tới đây",
                f"Event {seq} differs from anchor {self.anchor_seq}: the chain was rewritten up to here",
                expected=self.anchored[1], found=stored, field="anchor"))
        self.seq, self.head = seq, stored

    @staticmethod
    def _at(seq: int, event_id: int, event_type: str, broken: Break) -> Break:
        return replace(broken, seq=seq, event_id=event_id, event_type=event_type)

    def finish(self, count: int | None, head: str | None) -> Break | None:
        """Compare the end of the walk with the head stored beside the chain (None: no stored head)."""
        if self.broken is None and count is not None and (self.seq != (count or 0) or self.head != head):
            self.broken = Break(
                self.chain, BreakKind.HEAD,
                f"Chuỗi kết thúc ở sự kiện số {self.seq}, nhưng đầu chuỗi đã lưu ghi {count or 0} sự kiện: "
                "có sự kiện cuối bị xóa hoặc được thêm ngoài hệ thống",
                f"The chain ends at event {self.seq} but its stored head says {count or 0} events: events at "
                "its end were deleted or added outside the engine",
                seq=self.seq, field="head", expected=f"{count or 0}:{head}", found=f"{self.seq}:{self.head}")
        if self.broken is None and self.anchored is not None and self.seq < self.anchored[0]:
            self.broken = Break(
                self.chain, BreakKind.ANCHOR,
                f"Mốc neo số {self.anchor_seq} ghi {self.anchored[0]} sự kiện, chuỗi chỉ còn {self.seq}: "
                "phần cuối đã bị cắt",
                f"Anchor {self.anchor_seq} recorded {self.anchored[0]} events, the chain has {self.seq}: its tail "
                "was cut", seq=self.seq, field="anchor", expected=f"{self.anchored[0]}:{self.anchored[1]}",
                found=f"{self.seq}:{self.head}")
        return self.broken
