"""One chain's walk: the first wrong number, link or hash is the break; the end is held to the
stored head and to the anchored head."""

from __future__ import annotations

import hashlib

from engine.audit.chain import BreakKind, ChainWalk


def digest(prev, row):
    return hashlib.sha256(f"{prev}|{row[0]}".encode()).hexdigest()


def chain(*contents: str) -> list[tuple[int, int, str, str | None, str, tuple[str]]]:
    rows, head = [], None
    for seq, content in enumerate(contents, start=1):
        stored = digest(head, (content,))
        rows.append((100 + seq, seq, "e", head, stored, (content,)))
        head = stored
    return rows


def walk(rows, count=None, head=None, anchored=None):
    walker = ChainWalk("HS-1", digest, anchored=anchored, anchor_seq=7 if anchored else None)
    for row in rows:
        walker.feed(*row)
    last = rows[-1][4] if rows else None
    return walker.finish(len(rows) if count is None else count, last if head is None else head)


def test_a_sound_chain_has_no_break():
    assert walk(chain("a", "b", "c")) is None


def test_changed_content_is_altered_at_that_event():
    rows = chain("a", "b", "c")
    rows[1] = (*rows[1][:5], ("B",))
    broken = walk(rows)
    assert (broken.kind, broken.seq, broken.event_id, broken.field) == (BreakKind.ALTERED, 2, 102, "hash")
    assert "Sự kiện số 2" in broken.message and "Event 2" in broken.message_en


def test_a_missing_number_is_a_gap_and_a_wrong_link_a_link():
    rows = chain("a", "b", "c")
    assert walk([rows[0], rows[2]], count=3).kind is BreakKind.GAP
    relinked = chain("a", "b", "c")
    relinked[2] = (103, 3, "e", relinked[0][4], relinked[2][4], ("c",))
    assert walk(relinked).kind is BreakKind.LINK


def test_the_end_is_held_to_the_stored_head():
    rows = chain("a", "b", "c")
    broken = walk(rows[:2], count=3, head=rows[2][4])
    assert (broken.kind, broken.seq, broken.expected.split(":")[0]) == (BreakKind.HEAD, 2, "3")


def test_the_chain_is_held_to_the_anchored_head():
    original, rewritten = chain("a", "b", "c"), chain("a", "X", "c")
    assert walk(original, anchored=(3, original[2][4])) is None
    assert walk(chain("a", "b", "c", "d"), anchored=(3, original[2][4])) is None  # grown since: fine
    broken = walk(rewritten, anchored=(3, original[2][4]))
    assert (broken.kind, broken.seq, broken.field) == (BreakKind.ANCHOR, 3, "anchor")
    cut = walk(original[:2], anchored=(3, original[2][4]))
    assert (cut.kind, cut.seq) == (BreakKind.ANCHOR, 2)
