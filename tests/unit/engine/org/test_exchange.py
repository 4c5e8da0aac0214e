"""Import and export of the organisation: every validation rule in both encodings, all-or-nothing,
idempotent re-import, and CSV ↔ JSON round trips."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from engine.db import Base
from engine.identity.officials import authenticate
from engine.identity.officials import hash_password as real_hash_password
from engine.org import exchange
from engine.org.exchange import (
    CSV_COLUMNS,
    SECTIONS,
    OrgImportError,
    detect_format,
    export_document,
    export_file,
    export_org,
    import_org,
    read_document,
)
from engine.persistence.models import Center, Deputy, LeavePeriod, Official, Unit
from tests.conftest import FIXTURES
from tests.unit.engine.org.conftest import LEADERSHIP, OFFICE

SAMPLE_JSON = (FIXTURES / "org_sample.json").read_bytes()
SAMPLE_CSV = (FIXTURES / "org_sample.csv").read_bytes()
ORG_TABLES = ("deputy", "leave_period", "official_role", "api_token", "official", "unit", "center")


@pytest.fixture(autouse=True)
def fast_hash(monkeypatch):
    """argon2 is slow by design; tests that sign in put the real hash back."""
    monkeypatch.setattr(exchange, "hash_password", lambda password: f"test-hash${password}")


def base() -> dict[str, Any]:
    """A small valid document; each rule below breaks it in one place."""
    return {
        "format": "motcua-org", "version": 1,
        "centers": [
            {"code": "hcc", "name": "Trung tâm HCC tỉnh", "kind": "provincial", "parent": None,
             "agency_identifier": "000.00.00.H49"},
            {"code": "hcc_xa", "name": "Một cửa xã", "kind": "local", "parent": "hcc",
             "agency_identifier": "000.00.01.H49"},
        ],
        "units": [
            {"code": "so", "name": "Sở Tài chính", "kind": "department", "parent": None, "center": "hcc"},
            {"code": "so.phong", "name": "Phòng ĐKKD", "kind": "division", "parent": "so", "center": "hcc"},
        ],
        "officials": [
            {"username": "an", "full_name": "Nguyễn Văn An", "unit": "so.phong", "center": "hcc",
             "roles": ["specialist"], "active": True, "password": "mat-khau-an"},
            {"username": "binh", "full_name": "Trần Thị Bình", "unit": "so.phong", "center": "hcc",
             "roles": ["specialist", "unit_leader"], "active": True},
        ],
        "leave": [{"username": "an", "starts_on": "2026-12-01", "ends_on": "2026-12-05", "reason": "Nghỉ phép"}],
        "deputies": [{"username": "an", "deputy": "binh", "valid_from": "2026-12-01", "valid_to": "2026-12-05"}],
    }


def csv_of(data: dict[str, Any], delimiter: str = ",") -> str:
    """The same document as the CSV layout, sections in the order of SECTIONS."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, delimiter=delimiter)
    writer.writeheader()
    for kind, section in SECTIONS.items():
        for record in data.get(section, []):
            row = {"record": kind}
            for key, value in record.items():
                if isinstance(value, list):
                    value = ";".join(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                row[key] = "" if value is None else value
            writer.writerow(row)
    return out.getvalue()


def csv_row(data: dict[str, Any], section: str, index: int) -> int:
    """The spreadsheet row of a record in ``csv_of(data)`` (the header is row 1)."""
    before = 0
    for other in SECTIONS.values():
        if other == section:
            return 2 + before + index
        before += len(data.get(other, []))
    raise AssertionError(section)


def problems_of(session_factory, clock, content: str | bytes, fmt: str) -> list[Any]:
    with pytest.raises(OrgImportError) as caught, session_factory.begin() as session:
        import_org(session, content, fmt, clock=clock)
    assert caught.value.problems
    for problem in caught.value.problems:
        assert problem.message and problem.message_en and problem.message != problem.message_en
    return caught.value.problems


def has(problems: list[Any], field: str, english: str) -> bool:
    return any(p.field == field and english in p.message_en for p in problems)


def counts(session_factory) -> dict[str, int]:
    with session_factory() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Center, Unit, Official, LeavePeriod, Deputy)}


def wipe_org(session_factory) -> None:
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with session_factory.begin() as session:
        for name in ORG_TABLES:
            session.execute(delete(tables[name]))


def apply(data: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    change(data)
    return data


# Each rule: (name, how to break the base document, section, index, field, English message part).
RULES: list[tuple[str, Callable[[dict[str, Any]], Any], str, int, str, str]] = [
    ("unknown role", lambda d: d["officials"][0].update(roles=["specialist", "boss"]),
     "officials", 0, "roles", "Unknown role: 'boss'"),
    ("unknown parent unit", lambda d: d["units"][1].update(parent="khong_co"),
     "units", 1, "parent", "Unknown parent unit 'khong_co'"),
    ("unknown parent center", lambda d: d["centers"][1].update(parent="khong_co"),
     "centers", 1, "parent", "Unknown parent center 'khong_co'"),
    ("unknown center of a unit", lambda d: d["units"][0].update(center="khong_co"),
     "units", 0, "center", "Unknown center 'khong_co'"),
    ("unknown unit of an official", lambda d: d["officials"][1].update(unit="khong_co"),
     "officials", 1, "unit", "Unknown unit 'khong_co'"),
    ("unknown center of an official", lambda d: d["officials"][1].update(center="khong_co"),
     "officials", 1, "center", "Unknown center 'khong_co'"),
    ("duplicate unit code", lambda d: d["units"].append({**d["units"][0], "name": "Trùng"}),
     "units", 2, "code", "Duplicate unit code 'so'"),
    ("duplicate center code", lambda d: d["centers"].append({**d["centers"][0]}),
     "centers", 2, "code", "Duplicate center code 'hcc'"),
    ("duplicate username", lambda d: d["officials"].append({**d["officials"][1]}),
     "officials", 2, "username", "Duplicate username 'binh'"),
    ("duplicate leave", lambda d: d["leave"].append({**d["leave"][0], "ends_on": "2026-12-09"}),
     "leave", 1, "starts_on", "Duplicate leave"),
    ("duplicate deputy", lambda d: d["deputies"].append({**d["deputies"][0]}),
     "deputies", 1, "valid_from", "Duplicate deputy"),
    ("impossible date", lambda d: d["leave"][0].update(starts_on="2026-13-01"),
     "leave", 0, "starts_on", "Bad date '2026-13-01'"),
    ("date in another format", lambda d: d["deputies"][0].update(valid_to="2026.12.05"),
     "deputies", 0, "valid_to", "Bad date '2026.12.05'"),
    ("leave ending before it starts", lambda d: d["leave"][0].update(ends_on="2026-11-30"),
     "leave", 0, "ends_on", "ends (2026-11-30) before it starts (2026-12-01)"),
    ("deputy period ending before it starts", lambda d: d["deputies"][0].update(valid_to="2026-11-01"),
     "deputies", 0, "valid_to", "ends (2026-11-01) before it starts"),
    ("deputy is the official", lambda d: d["deputies"][0].update(deputy="an"),
     "deputies", 0, "deputy", "cannot be their own deputy"),
    ("unknown deputy", lambda d: d["deputies"][0].update(deputy="khong_ai"),
     "deputies", 0, "deputy", "Unknown official 'khong_ai'"),
    ("leave of an unknown official", lambda d: d["leave"][0].update(username="khong_ai"),
     "leave", 0, "username", "Unknown official 'khong_ai'"),
    ("cycle in the unit tree", lambda d: d["units"][0].update(parent="so.phong"),
     "units", 0, "parent", "Cycle in the unit tree: so → so.phong → so"),
    ("unit its own parent", lambda d: d["units"][0].update(parent="so"),
     "units", 0, "parent", "Cycle in the unit tree: so → so"),
    ("cycle in the center tree", lambda d: d["centers"][0].update(parent="hcc_xa"),
     "centers", 1, "parent", "Cycle in the center tree: hcc_xa → hcc → hcc_xa"),
    ("unknown unit kind", lambda d: d["units"][0].update(kind="phong"),
     "units", 0, "kind", "'phong' is not valid; must be one of: department, division"),
    ("unknown center kind", lambda d: d["centers"][0].update(kind="national"),
     "centers", 0, "kind", "'national' is not valid; must be one of: provincial, local"),
    ("missing name", lambda d: d["units"][1].update(name=""),
     "units", 1, "name", "A required value is missing"),
    ("missing agency identifier", lambda d: d["centers"][0].update(agency_identifier=None),
     "centers", 0, "agency_identifier", "A required value is missing"),
    ("missing username", lambda d: d["officials"][1].update(username="  "),
     "officials", 1, "username", "A required value is missing"),
    ("code with a space", lambda d: d["units"][0].update(code="so tai chinh"),
     "units", 0, "code", "may not contain spaces"),
    ("unknown locality", lambda d: d["centers"][1].update(locality="ubnd_khong_co"),
     "centers", 1, "locality", "Unknown locality 'ubnd_khong_co'"),
    ("bad active flag", lambda d: d["officials"][0].update(active="maybe"),
     "officials", 0, "active", "'maybe' is not true/false"),
    ("bad email", lambda d: d["officials"][0].update(email="an-at-example"),
     "officials", 0, "email", "Bad email address 'an-at-example'"),
    ("short password", lambda d: d["officials"][0].update(password="123"),
     "officials", 0, "password", "at least 8 characters"),
    ("name too long", lambda d: d["officials"][0].update(full_name="A" * 256),
     "officials", 0, "full_name", "Longer than 255 characters"),
]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(("name", "change", "section", "index", "field", "english"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_names_the_row_and_field_and_writes_nothing(session_factory, clock, fmt, name, change, section,
                                                              index, field, english):
    data = apply(base(), change)
    if fmt == "json":
        content, where = json.dumps(data, ensure_ascii=False), f"/{section}/{index}/{field}"
    else:
        content, where = csv_of(data), f"row {csv_row(data, section, index)}: {field}"
    problems = problems_of(session_factory, clock, content, fmt)
    assert has(problems, where, english), [(p.field, p.message_en) for p in problems]
    assert counts(session_factory) == {"center": 0, "unit": 0, "official": 0, "leave_period": 0, "deputy": 0}


def test_the_base_document_is_valid_in_both_encodings(session_factory, clock):
    with session_factory.begin() as session:
        result = import_org(session, json.dumps(base()), "json", clock=clock)
    assert result.counts["officials"] == {"created": 2, "updated": 0, "unchanged": 0}
    with session_factory.begin() as session:
        again = import_org(session, csv_of(base()), "csv", clock=clock)
    assert all(c["created"] == c["updated"] == 0 for c in again.counts.values())


def test_every_problem_is_reported_at_once(session_factory, clock):
    data = base()
    data["officials"][0]["roles"] = ["boss"]
    data["units"][1]["parent"] = "khong_co"
    data["leave"][0]["ends_on"] = "2026-01-01"
    problems = problems_of(session_factory, clock, csv_of(data), "csv")
    # Wrong values and wrong references together, in the order of the file.
    assert [p.field for p in problems] == ["row 5: parent", "row 6: roles", "row 8: ends_on"]
    error = OrgImportError(problems)
    assert "3" in error.message and "nothing was written" in error.message_en


def test_a_wrong_value_does_not_cascade_into_unknown_references(session_factory, clock):
    data = base()
    data["units"][1]["kind"] = "phong"  # so.phong is still known to the officials that name it
    problems = problems_of(session_factory, clock, json.dumps(data), "json")
    assert [p.field for p in problems] == ["/units/1/kind"]


def test_one_bad_row_among_good_ones_imports_nothing(session_factory, clock):
    data = json.loads(SAMPLE_JSON)
    data["deputies"].append({"username": "lanhdao", "deputy": "lanhdao", "valid_from": "2026-12-01",
                             "valid_to": "2026-12-02"})
    problems = problems_of(session_factory, clock, json.dumps(data), "json")
    assert [p.field for p in problems] == ["/deputies/1/deputy"]
    assert counts(session_factory) == {"center": 0, "unit": 0, "official": 0, "leave_period": 0, "deputy": 0}


def test_the_sample_imports_with_its_tree_roles_leave_and_deputies(session_factory, clock):
    with session_factory.begin() as session:
        result = import_org(session, SAMPLE_CSV, "csv", clock=clock)
    assert result.counts == {
        "centers": {"created": 2, "updated": 0, "unchanged": 0},
        "units": {"created": 4, "updated": 0, "unchanged": 0},
        "officials": {"created": 6, "updated": 0, "unchanged": 0},
        "leave": {"created": 1, "updated": 0, "unchanged": 0},
        "deputies": {"created": 1, "updated": 0, "unchanged": 0},
    }
    # quantri's password was given; the others were generated, distinct, and reported once.
    assert set(result.initial_passwords) == {"tiepnhan", "chuyenvien", "chuyenvien2", "lanhdao", "nghihuu"}
    assert len(set(result.initial_passwords.values())) == 5
    assert all(len(p) == 12 for p in result.initial_passwords.values())
    with session_factory() as session:
        units = {u.code: u for u in session.scalars(select(Unit))}
        centers = {c.code: c for c in session.scalars(select(Center))}
        assert units["so_tai_chinh.phong_dkkd"].parent_id == units["so_tai_chinh"].id
        assert units["phuong_hong_gai"].center_id == centers["hcc_hong_gai"].id
        assert centers["hcc_hong_gai"].parent_id == centers["hcc_tinh"].id
        assert centers["hcc_tinh"].kind == "provincial"
        people = {o.username: o for o in session.scalars(select(Official))}
        assert sorted(people["quantri"].roles) == ["admin", "auditor"] and people["quantri"].unit_id is None
        assert people["quantri"].password_hash == "test-hash$quan-tri-2026"
        assert people["nghihuu"].active is False
        assert people["chuyenvien"].unit_code == "so_tai_chinh.phong_dkkd"
        leave = session.scalar(select(LeavePeriod))
        assert (leave.official_id, leave.starts_on, leave.ends_on, leave.reason) == (
            people["chuyenvien"].id, date(2026, 12, 1), date(2026, 12, 5), "Nghỉ phép năm")
        deputy = session.scalar(select(Deputy))
        assert (deputy.official_id, deputy.deputy_id) == (people["chuyenvien"].id, people["chuyenvien2"].id)


def test_reimport_is_idempotent_and_updates_by_code_and_username(session_factory, clock):
    with session_factory.begin() as session:
        import_org(session, SAMPLE_JSON, "json", clock=clock)
    before = counts(session_factory)
    with session_factory.begin() as session:
        again = import_org(session, SAMPLE_CSV, "csv", clock=clock)
    assert all(c == {"created": 0, "updated": 0, "unchanged": c["unchanged"]} for c in again.counts.values())
    assert again.counts["officials"]["unchanged"] == 6 and again.initial_passwords == {}
    assert counts(session_factory) == before

    data = json.loads(SAMPLE_JSON)
    data["units"][1]["name"] = "Phòng Đăng ký kinh doanh và Hộ kinh doanh"
    data["units"][2]["parent"] = "so_tai_chinh"
    data["officials"][2]["roles"] = ["specialist", "unit_leader"]
    data["officials"][5]["active"] = True
    data["officials"][1]["password"] = "mat-khau-moi-khong-dung"  # an import never changes a password
    data["leave"][0]["ends_on"] = "2026-12-08"
    data["deputies"][0]["valid_to"] = "2026-12-08"
    with session_factory() as session:
        hash_before = session.scalar(select(Official.password_hash).where(Official.username == "tiepnhan"))
    with session_factory.begin() as session:
        changed = import_org(session, json.dumps(data), "json", clock=clock)
    assert changed.counts["units"] == {"created": 0, "updated": 2, "unchanged": 2}
    assert changed.counts["officials"] == {"created": 0, "updated": 2, "unchanged": 4}
    assert changed.counts["leave"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert changed.counts["deputies"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert counts(session_factory) == before
    with session_factory() as session:
        minh = session.scalar(select(Official).where(Official.username == "chuyenvien"))
        assert sorted(minh.roles) == ["specialist", "unit_leader"]
        assert session.scalar(select(Official.password_hash).where(Official.username == "tiepnhan")) == hash_before
        assert session.scalar(select(LeavePeriod.ends_on)) == date(2026, 12, 8)
        desk = session.scalar(select(Unit).where(Unit.code == "trung_tam_hcc"))
        assert desk.parent.code == "so_tai_chinh"
    # An empty parent clears it again.
    data["units"][2]["parent"] = None
    with session_factory.begin() as session:
        import_org(session, json.dumps(data), "json", clock=clock)
    with session_factory() as session:
        assert session.scalar(select(Unit.parent_id).where(Unit.code == "trung_tam_hcc")) is None


def test_csv_and_json_round_trip(session_factory, clock):
    with session_factory.begin() as session:
        import_org(session, SAMPLE_JSON, "json", clock=clock)
    with session_factory() as session:
        as_json, as_csv = export_org(session, "json"), export_org(session, "csv")
        csv_bytes = export_file(session, "csv")
    assert read_document(as_json, "json") == read_document(as_csv, "csv")
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and read_document(csv_bytes, "csv") == read_document(as_csv, "csv")
    for text in (as_json, as_csv):
        assert "test-hash" not in text and "quan-tri-2026" not in text and "password_hash" not in text
    exported = json.loads(as_json)
    assert "password" not in exported["officials"][0]
    assert [c["code"] for c in exported["centers"]] == ["hcc_tinh", "hcc_hong_gai"]  # parents first
    assert [c["locality"] for c in exported["centers"]] == [None, "phuong_hong_gai"]
    assert [u["code"] for u in exported["units"]][:2] == ["phuong_hong_gai", "so_tai_chinh"]
    assert exported["units"][2]["code"] == "so_tai_chinh.phong_dkkd"

    # Into an empty database from the CSV export, then back out as JSON: the same document.
    wipe_org(session_factory)
    with session_factory.begin() as session:
        result = import_org(session, csv_bytes, "csv", clock=clock)
    assert set(result.initial_passwords) == {o["username"] for o in exported["officials"]}
    with session_factory() as session:
        assert export_org(session, "json") == as_json
    # And the export imports onto itself without any change.
    with session_factory.begin() as session:
        same = import_org(session, as_csv, "csv", clock=clock)
    assert sum(c["created"] + c["updated"] for c in same.counts.values()) == 0


def test_references_may_point_to_rows_already_in_the_database(session_factory, clock, org):
    data = {
        "units": [{"code": "so_tai_chinh.phong_moi", "name": "Phòng mới", "kind": "division", "parent": LEADERSHIP}],
        "officials": [{"username": "em", "full_name": "Mai Em", "unit": OFFICE, "roles": ["specialist"]}],
        "leave": [{"username": "an", "starts_on": "2026-12-01", "ends_on": "2026-12-02"}],
        "deputies": [{"username": "an", "deputy": "em", "valid_from": "2026-12-01", "valid_to": "2026-12-02"}],
    }
    with session_factory.begin() as session:
        result = import_org(session, json.dumps(data), "json", clock=clock)
    assert result.counts["units"]["created"] == 1 and result.counts["officials"]["created"] == 1
    with session_factory() as session:
        em = session.scalar(select(Official).where(Official.username == "em"))
        assert em.unit_code == OFFICE and em.active is True
        assert session.scalar(select(Deputy.deputy_id).where(Deputy.official_id == org.id("an"))) == em.id

    # A cycle through a unit that only the database knows: the leadership under its own office.
    cycle = {"units": [{"code": LEADERSHIP, "name": "Sở Tài chính", "kind": "department", "parent": OFFICE}]}
    problems = problems_of(session_factory, clock, json.dumps(cycle), "json")
    assert has(problems, "/units/0/parent", f"Cycle in the unit tree: {LEADERSHIP} → {OFFICE} → {LEADERSHIP}")


def test_excel_csv_with_bom_semicolons_and_vietnamese_dates(session_factory, clock):
    data = base()
    data["leave"][0].update(starts_on="1/12/2026", ends_on="05/12/2026")
    data["officials"][1]["active"] = "có"
    content = ("\ufeff" + csv_of(data, delimiter=";")).encode("utf-8")
    with session_factory.begin() as session:
        import_org(session, content, "csv", clock=clock)
    with session_factory() as session:
        leave = session.scalar(select(LeavePeriod))
        assert (leave.starts_on, leave.ends_on) == (date(2026, 12, 1), date(2026, 12, 5))
        roles = session.scalar(select(Official).where(Official.username == "binh")).roles
        assert sorted(roles) == ["specialist", "unit_leader"]  # "specialist;unit_leader" inside a ;-file


@pytest.mark.parametrize(("content", "field", "english"), [
    ("{not json", "/", "Invalid JSON (line 1, column 2)"),
    ("[]", "/", "must be a JSON object"),
    ("[" * 100_000, "/", "nested too deeply"),
    ('{"format": "other"}', "/format", "Must be 'motcua-org'"),
    ('{"version": 2}', "/version", "Unsupported format version: 2"),
    ('{"people": []}', "/people", "Unknown section 'people'"),
    ('{"units": {}}', "/units", "Must be a list"),
    ('{"units": ["so"]}', "/units/0", "Must be a JSON object"),
    ('{"units": [{"code": "so", "name": "Sở", "kind": "department", "chief": "an"}]}', "/units/0/chief",
     "Unknown field 'chief'"),
    ('{"officials": [{"username": "an", "full_name": 7}]}', "/officials/0/full_name", "Must be text"),
    ('{"officials": [{"username": "an", "full_name": "An", "roles": "boss"}]}', "/officials/0/roles",
     "Unknown role: 'boss'"),
])
def test_json_document_problems(session_factory, clock, content, field, english):
    assert has(problems_of(session_factory, clock, content, "json"), field, english)


@pytest.mark.parametrize(("content", "field", "english"), [
    ("", "row 1", "The file is empty"),
    ("code,name\nso,Sở\n", "row 1: record", "The 'record' column"),
    ("record,code,boss\n", "row 1: boss", "Unknown column 'boss'"),
    ("record,code,code\n", "row 1: code", "Column 'code' repeats"),
    ("record,code,name,kind\n\nphong,so,Sở,department\n", "row 3: record", "Unknown record type 'phong'"),
    ("record,code,name,kind,username\nunit,so,Sở,department,an\n", "row 2: username",
     "The column 'username' does not apply to 'unit' records"),
    ("record,code,name,kind\nunit,so,Sở,department,extra\n", "row 2", "more than the 4 header columns"),
    ("record,code,name,kind\nunit,so,S\xe1,department\n".encode("latin-1"), "file", "The file is not UTF-8"),
])
def test_csv_layout_problems(session_factory, clock, content, field, english):
    assert has(problems_of(session_factory, clock, content, "csv"), field, english)


def test_the_last_active_admin_cannot_be_imported_away(session_factory, clock):
    with session_factory.begin() as session:
        import_org(session, SAMPLE_JSON, "json", clock=clock)
    data = json.loads(SAMPLE_JSON)
    data["officials"][0]["roles"] = ["auditor"]
    problems = problems_of(session_factory, clock, json.dumps(data), "json")
    assert has(problems, "/officials/0/roles", "no active administrator")
    data["officials"][0]["roles"] = ["admin"]
    data["officials"][0]["active"] = False
    assert has(problems_of(session_factory, clock, json.dumps(data), "json"), "/officials/0/active",
               "no active administrator")
    data["officials"][4]["roles"] = ["unit_leader", "admin"]  # another admin takes over: fine
    with session_factory.begin() as session:
        import_org(session, json.dumps(data), "json", clock=clock)


def test_initial_passwords_sign_in(session_factory, clock, monkeypatch):
    monkeypatch.setattr(exchange, "hash_password", real_hash_password)
    data = {"officials": [{"username": "an", "full_name": "An", "password": "mat-khau-cua-an"},
                          {"username": "binh", "full_name": "Bình"}]}
    with session_factory.begin() as session:
        result = import_org(session, json.dumps(data), "json", clock=clock)
    assert list(result.initial_passwords) == ["binh"]
    with session_factory() as session:
        assert authenticate(session, "an", "mat-khau-cua-an").username == "an"
        assert authenticate(session, "binh", result.initial_passwords["binh"]).username == "binh"
        assert session.scalar(select(Official.password_hash).where(Official.username == "an")).startswith("$argon2")


def test_format_comes_from_the_file_name():
    assert detect_format("to_chuc.CSV") == "csv" and detect_format("/tmp/org.json") == "json"
    for name in ("org.xlsx", "org", None):
        with pytest.raises(OrgImportError) as caught:
            detect_format(name)
        assert caught.value.problems[0].field == "file"
    with pytest.raises(OrgImportError):
        read_document("{}", "xml")


def test_export_of_an_empty_organisation_imports(session_factory, clock):
    with session_factory() as session:
        document = export_document(session)
        text = export_org(session, "csv")
    assert text.splitlines() == [",".join(CSV_COLUMNS)]
    assert read_document(text, "csv") == document
