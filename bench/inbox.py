"""Latency of the officials' inbox queries on a production-sized PostgreSQL database, in one run.

Run from the project root::

    python -m bench.inbox                                    # 1,000,000 dossiers, 100,000 open tasks,
                                                             # ~2.8M completed tasks: 1-2 min load, 2 CPUs
    python -m bench.inbox --dossiers 20000 --open-tasks 5000 # quick (well under a minute)
    python -m bench.inbox --json                             # exactly one JSON object on stdout

Progress goes to stderr. Benchmarks print figures; they never assert.

What happens:

1. A scratch database ``motcua_inbox_bench`` is (re)created and ``engine.persistence.migrate.upgrade``
   builds the schema; the database is dropped at the end (``finally``), also on errors.
2. Reference rows (the demo province's organisation, ``demo.org_plan``: 6 centers, 154 units, 392
   officials with their roles; 29 procedures with 1-3 versions each) are inserted with SQLAlchemy
   Core (model defaults apply). The bulk tables are loaded with ``COPY ... FROM STDIN (FREEZE)`` in
   one transaction: N dossiers (codes ``{agency}-{yyMMdd}-{NNNN}`` numbered per center per working
   day over two years; Vietnamese applicant names from the demo's name parts; the most recent ones
   open) and their human tasks: M open tasks
   (READY in unit queues, CLAIMED by officials; procedures, centers, communes and officials drawn from
   Zipf-like distributions so a few units and officials are busy), ``--done-per-dossier`` completed
   tasks per closed dossier and one per open dossier. Foreign-key triggers are off during the COPY
   (``session_replication_role = replica``, the data are generated consistent) and the plain indexes of
   ``dossier`` and ``human_task`` are dropped before it and re-created from their own definitions
   after it. Then leave periods and deputies (some officials away today, covered by a colleague), a
   few inactive officials, ``ANALYZE``. COPY FREEZE marks the pages all-visible, as a well-vacuumed
   table would be; a live table has some not-yet-vacuumed pages among its newest (open) rows.
3. Each inbox query is run through ``engine.org.inbox.inbox_listing`` (what the API runs: a page as
   plain rows; ``inbox_page`` reads the same query's HumanTask objects for the officials' pages) /
   ``inbox_counts`` with a real ``Session`` of ``engine.db.make_db_engine``, one session per request,
   the official loaded before the timer starts (as the API's authentication does). psycopg would
   prepare a statement on its 5th execution on a connection, but it forgets its prepared statements
   on every ROLLBACK, which closing a session issues, so each request is planned with its own
   parameter values (as in the API). Officials alternate between the busiest tenth (by the size of
   the view the query reads) and all eligible officials; filter values are drawn from the official's
   own tasks most of the time (so they match) and from anywhere otherwise. All queries' runs are
   shuffled together, after a warm-up. Timed: the function call (SQL and rows, and the officials a
   page names that the session does not hold), with ``time.perf_counter``; the time spent inside
   ``cursor.execute`` is recorded too (``sql`` columns).
4. The plan of the slowest query (highest p95) is shown with ``EXPLAIN (ANALYZE, BUFFERS)``: the SQL
   SQLAlchemy emitted (captured with ``after_cursor_execute``, with its parameters) in the 8 runs that
   spent most time in the database is explained again, and the slowest of those plans is printed.
5. Experiments (``EXPERIMENTS``): a candidate index is created in the scratch database (or the counts
   function is swapped for a rewritten one defined here), every query is measured on the same officials
   and filters, the change is undone and every query is measured again right away, so "with" and
   "without" see the same machine load. Candidates: a pg_trgm GIN index on ``search_text`` (whole
   table, and partial on open tasks), ``ix_human_task_queue`` replaced by a partial index on open tasks
   that carries the filter columns, ``inbox_counts`` as one statement (cross-joined aggregates, and the
   UNION ALL form, which is slower), and the recommended three together. ``--experiments all`` runs
   every experiment on every query; the default, ``auto``, runs only the recommended ones aimed at a
   query that missed the target, on the queries they are aimed at; ``none`` skips them.
"""

from __future__ import annotations

import argparse
import bisect
import json
import operator
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from demo.people import FAMILY_NAMES, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE
from demo.province import COMMUNE_CIVIL_STATUS, COMMUNE_COMMITTEE, COMMUNE_DESK, LOCALITIES

DB_NAME = os.environ.get("MOTCUA_BENCH_INBOX_DATABASE", "motcua_inbox_bench")  # one per person benchmarking
SERVER_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"  # CREATE / DROP DATABASE only
DB_DSN = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
SA_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TARGET_P95_MS = 10.0
PAGE_SIZE = 50  # the API's default ``limit``
HISTORY_YEARS = 2
NULL = "\\N"
DAY = 86400.0

# ----------------------------------------------------------------------------------------- org chart

# The organisation is the demo province's (demo.org_plan): its centers, units and officials. Dossiers
# of a commune-level procedure are received at the commune-level centers' shared desk, appraised by
# the civil-status officials and signed by the commune leaders, those of the dossier's center.
PROVINCIAL_DESK = "trung_tam_hcc"

# key, name, scope, specialist unit, leader unit, consulted units, time limit (working days); most popular first
PROCEDURES = [
    ("certified_copy", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "commune", None, None, [], 0),
    ("dang_ky_bien_dong_dat_dai", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
     "province", "vpdkdd.chi_nhanh", "vpdkdd",
     ["thue_co_so.ke_khai_ke_toan"], 10),
    ("chung_thuc_chu_ky", "Chứng thực chữ ký trong các giấy tờ, văn bản", "commune", None, None, [], 0),
    ("birth_registration_combo", "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
     "commune", None, None, ["cong_an_tinh.phong_canh_sat_qlhc", "bhxh_tinh.phong_quan_ly_thu_so_the"], 3),
    ("judicial_record", "Cấp Phiếu lý lịch tư pháp", "province", "so_tu_phap.phong_hanh_chinh_tu_phap",
     "so_tu_phap", ["cong_an_tinh.phong_ho_so_nghiep_vu", "toa_an_nhan_dan_tinh.van_phong"], 10),
    ("cap_doi_giay_phep_lai_xe", "Cấp đổi giấy phép lái xe", "province", "so_xay_dung.phong_quan_ly_van_tai",
     "so_xay_dung", [], 5),
    ("enterprise_registration", "Đăng ký thành lập doanh nghiệp (công ty TNHH một thành viên)", "province",
     "so_tai_chinh.phong_dkkd", "so_tai_chinh", [], 3),
    ("dang_ky_ket_hon", "Đăng ký kết hôn", "commune", None, None, [], 3),
    ("cap_gcn_lan_dau", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "province",
     "vpdkdd.chi_nhanh", "so_nong_nghiep_moi_truong",
     ["ubnd_xa.dia_chinh", "thue_co_so.ke_khai_ke_toan", "so_nong_nghiep_moi_truong.phong_quan_ly_dat_dai"],
     20),
    ("giai_quyet_che_do_thai_san", "Giải quyết hưởng chế độ thai sản", "province", "bhxh_tinh.phong_che_do_bhxh",
     "bhxh_tinh", [], 6),
    ("dang_ky_thay_doi_noi_dung_dkdn", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "province",
     "so_tai_chinh.phong_dkkd", "so_tai_chinh", [], 3),
    ("xac_nhan_tinh_trang_hon_nhan", "Cấp Giấy xác nhận tình trạng hôn nhân", "commune", None, None, [], 3),
    ("construction_permit", "Cấp giấy phép xây dựng mới đối với công trình không theo tuyến", "province",
     "so_xay_dung.phong_qlhdxd", "so_xay_dung",
     ["cong_an_tinh.phong_canh_sat_pccc", "so_nong_nghiep_moi_truong.chi_cuc_bao_ve_moi_truong"], 20),
    ("dang_ky_khai_tu", "Đăng ký khai tử", "commune", None, None, [], 1),
    ("trich_luc_ho_tich", "Cấp bản sao trích lục hộ tịch", "commune", None, None, [], 1),
    ("dang_ky_ho_kinh_doanh", "Đăng ký thành lập hộ kinh doanh", "commune", None, None,
     ["thue_tinh.phong_quan_ly_ho_kinh_doanh"], 3),
    ("cap_lai_the_bhyt", "Cấp lại, đổi thẻ bảo hiểm y tế", "province", "bhxh_tinh.phong_quan_ly_thu_so_the",
     "bhxh_tinh", [], 5),
    ("dang_ky_dau_noi_dien", "Cấp điện mới từ lưới điện hạ áp", "province", "dien_luc.phong_kinh_doanh",
     "dien_luc", [], 5),
    ("cap_giay_phep_lao_dong", "Cấp giấy phép lao động cho người lao động nước ngoài", "province",
     "so_noi_vu.phong_lao_dong_viec_lam", "so_noi_vu", ["cong_an_tinh.phong_canh_sat_qlhc"], 5),
    ("cap_chung_chi_hanh_nghe_duoc", "Cấp Chứng chỉ hành nghề dược", "province", "so_y_te.phong_nghiep_vu_duoc",
     "so_y_te", [], 10),
    ("cap_ban_sao_van_bang", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "province",
     "so_giao_duc_dao_tao.phong_khao_thi", "so_giao_duc_dao_tao", [], 1),
    ("cap_giay_phep_ban_le_ruou", "Cấp Giấy phép bán lẻ sản phẩm rượu", "province",
     "so_cong_thuong.phong_quan_ly_thuong_mai", "so_cong_thuong", [], 10),
    ("tourist_accommodation_rating", "Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao, 3 sao", "province",
     "so_vhttdl.phong_quan_ly_du_lich", "so_vhttdl", ["hiep_hoi_du_lich"], 21),
    ("cap_giay_phep_kham_chua_benh", "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", "province",
     "so_y_te.phong_nghiep_vu_y", "so_y_te", [], 20),
    ("cap_giay_chung_nhan_dau_tu", "Cấp Giấy chứng nhận đăng ký đầu tư trong khu kinh tế", "province",
     "ban_quan_ly_kkt.phong_quan_ly_dau_tu", "ban_quan_ly_kkt", ["so_tai_chinh.phong_dau_tu"], 15),
    ("cap_giay_phep_moi_truong", "Cấp giấy phép môi trường", "province",
     "so_nong_nghiep_moi_truong.chi_cuc_bao_ve_moi_truong", "so_nong_nghiep_moi_truong",
     ["so_xay_dung.phong_quy_hoach_kien_truc"], 30),
    ("dang_ky_le_hoi", "Đăng ký tổ chức lễ hội", "province", "so_vhttdl.phong_quan_ly_van_hoa", "so_vhttdl", [], 7),
    ("dang_ky_hoat_dong_ton_giao", "Đăng ký hoạt động tôn giáo ở một tỉnh", "province",
     "so_dan_toc_ton_giao.phong_ton_giao", "so_dan_toc_ton_giao", [], 30),
    ("cap_the_apec", "Cho phép sử dụng thẻ đi lại của doanh nhân APEC", "province", "so_ngoai_vu.phong_lanh_su",
     "so_ngoai_vu", ["cong_an_tinh.phong_canh_sat_qlhc"], 15),
]
CONSULT_FALLBACK = ["cong_an_tinh.phong_canh_sat_qlhc", "thue_co_so.ke_khai_ke_toan",
                    "so_nong_nghiep_moi_truong.phong_quan_ly_dat_dai", "so_xay_dung.phong_quy_hoach_kien_truc"]

# stage -> element id, task name, lane, allotted time (calendar days; None = from the procedure's time limit)
STEPS = {
    "intake": ("receive_dossier", "Tiếp nhận hồ sơ", "reception", 0.5),
    "receive": ("receive_supplement", "Tiếp nhận hồ sơ bổ sung", "reception", 2.0),
    "pay": ("collect_fee", "Thu phí, lệ phí", "reception", 3.0),
    "appraise": ("appraise_dossier", "Thẩm định hồ sơ", "specialist", None),
    "consult": ("consult_opinion", "Cho ý kiến của cơ quan phối hợp", "consult", 7.0),
    "approve": ("approve_dossier", "Phê duyệt kết quả", "leader", 2.0),
    "return": ("return_result", "Trả kết quả", "reception", 3.0),
}
PROCESSING_STAGES = [("appraise", 50), ("consult", 12), ("approve", 20), ("return", 18)]
CLAIM_RATE = {"receive": 0.35, "pay": 0.30, "appraise": 0.60, "consult": 0.45, "approve": 0.30, "return": 0.35}
DELEGATED_RATE = 0.05  # of claimed open tasks

def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Zipf:
    """Draws items with weight 1 / rank^s (or explicit weights)."""

    def __init__(self, items: list[Any], rng: random.Random, s: float = 1.0,
                 weights: list[float] | None = None) -> None:
        self.items = items
        self.rng = rng
        weights = weights or [1.0 / (rank + 1) ** s for rank in range(len(items))]
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self) -> Any:
        return self.items[bisect.bisect_right(self.cum, self.rng.random() * self.total)]

    def share(self, index: int) -> float:
        return (self.cum[index] - (self.cum[index - 1] if index else 0.0)) / self.total


def ts(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(epoch))


def quantile_ms(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0] * 1000
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[round(q * 100) - 1] * 1000


# ------------------------------------------------------------------------------------------ database


def create_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


class CopyLayout:
    """Maps the generator's fixed column tuple onto the table as migrated.

    Known columns missing from the database are left out; NOT NULL columns without a server default that
    the generator does not know get the model's scalar default (or an empty value of their type).
    """

    def __init__(self, cur: Any, table: str, known: tuple[str, ...], notes: list[str]) -> None:
        from engine.db import Base

        cur.execute("select column_name, is_nullable, column_default, data_type from information_schema.columns "
                    "where table_name = %s order by ordinal_position", (table,))
        columns = cur.fetchall()
        present = {c[0] for c in columns}
        keep = [i for i, name in enumerate(known) if name in present]
        self.columns = [known[i] for i in keep]
        extras: list[str] = []
        model_table = Base.metadata.tables.get(table)
        for name, nullable, default, data_type in columns:
            if name in known or nullable == "YES" or default is not None:
                continue
            value = _fill_value(model_table, name, data_type)
            extras.append(value)
            self.columns.append(name)
            notes.append(f"{table}.{name}: not generated, filled with {value!r}")
        missing = [name for name in known if name not in present]
        if missing:
            notes.append(f"{table}: generated columns absent from the schema, skipped: {', '.join(missing)}")
        self.suffix = "".join("\t" + v for v in extras)
        self.pick: Callable[[tuple[str, ...]], tuple[str, ...]] | None = None
        if len(keep) != len(known):
            getter = operator.itemgetter(*keep)
            self.pick = lambda row: getter(row) if len(keep) > 1 else (getter(row),)
        self.sql = f"COPY {table} ({', '.join(self.columns)}) FROM STDIN (FREEZE)"

    def line(self, row: tuple[str, ...]) -> str:
        if self.pick is not None:
            row = self.pick(row)
        return "\t".join(row) + self.suffix + "\n"


def _fill_value(model_table: Any, name: str, data_type: str) -> str:
    column = model_table.c.get(name) if model_table is not None else None
    default = getattr(column, "default", None) if column is not None else None
    if default is not None and getattr(default, "is_scalar", False):
        value = default.arg
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(getattr(value, "value", value))
    if "int" in data_type or data_type in ("numeric", "double precision", "real"):
        return "0"
    if data_type == "boolean":
        return "f"
    if data_type in ("json", "jsonb"):
        return "{}"
    if "timestamp" in data_type:
        return ts(time.time())
    if data_type == "date":
        return date.today().isoformat()
    return ""


# ---------------------------------------------------------------------------------------- generation


DOSSIER_COLUMNS = (
    "id", "code", "procedure_version_id", "center_id", "channel", "status", "applicant_name", "applicant",
    "received_at", "due_at", "original_due_at", "paused_at", "paused_reason", "paused_seconds",
    "supplement_requests", "extended", "extended_due_at", "late_by_rule", "timeliness", "deadline_state",
    "apology_required", "completed_at", "result_element_id", "result_name", "wake_at", "created_by_id", "state",
    "data", "row_version", "event_count", "last_event_hash",
)
TASK_COLUMNS = (
    "id", "dossier_id", "element_id", "name", "lane", "department", "candidate_role", "stage", "form_name",
    "status", "assignee_id", "delegated_by_id", "assigned_at", "procedure_key", "center_id", "dossier_code",
    "search_text", "ready_at", "claimed_at", "completed_at", "completed_by_id", "due_at", "deadline_state",
    "submitted_data",
)


@dataclass
class Proc:
    rank: int
    key: str
    name: str
    scope: str
    specialist_unit: str | None
    leader_unit: str | None
    consult_units: list[str]
    limit_days: int
    version_ids: list[int] = field(default_factory=list)


@dataclass
class LoadResult:
    seconds: dict[str, float]
    counts: dict[str, int]
    officials: dict[int, dict[str, Any]]
    procedure_keys: list[str]
    stages: list[str]
    center_ids: list[int]
    notes: list[str]
    done_per_dossier: int


class Generator:
    """Builds the org chart and catalog, then streams dossiers and tasks into COPY."""

    def __init__(self, seed: int, now: datetime) -> None:
        from engine.org.text import fold

        self.fold = fold
        self.rng = random.Random(seed)
        self.now = now
        self.now_epoch = now.timestamp()
        self.today = now.astimezone(TIMEZONE).date()
        self.notes: list[str] = []
        # The demo's name parts (Faker's vi_VN locale), drawn with this generator's own random source:
        # a Faker call per part would make the million-dossier load several times slower. Family names
        # come most common first, so a Zipf draw gives Nguyễn its large share.
        self.family = Zipf(list(FAMILY_NAMES), self.rng, s=1.0)
        self.name_parts_folded = {part: fold(part) for part in
                                  FAMILY_NAMES + MIDDLE_MALE + MIDDLE_FEMALE + GIVEN_MALE + GIVEN_FEMALE}

    # -- names
    def person(self) -> tuple[str, str]:
        """A Vietnamese full name and its folded form (what fold() gives, computed from folded parts)."""
        rng = self.rng
        family = self.family()
        if rng.random() < 0.5:
            middle, given = MIDDLE_MALE, GIVEN_MALE
        else:
            middle, given = MIDDLE_FEMALE, GIVEN_FEMALE
        parts = [family, rng.choice(middle)]
        if rng.random() < 0.15:
            parts.append(rng.choice(middle))
        parts.append(rng.choice(given))
        folded = self.name_parts_folded
        return " ".join(parts), " ".join(folded[p] for p in parts)

    # -- reference rows
    def reference_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The demo province's organisation (``demo.org_plan``) as rows, and the procedure catalog."""
        from demo.org_plan import locality_unit, plan_org

        rng = self.rng
        created = self.now - timedelta(days=900)
        plan = plan_org()
        center_ids = {spec.code: i for i, spec in enumerate(plan.centers, start=1)}
        centers = [{"id": center_ids[c.code], "code": c.code, "name": c.name, "agency_identifier": c.agency_identifier,
                    "kind": c.kind, "parent_id": center_ids[c.parent] if c.parent else None} for c in plan.centers]
        self.centers = [(c.agency_identifier, c.kind) for c in plan.centers]
        self.unit_ids = {spec.code: i for i, spec in enumerate(plan.units, start=1)}
        units = [{"id": self.unit_ids[u.code], "code": u.code, "name": u.name, "kind": u.kind,
                  "parent_id": self.unit_ids[u.parent] if u.parent else None,
                  "center_id": center_ids[u.center] if u.center else None} for u in plan.units]
        self.communes = [(locality_unit(slug), center_ids[center]) for slug, _name, center in LOCALITIES]
        self.commune_names = {locality_unit(slug): name for slug, name, _center in LOCALITIES}

        # Officials: (unit, role) pools, and per center; the order of a pool is the Zipf rank (first = busiest).
        officials: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        self.pools: dict[tuple[str, str], list[int]] = defaultdict(list)
        center_pools: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for oid, spec in enumerate(plan.officials, start=1):
            center = center_ids[spec.center] if spec.center else None
            officials.append({"id": oid, "username": spec.username, "full_name": spec.full_name,
                              "password_hash": "bench-not-a-hash",
                              "unit_id": self.unit_ids[spec.unit] if spec.unit else None,
                              "center_id": center, "active": spec.active, "created_at": created})
            for role in spec.roles:
                roles.append({"official_id": oid, "role": role})
                if spec.unit and spec.active:
                    self.pools[(spec.unit, role)].append(oid)
                    if center is not None:
                        center_pools[(spec.unit, role, center)].append(oid)
        for pool in [*self.pools.values(), *center_pools.values()]:
            rng.shuffle(pool)
        self.pool_pickers: dict[tuple[Any, ...], Zipf] = {key: Zipf(pool, rng, s=1.1)
                                                          for key, pool in [*self.pools.items(), *center_pools.items()]}
        self.officials = officials

        procedures: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        self.procs: list[Proc] = []
        for rank, (key, name, scope, spec_unit, leader_unit, consult, limit) in enumerate(PROCEDURES):
            proc = Proc(rank, key, name, scope, spec_unit, leader_unit, consult, limit)
            procedures.append({"id": rank + 1, "key": key, "name": name, "name_en": None, "national_code": None,
                               "created_at": created})
            for version in range(1, 2 + rank % 3):
                vid = len(versions) + 1
                versions.append({
                    "id": vid, "procedure_id": rank + 1, "version": version,
                    "content_hash": f"{rank:04d}{version:04d}".ljust(64, "0"), "process_id": key,
                    "bpmn_xml": "<definitions/>", "spec_json": "{}", "forms": {},
                    "metadata": {"key": key, "name": {"vi": name}, "time_limit": {"value": limit,
                                                                                   "unit": "working_days"}},
                    "elements": {}, "deployed_at": created + timedelta(days=30 * version), "deployed_by": "bench"})
                proc.version_ids.append(vid)
            self.procs.append(proc)
        self.proc_pick = Zipf(self.procs, rng, s=1.0)
        self.local_center_pick = Zipf([center_ids[c.code] for c in plan.centers if c.kind == "local"], rng, s=0.8)
        self.commune_pick = Zipf(self.communes, rng, s=1.0)
        return {"center": centers, "unit": units, "official": officials, "official_role": roles,
                "procedure": procedures, "procedure_version": versions}

    def picker(self, unit: str, role: str, center: int) -> Zipf | None:
        """Who of ``unit`` with ``role`` takes a task of a dossier of ``center``: its own people if any."""
        return self.pool_pickers.get((unit, role, center)) or self.pool_pickers.get((unit, role))

    def pick(self, unit: str, role: str, center: int) -> int:
        picker = self.picker(unit, role, center)
        if picker is None:
            raise KeyError(f"nobody in {unit} with role {role}")
        return int(picker())

    def desk(self, center: int) -> str:
        """Where ``center`` receives dossiers: the provincial desk, or the commune-level centers' shared one."""
        return PROVINCIAL_DESK if center == 1 else COMMUNE_DESK[0]

    # -- where a step of a dossier waits: (department, role, lane)
    def queue_of(self, proc: Proc, stage: str, center: int, avoid: str | None = None) -> tuple[str, str, str]:
        lane = STEPS[stage][2]
        if lane == "consult":
            choices = [u for u in (proc.consult_units or CONSULT_FALLBACK) if u != avoid] or CONSULT_FALLBACK
            return self.rng.choice(choices), "specialist", "consult"
        if lane == "reception":
            return self.desk(center), "reception", lane
        if proc.scope == "commune":
            if lane == "specialist":
                return COMMUNE_CIVIL_STATUS[0], "specialist", lane
            return COMMUNE_COMMITTEE[0], "unit_leader", lane
        if lane == "specialist":
            return proc.specialist_unit or "", "specialist", lane
        return proc.leader_unit or "", "unit_leader", lane

    def uuid_text(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def workdays(self) -> list[date]:
        start = self.today - timedelta(days=365 * HISTORY_YEARS)
        days = []
        day = start
        while day <= self.today:
            if day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days

    def stream(self, n_dossiers: int, n_open_tasks: int, done_per_dossier: int,
               dossier_layout: CopyLayout, task_layout: CopyLayout, dossier_sink: Callable[[str], None],
               task_sink: Callable[[str], None]) -> dict[str, int]:
        """Generate every dossier and task line; dossiers go to ``dossier_sink``, tasks to ``task_sink``."""
        rng = self.rng
        now = self.now_epoch
        days = self.workdays()
        n_days = len(days)
        day_text = [d.strftime("%y%m%d") for d in days]
        # 01:00 UTC = 08:00 in Vietnam: intake runs 08:00-17:00 local time.
        day_start = [datetime(d.year, d.month, d.day, 1, tzinfo=UTC).timestamp() for d in days]
        if day_start[-1] + 9 * 3600 > now:  # today: only what was received so far
            day_start[-1] = min(day_start[-1], now - 9 * 3600)

        # Open dossiers: among the most recent ones, more likely the newer they are.
        open_target = min(n_dossiers, max(1, round(n_open_tasks / 1.1)))
        window = min(n_dossiers, int(open_target * 2.5))
        first = n_dossiers - window
        tasks_of = bytearray(n_dossiers)  # open tasks per dossier; 0 = closed
        scale = 2.0 * open_target / window
        chosen = [i for i in range(first, n_dossiers) if rng.random() < scale * (i - first + 1) / window]
        if len(chosen) > n_open_tasks:
            chosen = sorted(rng.sample(chosen, n_open_tasks))
        for i in chosen:
            tasks_of[i] = 1
        extra = n_open_tasks - len(chosen)
        while extra > 0 and chosen:
            for i in rng.sample(chosen, min(extra, len(chosen))):
                tasks_of[i] += 1
            extra = n_open_tasks - sum(tasks_of[i] for i in chosen)

        centers = self.centers
        counters = [0] * (len(centers) + 1)
        current_day = -1
        folded_code_cache: dict[str, str] = {}
        self.claimed: Counter[int] = Counter()
        self.delegated: Counter[int] = Counter()
        stats: Counter[str] = Counter()
        processing = Zipf([s for s, _ in PROCESSING_STAGES], rng, weights=[w for _, w in PROCESSING_STAGES])
        dossier_buf: list[str] = []
        task_buf: list[str] = []
        d_line = dossier_layout.line
        t_line = task_layout.line
        fold_check = 0
        def task(of: tuple[str, str, str, str, str], stage: str, department: str, role: str, lane: str,
                 status: str, assignee: str, delegated_by: str, ready: float, claimed: float | None,
                 completed: float | None, due_at: float) -> None:
            element, task_name = STEPS[stage][0], STEPS[stage][1]
            task_buf.append(t_line((
                self.uuid_text(), of[0], element, task_name, lane, department, role,
                "receive" if stage == "intake" else stage, f"{element}.json", status, assignee, delegated_by,
                ts(claimed) if claimed is not None else NULL, of[1], of[2], of[3], of[4],
                ts(ready), ts(claimed) if claimed is not None else NULL,
                ts(completed) if completed is not None else NULL,
                assignee if completed is not None else NULL, ts(due_at),
                "overdue" if due_at < now else ("due_soon" if due_at < now + DAY else "on_track"),
                '{"opinion": "Hồ sơ hợp lệ, đề nghị giải quyết"}' if completed is not None else NULL)))

        for i in range(n_dossiers):
            pos = i * n_days / n_dossiers
            day_index = int(pos)
            if day_index != current_day:
                current_day = day_index
                counters = [0] * (len(centers) + 1)
            received = day_start[day_index] + (pos - day_index) * 9 * 3600 + rng.random() * 20
            proc: Proc = self.proc_pick()
            commune = None
            if proc.scope == "commune":
                commune, center = self.commune_pick()
            else:
                center = 1 if rng.random() < 0.55 else self.local_center_pick()
            counters[center] += 1
            agency = centers[center - 1][0]
            code = f"{agency}-{day_text[day_index]}-{counters[center]:04d}"
            name, folded_name = self.person()
            code_folded = folded_code_cache.get(agency)
            if code_folded is None:
                code_folded = folded_code_cache[agency] = self.fold(agency)
            search_text = f"{code_folded}{code[len(agency):].lower()} {folded_name}"
            if fold_check < 2000:  # the shortcut must give exactly what the engine's fold() gives
                fold_check += 1
                if search_text != self.fold(f"{code} {name}"):
                    stats["fold_mismatch"] += 1
            dossier_id = i + 1
            version_id = proc.version_ids[-1] if rng.random() < 0.85 else rng.choice(proc.version_ids)
            limit_span = max(proc.limit_days * 1.4, 0.2) * DAY
            due = received + limit_span
            channel = "online" if rng.random() < 0.42 else ("postal" if rng.random() < 0.08 else "direct")
            created_by = NULL
            if channel == "direct":
                created_by = str(self.pick(self.desk(center), "reception", center))
            n_open = tasks_of[i]
            supplement_requests = 0
            completed_at = NULL
            timeliness = NULL
            result_name = NULL
            result_element = NULL
            if n_open:
                r = rng.random()
                status = "processing" if r < 0.80 else ("awaiting_supplement" if r < 0.92 else "awaiting_payment")
                if status == "awaiting_supplement":
                    supplement_requests = 1
                deadline_state = "overdue" if due < now else ("due_soon" if due < now + DAY else "on_track")
                event_count = 4
            else:
                r = rng.random()
                status = "completed" if r < 0.93 else ("refused" if r < 0.97 else "withdrawn")
                finished = received + limit_span * (0.2 + rng.random() * 1.0)
                finished = min(finished, now - 60)
                completed_at = ts(finished)
                timeliness = "late" if finished > due else ("early" if finished < due - DAY else "on_time")
                deadline_state = "overdue" if finished > due else "on_track"
                result_element = "return_result"
                result_name = "Trả kết quả" if status == "completed" else "Trả văn bản từ chối"
                event_count = 12
            id_number = f"0{rng.randrange(10**10, 10**11)}"
            phone = f"09{rng.randrange(10**7, 10**8)}"
            address = self.commune_names[commune] if commune else self.commune_names[self.communes[0][0]]
            applicant = (f'{{"applicant_name": "{name}", "id_number": "{id_number}", "phone": "{phone}", '
                         f'"address": "Tổ {rng.randrange(1, 20)}, khu {rng.randrange(1, 9)}, {address}"}}')
            due_text = ts(due)
            dossier_buf.append(d_line((
                str(dossier_id), code, str(version_id), str(center), channel, status, name, applicant,
                ts(received), due_text, due_text, NULL, NULL, "0", str(supplement_requests), "f", NULL, "f",
                timeliness, deadline_state, "f", completed_at, result_element, result_name, NULL, created_by,
                "{}", "{}", f"{rng.getrandbits(128):032x}", str(event_count), NULL)))
            stats[f"dossier_{status}"] += 1

            of = (str(dossier_id), proc.key, str(center), code, search_text)

            if n_open:
                # The intake step is done; the current step(s) are open.
                intake_done = received + 600 + rng.random() * 3600
                dept, role, lane = self.queue_of(proc, "intake", center)
                who = str(self.pick(dept, role, center))
                task(of, "intake", dept, role, lane, "completed", who, NULL, received, received, intake_done,
                     received + 0.5 * DAY)
                stats["tasks_completed"] += 1
                first_stage = {"awaiting_supplement": "receive", "awaiting_payment": "pay"}.get(status) or processing()
                previous_unit = None
                for k in range(n_open):
                    stage = first_stage if k == 0 else "consult"
                    dept, role, lane = self.queue_of(proc, stage, center, avoid=previous_unit)
                    previous_unit = dept
                    ready = max(intake_done + 60, now - rng.expovariate(1 / (1.5 * DAY)))
                    allotted = STEPS[stage][3]
                    if allotted is None:
                        allotted = max(1.0, 0.6 * proc.limit_days * 1.4)
                    due_at = ready + allotted * DAY
                    pool = self.picker(dept, role, center)
                    if pool is not None and rng.random() < CLAIM_RATE[stage]:
                        assignee = pool()
                        delegated_by = NULL
                        if rng.random() < DELEGATED_RATE and len(pool.items) > 1:
                            by = pool()
                            while by == assignee:
                                by = pool()
                            delegated_by = str(by)
                            self.delegated[by] += 1
                        claimed_at = ready + rng.random() * min(now - ready, DAY)
                        self.claimed[assignee] += 1
                        task(of, stage, dept, role, lane, "claimed", str(assignee), delegated_by, ready, claimed_at,
                             None, due_at)
                        stats["tasks_claimed"] += 1
                    else:
                        task(of, stage, dept, role, lane, "ready", NULL, NULL, ready, None, None, due_at)
                        stats["tasks_ready"] += 1
                    if due_at < now:
                        stats["tasks_open_overdue"] += 1
            else:
                span = float(max(finished - received, 600.0))
                marks = sorted(rng.random() for _ in range(2 * done_per_dossier))
                for k, stage in enumerate(("intake", "appraise", "approve", "return")[:done_per_dossier]):
                    dept, role, lane = self.queue_of(proc, stage, center)
                    who = str(self.pick(dept, role, center))
                    ready = received + span * marks[2 * k]
                    done = received + span * marks[2 * k + 1]
                    allotted = STEPS[stage][3] or max(0.5, 0.6 * proc.limit_days * 1.4)
                    task(of, stage, dept, role, lane, "completed", who, NULL, ready, ready, done,
                         ready + allotted * DAY)
                    stats["tasks_completed"] += 1
            if len(dossier_buf) >= 5000:
                dossier_sink("".join(dossier_buf))
                dossier_buf.clear()
            if len(task_buf) >= 20000:
                task_sink("".join(task_buf))
                task_buf.clear()
        if dossier_buf:
            dossier_sink("".join(dossier_buf))
        if task_buf:
            task_sink("".join(task_buf))
        return dict(stats)

    def leave_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
        """Leave periods and deputies: busy officials away today (covered), past and future leave,
        standing deputies of officials who are present; and three officials to deactivate."""
        rng = self.rng
        today = self.today
        leaves: list[dict[str, Any]] = []
        deputies: list[dict[str, Any]] = []
        pool_of: dict[int, tuple[str, str]] = {}
        for key, pool in self.pools.items():
            for oid in pool:
                pool_of.setdefault(oid, key)
        busy = [oid for oid, _ in self.claimed.most_common() if len(self.pools[pool_of[oid]]) > 1]
        away = busy[:40:4][:10]  # every fourth of the 40 busiest: busy, but not all the top ones
        inactive = busy[42:48:2][:3]
        for oid in away + inactive:
            pool = [p for p in self.pools[pool_of[oid]] if p != oid and p not in away and p not in inactive]
            if not pool:
                continue
            deputy = pool[0] if rng.random() < 0.6 else rng.choice(pool)
            deputies.append({"official_id": oid, "deputy_id": deputy, "valid_from": today - timedelta(days=60),
                             "valid_to": today + timedelta(days=120)})
            if oid in away:
                leaves.append({"official_id": oid, "starts_on": today - timedelta(days=rng.randrange(0, 4)),
                               "ends_on": today + timedelta(days=rng.randrange(1, 8)), "reason": "Nghỉ phép năm"})
        others = [o["id"] for o in self.officials if o["id"] in pool_of and o["id"] not in away
                  and o["id"] not in inactive]
        for oid in rng.sample(others, 30):  # past leave
            start = today - timedelta(days=rng.randrange(20, 400))
            leaves.append({"official_id": oid, "starts_on": start,
                           "ends_on": start + timedelta(days=rng.randrange(1, 10)),
                           "reason": rng.choice(["Nghỉ phép năm", "Đi công tác", "Đi học tập trung"])})
        for oid in rng.sample(others, 10):  # future leave
            start = today + timedelta(days=rng.randrange(3, 60))
            leaves.append({"official_id": oid, "starts_on": start,
                           "ends_on": start + timedelta(days=rng.randrange(1, 10)), "reason": "Nghỉ phép năm"})
        for oid in rng.sample(others, 40):  # standing deputies of officials who are at work
            pool = [p for p in self.pools[pool_of[oid]] if p != oid]
            if pool:
                deputies.append({"official_id": oid, "deputy_id": rng.choice(pool),
                                 "valid_from": today - timedelta(days=rng.randrange(30, 300)),
                                 "valid_to": today + timedelta(days=rng.randrange(-20, 200))})
        return leaves, deputies, inactive


def load(args: argparse.Namespace, now: datetime) -> LoadResult:
    import psycopg
    from sqlalchemy import insert, text, update

    from engine.db import make_db_engine
    from engine.persistence import models as m
    from engine.persistence.migrate import upgrade

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    create_database()
    db = make_db_engine(SA_URL)
    try:
        upgrade(db)
        seconds["create_and_migrate"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        gen = Generator(args.seed, now)
        reference = gen.reference_rows()
        with db.begin() as conn:
            for table, model in (("center", m.Center), ("unit", m.Unit), ("official", m.Official),
                                 ("official_role", m.OfficialRole), ("procedure", m.Procedure),
                                 ("procedure_version", m.ProcedureVersion)):
                conn.execute(insert(model), reference[table])
        seconds["reference_rows"] = time.perf_counter() - t1
    finally:
        db.dispose()

    notes = gen.notes
    log(f"[load] {len(reference['official'])} officials in {len(reference['unit'])} units; generating "
        f"{args.dossiers:,} dossiers, {args.open_tasks:,} open tasks, {args.done_per_dossier} done per closed dossier")
    with psycopg.connect(DB_DSN, autocommit=False) as pg, pg.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK trigger per row; data are consistent
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SELECT indexdef, indexname FROM pg_indexes i WHERE tablename IN ('dossier', 'human_task') "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                    "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)")
        plain_indexes = cur.fetchall()
        for _def, name in plain_indexes:
            cur.execute(f"DROP INDEX {name}")
        cur.execute("TRUNCATE dossier, human_task CASCADE")  # COPY FREEZE needs the tables emptied here
        dossier_layout = CopyLayout(cur, "dossier", DOSSIER_COLUMNS, notes)
        task_layout = CopyLayout(cur, "human_task", TASK_COLUMNS, notes)

        t2 = time.perf_counter()
        with tempfile.TemporaryFile(prefix="motcua_inbox_tasks_") as spool:
            def task_sink(chunk: str) -> None:
                spool.write(chunk.encode())

            with cur.copy(dossier_layout.sql) as copy:
                stats = gen.stream(args.dossiers, args.open_tasks, args.done_per_dossier, dossier_layout,
                                   task_layout, lambda chunk: copy.write(chunk.encode()), task_sink)
            seconds["dossiers_generate_and_copy"] = time.perf_counter() - t2
            log(f"[load] dossiers copied in {seconds['dossiers_generate_and_copy']:.1f} s; copying tasks")
            t3 = time.perf_counter()
            spool.seek(0)
            with cur.copy(task_layout.sql) as copy:
                while chunk := spool.read(8 << 20):
                    copy.write(chunk)
            seconds["tasks_copy"] = time.perf_counter() - t3
        if stats.get("fold_mismatch"):
            notes.append(f"search_text differs from fold() on {stats['fold_mismatch']} of the first 2000 dossiers")
        log(f"[load] tasks copied in {seconds['tasks_copy']:.1f} s; building {len(plain_indexes)} indexes")
        t4 = time.perf_counter()
        for indexdef, _name in plain_indexes:
            cur.execute(indexdef)
        seconds["index_build"] = time.perf_counter() - t4
        pg.commit()

    leaves, deputies, inactive = gen.leave_rows()
    t5 = time.perf_counter()
    db = make_db_engine(SA_URL)
    try:
        with db.begin() as conn:
            if leaves:
                conn.execute(insert(m.LeavePeriod), leaves)
            if deputies:
                conn.execute(insert(m.Deputy), deputies)
            if inactive:
                conn.execute(update(m.Official).where(m.Official.id.in_(inactive)).values(active=False))
            for table in ("center", "unit", "official", "procedure", "procedure_version", "dossier",
                          "leave_period", "deputy"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        with db.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    finally:
        db.dispose()
    seconds["leave_deputies_analyze"] = time.perf_counter() - t5
    seconds["total"] = time.perf_counter() - t0

    counts = {k: int(v) for k, v in stats.items() if k != "fold_mismatch"}
    counts["officials"] = len(reference["official"])
    counts["units"] = len(reference["unit"])
    counts["procedure_versions"] = len(reference["procedure_version"])
    counts["leave_periods"] = len(leaves)
    counts["deputies"] = len(deputies)
    return LoadResult(
        seconds={k: round(v, 2) for k, v in seconds.items()}, counts=counts,
        officials={o["id"]: o for o in reference["official"]}, procedure_keys=[p.key for p in gen.procs],
        stages=[s for s in STEPS if s != "intake"], center_ids=list(range(1, len(gen.centers) + 1)), notes=notes,
        done_per_dossier=args.done_per_dossier)


def _scalar(conn: Any, sql: str, params: tuple[Any, ...] | None = None) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


def table_sizes() -> dict[str, Any]:
    import psycopg

    with psycopg.connect(DB_DSN) as conn:
        rows = conn.execute(
            "SELECT c.relname, 0, pg_table_size(c.oid), pg_indexes_size(c.oid), "
            "pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC").fetchall()
        rows = [(r[0], _scalar(conn, f'SELECT count(*) FROM "{r[0]}"'), *r[2:]) for r in rows]
        indexes = conn.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = 'human_task'::regclass ORDER BY 2 DESC").fetchall()
    return {
        "tables": [{"table": r[0], "rows": int(r[1]), "table_bytes": int(r[2]), "index_bytes": int(r[3]),
                    "total_bytes": int(r[4])} for r in rows if r[4] > 16384 or r[1] > 0],
        "human_task_indexes": {name: int(size) for name, size in indexes},
    }


# --------------------------------------------------------------------------------------- measurement


@dataclass
class Case:
    query: str
    official_id: int
    stratum: str  # busy | any
    filters: Any
    cursor: str | None = None
    code: str | None = None  # dossier_page: the dossier


@dataclass
class Run:
    seconds: float
    sql_seconds: float
    statements: list[tuple[str, Any, float]]
    rows: int


class GcPauses:
    """The garbage collector's pauses during the timed runs, by generation (gc.callbacks)."""

    def __init__(self) -> None:
        self._started = 0.0
        self.seconds: dict[int, list[float]] = defaultdict(list)

    def observe(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds[info["generation"]].append(time.perf_counter() - self._started)

    def report(self) -> dict[str, dict[str, float]]:
        return {f"generation_{generation}": {"count": len(seconds), "max_ms": round(max(seconds) * 1000, 3),
                                             "total_ms": round(sum(seconds) * 1000, 3)}
                for generation, seconds in sorted(self.seconds.items())}


QUERIES = [
    # name, view (None = counts), description
    ("mine_first_page", "mine", "my tasks, first page"),
    ("mine_next_page", "mine", "my tasks, a page further on via cursor"),
    ("mine_text_name", "mine", "my tasks, text = unaccented applicant name"),
    ("queue_first_page", "queue", "unit queue, first page, no filter"),
    ("queue_procedure", "queue", "unit queue, procedure filter"),
    ("queue_stage", "queue", "unit queue, stage filter"),
    ("queue_center", "queue", "unit queue, center filter"),
    ("queue_overdue", "queue", "unit queue, overdue"),
    ("queue_due_before", "queue", "unit queue, due before now-2d..now+10d"),
    ("queue_text_code", "queue", "unit queue, text = dossier code suffix yyMMdd-NNNN"),
    ("queue_text_name", "queue", "unit queue, text = unaccented applicant name"),
    ("delegated_first_page", "delegated", "tasks I delegated, first page"),
    ("counts", None, "inbox_counts, no filter (3 count queries)"),
    ("counts_text_name", None, "inbox_counts, text = unaccented applicant name"),
    ("dossier_page", "dossier", "the page of a dossier in my inbox: its data and open tasks, by code"),
]
VIEW_OF = {name: view for name, view, _ in QUERIES}


class Recorder:
    """Times every cursor.execute of the engine and keeps the statements of the current run."""

    def __init__(self) -> None:
        self.active = False
        self.statements: list[tuple[str, Any, float]] = []
        self._started = 0.0

    def before(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        self._started = time.perf_counter()

    def after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if self.active:
            self.statements.append((statement, parameters, time.perf_counter() - self._started))


class Bench:
    def __init__(self, loaded: LoadResult, now: datetime, seed: int) -> None:
        from sqlalchemy import event

        from engine.db import make_db_engine, make_session_factory

        self.loaded = loaded
        self.now = now
        self.day = now.astimezone(TIMEZONE).date()
        self.rng = random.Random(seed + 1)
        self.db = make_db_engine(SA_URL)
        self.sessions = make_session_factory(self.db)
        self.recorder = Recorder()
        self.gc_pauses: dict[str, dict[str, float]] = {}
        from engine.org.inbox import inbox_counts

        self.counts_impl: Callable[..., dict[str, int]] = inbox_counts
        event.listen(self.db, "before_cursor_execute", self.recorder.before)
        event.listen(self.db, "after_cursor_execute", self.recorder.after)
        self._profile()

    def close(self) -> None:
        self.db.dispose()

    # -- who is busy, what their views hold
    def _profile(self) -> None:
        from sqlalchemy import text

        from engine.org.directory import absent_officials_covered_by
        from engine.persistence.models import Official

        with self.sessions() as session:
            # An inactive account cannot sign in, so it reads no inbox (the policy would refuse it).
            officials = list(session.query(Official).filter(Official.active.is_(True)).all())
            self.info: dict[int, dict[str, Any]] = {}
            claimed: dict[int, int] = dict(session.execute(text(
                "SELECT assignee_id, count(*) FROM human_task WHERE status = 'claimed' GROUP BY 1")).all())
            ready = {(d, r): n for d, r, n in session.execute(text(
                "SELECT department, candidate_role, count(*) FROM human_task WHERE status = 'ready' GROUP BY 1, 2"))}
            delegated: dict[int, int] = dict(session.execute(text(
                "SELECT delegated_by_id, count(*) FROM human_task WHERE status IN ('ready', 'claimed') "
                "AND delegated_by_id IS NOT NULL GROUP BY 1")).all())
            samples: dict[tuple[str, str], list[tuple[str, str, str, int]]] = defaultdict(list)
            for d, r, st, pk, stage, center in session.execute(text(
                    "SELECT department, candidate_role, search_text, procedure_key, stage, center_id FROM ("
                    " SELECT *, row_number() OVER (PARTITION BY department, candidate_role ORDER BY random()) AS rn"
                    " FROM human_task WHERE status = 'ready') t WHERE rn <= 40")):
                samples[(d, r)].append((st, pk, stage, center))
            self.random_codes = [c for (c,) in session.execute(text(
                "SELECT code FROM dossier TABLESAMPLE SYSTEM (1) LIMIT 2000"))] or ["000.00.00.H40-250101-0001"]
            # Who opens which dossier page: the holder of one of its open tasks (from their inbox).
            self.pages = [(int(a), str(c)) for a, c in session.execute(text(
                "SELECT t.assignee_id, d.code FROM (SELECT dossier_id, assignee_id FROM human_task "
                "TABLESAMPLE SYSTEM (5) WHERE status = 'claimed' LIMIT 2000) t JOIN dossier d ON d.id = t.dossier_id "
                "JOIN official o ON o.id = t.assignee_id AND o.active"))]
            for o in officials:
                covered = absent_officials_covered_by(session, o.id, self.day)
                holders = [o.id, *covered]
                roles = list(o.roles)
                self.info[o.id] = {
                    "holders": holders, "unit": o.unit_code, "roles": roles,
                    "mine": sum(claimed.get(h, 0) for h in holders),
                    "queue": sum(ready.get((o.unit_code, r), 0) for r in roles),
                    "delegated": delegated.get(o.id, 0),
                    "samples": [s for r in roles for s in samples.get((o.unit_code or "", r), [])],
                }
        self.deputies = sorted(oid for oid, i in self.info.items() if len(i["holders"]) > 1)

    def _strata(self, key: str, minimum: int = 0) -> tuple[list[int], list[int]]:
        eligible = [oid for oid, i in self.info.items() if i[key] >= minimum and (key != "queue" or i["roles"])]
        if not eligible:
            eligible = list(self.info)
        ranked = sorted(eligible, key=lambda oid: -self.info[oid][key])
        busy = [oid for oid in ranked[:max(5, len(ranked) // 10)] if self.info[oid][key] > 0] or ranked[:5]
        return busy, eligible

    def _name(self) -> str:
        from engine.org.text import fold

        family = self.rng.choice(FAMILY_NAMES)
        if self.rng.random() < 0.5:
            return fold(f"{family} {self.rng.choice(MIDDLE_MALE)} {self.rng.choice(GIVEN_MALE)}")
        return fold(f"{family} {self.rng.choice(MIDDLE_FEMALE)} {self.rng.choice(GIVEN_FEMALE)}")

    def _random_own_task(self, holders: list[int]) -> tuple[Any, Any, str] | None:
        from sqlalchemy import text

        with self.sessions() as session:
            row = session.execute(text(
                "SELECT due_at, id, search_text FROM human_task WHERE assignee_id = ANY(:h) AND status = 'claimed' "
                "ORDER BY random() LIMIT 1"), {"h": holders}).first()
        return tuple(row) if row else None

    def cases(self, name: str, count: int) -> list[Case]:
        from engine.org.inbox import InboxFilters, encode_task_cursor
        from engine.persistence.models import HumanTask

        rng = self.rng
        if name == "dossier_page":
            return [Case(name, official_id, "any", None, code=code)
                    for official_id, code in (rng.choice(self.pages) for _ in range(count))] if self.pages else []
        view = VIEW_OF[name]
        key = {"mine": "mine", "queue": "queue", "delegated": "delegated", None: "queue"}[view]
        busy, eligible = self._strata(key, PAGE_SIZE + 1 if name == "mine_next_page" else 0)
        if name.startswith("mine") and self.deputies:
            busy = sorted(set(busy) | set(self.deputies))  # deputies of absent officials read two inboxes
        out: list[Case] = []
        for j in range(count):
            stratum = "busy" if j % 2 == 0 else "any"
            oid = rng.choice(busy if stratum == "busy" else eligible)
            info = self.info[oid]
            own = info["samples"]
            pick = rng.choice(own) if own and rng.random() < 0.75 else None
            filters = InboxFilters()
            cursor = None
            if name == "mine_next_page":
                row = self._random_own_task(info["holders"])
                if row is not None:
                    cursor = encode_task_cursor(HumanTask(id=row[1], due_at=row[0]))
            elif name == "mine_text_name":
                row = self._random_own_task(info["holders"]) if rng.random() < 0.7 else None
                filters = InboxFilters(text=row[2].split(" ", 1)[1] if row else self._name())
            elif name == "queue_procedure":
                filters = InboxFilters(procedure=pick[1] if pick else rng.choice(self.loaded.procedure_keys))
            elif name == "queue_stage":
                filters = InboxFilters(stage=pick[2] if pick else rng.choice(self.loaded.stages))
            elif name == "queue_center":
                filters = InboxFilters(center_id=pick[3] if pick else rng.choice(self.loaded.center_ids))
            elif name == "queue_overdue":
                filters = InboxFilters(overdue=True)
            elif name == "queue_due_before":
                filters = InboxFilters(due_before=self.now + timedelta(days=rng.uniform(-2, 10)))
            elif name == "queue_text_code":
                code = pick[0].split(" ", 1)[0] if pick else rng.choice(self.random_codes).lower()
                filters = InboxFilters(text=code.split("-", 1)[1])
            elif name in ("queue_text_name", "counts_text_name"):
                filters = InboxFilters(text=pick[0].split(" ", 1)[1] if pick else self._name())
            out.append(Case(name, oid, stratum, filters, cursor))
        return out

    def run(self, case: Case) -> Run:
        from engine.org.inbox import inbox_listing
        from engine.persistence.models import Official

        view = VIEW_OF[case.query]
        with self.sessions() as session:
            official = session.get(Official, case.official_id)
            if official is None:
                raise RuntimeError(f"official {case.official_id} not found")
            list(official.roles)
            recorder = self.recorder
            recorder.statements = []
            recorder.active = True
            started = time.perf_counter()
            if view == "dossier":
                from engine.reads.dossiers import dossier_with_open_tasks

                dossier = dossier_with_open_tasks(session, official, str(case.code), today=self.day)
                elapsed = time.perf_counter() - started
                rows = len(dossier.open_tasks)  # type: ignore[attr-defined]  # set by the read for the page
            elif view is None:
                counts = self.counts_impl(session, official, case.filters, now=self.now, day=self.day)
                elapsed = time.perf_counter() - started
                rows = counts.get("queue", 0) + counts.get("mine", 0)
            else:
                page = inbox_listing(session, official, view, case.filters, now=self.now, day=self.day,
                                     limit=PAGE_SIZE, cursor=case.cursor)
                elapsed = time.perf_counter() - started
                rows = len(page.tasks)
            recorder.active = False
            statements = recorder.statements
        return Run(elapsed, sum(s[2] for s in statements), statements, rows)

    def same_counts(self, other: Callable[..., dict[str, int]], cases: list[Case]) -> str:
        """Whether another counts implementation gives what inbox_counts gives, on these cases."""
        from engine.org.inbox import inbox_counts
        from engine.persistence.models import Official

        differ = 0
        for case in cases:
            with self.sessions() as session:
                official = session.get(Official, case.official_id)
                if official is None:
                    continue
                a = inbox_counts(session, official, case.filters, now=self.now, day=self.day)
                b = other(session, official, case.filters, now=self.now, day=self.day)
            differ += a != b
        return f"{len(cases) - differ}/{len(cases)} cases identical"

    def measure(self, cases: dict[str, list[Case]], warmup: int) -> dict[str, list[tuple[Case, Run]]]:
        import gc

        order = [c for cs in cases.values() for c in cs]
        self.rng.shuffle(order)
        warm = [c for cs in cases.values() for c in cs[:warmup]]
        for case in warm:
            self.run(case)
        results: dict[str, list[tuple[Case, Run]]] = {name: [] for name in cases}
        # As a production worker does once it has started (api.gunicorn_config.post_worker_init):
        # what the load and the warm-up left behind is frozen, so a full collection does not walk it
        # in whichever request triggers it.
        gc.collect()
        gc.freeze()
        pauses = GcPauses()
        gc.callbacks.append(pauses.observe)
        try:
            for k, case in enumerate(order):
                results[case.query].append((case, self.run(case)))
                if k and k % 500 == 0:
                    log(f"  {k}/{len(order)} runs")
        finally:
            gc.callbacks.remove(pauses.observe)
            gc.unfreeze()
        self.gc_pauses = pauses.report()
        return results

    def explain(self, statement: str, parameters: Any) -> tuple[str, str]:
        """EXPLAIN (ANALYZE, BUFFERS) of a captured statement with its parameters; and the SQL with literals."""
        import psycopg

        with self.db.connect() as conn:
            for _ in range(2):  # the second one, with warm caches, is shown
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
            conn.rollback()
        with psycopg.connect(DB_DSN) as raw:
            literal = psycopg.ClientCursor(raw).mogrify(statement, parameters)
        return "\n".join(r[0] for r in rows), literal


def summarise(results: dict[str, list[tuple[Case, Run]]]) -> list[dict[str, Any]]:
    out = []
    for name, view, description in QUERIES:
        runs = results.get(name)
        if not runs:
            continue
        seconds = [r.seconds for _, r in runs]
        sql = [r.sql_seconds for _, r in runs]
        busy = [r.seconds for c, r in runs if c.stratum == "busy"]
        outside = [r.seconds - r.sql_seconds for _, r in runs]
        p95 = quantile_ms(seconds, 0.95)
        out.append({
            "name": name, "view": view or "counts", "description": description,
            "p50_ms": round(quantile_ms(seconds, 0.50), 3), "p95_ms": round(p95, 3),
            "max_ms": round(max(seconds) * 1000, 3), "runs": len(runs),
            "sql_p50_ms": round(quantile_ms(sql, 0.50), 3), "sql_p95_ms": round(quantile_ms(sql, 0.95), 3),
            "p95_busy_ms": round(quantile_ms(busy, 0.95), 3),
            # Outside the driver: building the statement, the rows, the policy's and the page's Python.
            "python_p50_ms": round(quantile_ms(outside, 0.50), 3),
            "python_p95_ms": round(quantile_ms(outside, 0.95), 3),
            "statements_per_run": round(statistics.fmean(len(r.statements) for _, r in runs), 2),
            "rows_mean": round(statistics.fmean(r.rows for _, r in runs), 1),
            "meets_target": p95 <= TARGET_P95_MS,
        })
    return out


def slowest_plan(bench: Bench, runs: list[tuple[Case, Run]], candidates: int = 8) -> dict[str, Any]:
    """EXPLAIN the heaviest statement of the runs that spent most time in SQL; keep the slowest plan.

    A single run's time can be noise (the machine, a prepared statement being planned), so the
    candidates are re-executed under EXPLAIN ANALYZE and the one that is really slowest is shown.
    """
    best: dict[str, Any] | None = None
    for case, run in sorted(runs, key=lambda cr: -cr[1].sql_seconds)[:candidates]:
        statement, parameters, seconds = max(run.statements, key=lambda s: s[2])
        plan, literal = bench.explain(statement, parameters)
        executed = _execution_ms(plan)
        if best is None or executed > best["execution_ms"]:
            best = {"plan": plan, "sql": literal, "execution_ms": executed, "captured_ms": round(seconds * 1000, 3),
                    "official_id": case.official_id}
    assert best is not None
    return best


def _execution_ms(plan: str) -> float:
    for line in reversed(plan.splitlines()):
        if line.strip().startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return 0.0


# ---------------------------------------------------------------------------------------- experiments

TEXT_QUERIES = ["queue_text_code", "queue_text_name", "mine_text_name", "counts_text_name"]
FILTER_QUERIES = ["queue_procedure", "queue_stage", "queue_center"]
COUNT_QUERIES = ["counts", "counts_text_name"]
TRGM_OPEN = ("CREATE INDEX bench_ix_human_task_open_search_trgm ON human_task USING gin (search_text gin_trgm_ops) "
             "WHERE status IN ('ready', 'claimed')")
QUEUE_OPEN = ("CREATE INDEX bench_ix_human_task_queue_open ON human_task (department, candidate_role, status, due_at, "
              "procedure_key, stage, center_id) WHERE status IN ('ready', 'claimed')")

# Each experiment changes the scratch database (and/or the counts function), measures every query,
# undoes the change and measures again right away, so "without" and "with" see the same machine load.
EXPERIMENTS: list[dict[str, Any]] = [
    {
        "name": "trgm_gin_all_tasks",
        "description": "pg_trgm GIN index on search_text over the whole table",
        "targets": TEXT_QUERIES,
        "ddl": ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX bench_ix_human_task_search_trgm ON human_task USING gin (search_text gin_trgm_ops)"],
        "show_plans": ["queue_text_name", "mine_text_name"],
    },
    {
        "name": "trgm_gin_open_tasks",
        "recommended": True,
        "description": "pg_trgm GIN index on search_text, partial: open tasks only",
        "targets": TEXT_QUERIES,
        "ddl": ["CREATE EXTENSION IF NOT EXISTS pg_trgm", TRGM_OPEN],
        "show_plans": ["queue_text_name"],
    },
    {
        "name": "queue_index_open_with_filters",
        "recommended": True,
        "description": "ix_human_task_queue replaced by a partial index (open tasks) that also carries the filter "
                       "columns, so procedure / stage / center are checked in the index, not on the heap",
        "targets": FILTER_QUERIES + ["queue_first_page", "counts"],
        "replace": ["ix_human_task_queue"],
        "ddl": [QUEUE_OPEN],
        "show_plans": FILTER_QUERIES,
    },
    {
        "name": "counts_one_statement",
        "recommended": True,
        "description": "inbox_counts as one SELECT of three cross-joined aggregates, without the SELECT-all "
                       "subquery (a code change; implemented in this benchmark as counts_one_statement)",
        "targets": COUNT_QUERIES,
        "counts": "one_statement",
        "ddl": [],
        "show_plans": ["counts_text_name"],
    },
    {
        "name": "counts_union_all",
        "description": "the same counts as one UNION ALL statement (counts_union_all): a trap, see its plan",
        "targets": COUNT_QUERIES,
        "counts": "union_all",
        "ddl": [],
        "show_plans": ["counts_text_name"],
    },
    {
        "name": "all_three_recommended",
        "recommended": True,
        "description": "partial trigram index + partial queue index with filter columns + one-statement counts",
        "targets": TEXT_QUERIES + FILTER_QUERIES + COUNT_QUERIES,
        "replace": ["ix_human_task_queue"],
        "counts": "one_statement",
        "ddl": ["CREATE EXTENSION IF NOT EXISTS pg_trgm", TRGM_OPEN, QUEUE_OPEN],
        "show_plans": ["queue_text_name", "queue_stage", "counts_text_name"],
    },
]


def counts_one_statement(session: Any, official: Any, filters: Any, *, now: datetime, day: date) -> dict[str, int]:
    """A proposal for ``inbox_counts`` (not engine code): the three views counted in one statement.

    Same ``view_query`` + ``apply_filters`` as the engine, but each view selects only its two counts
    (no subquery selecting every column of human_task) and the three single-row aggregates are
    cross-joined into one SELECT: one round trip and much less query building than three statements.
    """
    from sqlalchemy import func, select, true

    from engine.org.inbox import VIEWS, apply_filters, view_query
    from engine.persistence.models import HumanTask

    parts = [apply_filters(view_query(session, official, view, day), filters, now)
             .with_only_columns(func.count().label(view),
                                func.count().filter(HumanTask.due_at < now).label(f"{view}_overdue"))
             .select_from(HumanTask).subquery(f"{view}_counts") for view in VIEWS]
    statement = select(*[c for part in parts for c in part.c]).select_from(parts[0])
    for part in parts[1:]:
        statement = statement.join(part, true())
    row = session.execute(statement).one()
    return {key: int(value) for key, value in row._mapping.items()}


def counts_union_all(session: Any, official: Any, filters: Any, *, now: datetime, day: date) -> dict[str, int]:
    """The same as ``counts_one_statement`` written as UNION ALL: shown because it is a trap. Its total
    cost passes parallel_setup_cost, PostgreSQL plans a Parallel Append and starting the workers
    costs more than the query."""
    from sqlalchemy import func, literal_column, union_all

    from engine.org.inbox import VIEWS, apply_filters, view_query
    from engine.persistence.models import HumanTask

    parts: list[Any] = [apply_filters(view_query(session, official, view, day), filters, now)
                        .with_only_columns(literal_column(f"'{view}'").label("view"), func.count().label("total"),
                                           func.count().filter(HumanTask.due_at < now).label("late"))
                        .select_from(HumanTask) for view in VIEWS]
    counts: dict[str, int] = {}
    for view, total, late in session.execute(union_all(*parts)).all():
        counts[view], counts[f"{view}_overdue"] = int(total), int(late)
    return counts


COUNTS_VARIANTS: dict[str, Callable[..., dict[str, int]]] = {
    "one_statement": counts_one_statement, "union_all": counts_union_all}


def run_experiment(bench: Bench, experiment: dict[str, Any], cases: dict[str, list[Case]],
                   warmup: int) -> dict[str, Any]:
    import psycopg

    from engine.org.inbox import inbox_counts

    replaced: list[tuple[str, str]] = []
    created: list[str] = []
    with psycopg.connect(DB_DSN, autocommit=True) as conn:
        started = time.perf_counter()
        for name in experiment.get("replace", []):
            row = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (name,)).fetchone()
            if row is not None:
                replaced.append((name, row[0]))
                conn.execute(f"DROP INDEX {name}")
        for ddl in experiment["ddl"]:
            conn.execute(ddl)
            if ddl.startswith("CREATE INDEX"):
                created.append(ddl.split()[2])
        conn.execute("ANALYZE human_task")
        build = time.perf_counter() - started
        sizes = {name: int(_scalar(conn, "SELECT pg_relation_size(%s::regclass)", (name,))) for name in created}
    checked = None
    if experiment.get("counts"):
        variant = COUNTS_VARIANTS[experiment["counts"]]
        checked = bench.same_counts(variant, [c for q in COUNT_QUERIES for c in cases.get(q, [])[:25]])
        bench.counts_impl = variant
    bench.db.dispose()
    try:
        results = bench.measure(cases, warmup)
        plans = {name: slowest_plan(bench, results[name], 3)["plan"] for name in experiment["targets"]
                 if results.get(name)}
    finally:
        bench.counts_impl = inbox_counts
        with psycopg.connect(DB_DSN, autocommit=True) as conn:
            for name in created:
                conn.execute(f"DROP INDEX {name}")
            for _name, indexdef in replaced:
                conn.execute(indexdef)
            conn.execute("ANALYZE human_task")
        bench.db.dispose()
    without = bench.measure(cases, warmup)
    return {"name": experiment["name"], "description": experiment["description"],
            "ddl": [*(f"DROP INDEX {name}" for name, _ in replaced), *experiment["ddl"]],
            "build_seconds": round(build, 2), "index_bytes": sizes, "targets": experiment["targets"],
            "queries": summarise(results), "queries_without": summarise(without), "plans": plans,
            "show_plans": experiment.get("show_plans", list(plans)),
            **({"counts_identical_to_inbox_counts": checked} if checked is not None else {})}


# -------------------------------------------------------------------------------------------- report


def environment() -> dict[str, Any]:
    import psycopg
    import sqlalchemy

    with psycopg.connect(DB_DSN) as conn:
        settings = {name: _scalar(conn, f"SHOW {name}") for name in
                    ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "random_page_cost",
                     "jit", "plan_cache_mode")}
    try:
        cpus: int | None = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    return {"python": platform.python_version(), "sqlalchemy": sqlalchemy.__version__,
            "psycopg": psycopg.__version__, "postgresql": settings.pop("server_version").split()[0],
            "postgresql_settings": settings, "cpus": cpus, "machine": platform.machine(),
            "speed": machine_speed()}


def machine_speed(runs: int = 200) -> dict[str, float]:
    """How fast this machine is right now, for comparing runs taken at different hours (a shared
    machine's speed moves by 1.5-2x between them): the database's round trip as bench.statistics
    measures it (``SELECT 1``) and a fixed piece of Python (summing 100,000 squares), median ms."""
    from bench.statistics import round_trip_ms
    from engine.db import make_db_engine, make_session_factory

    db = make_db_engine(SA_URL)
    try:
        trip = round_trip_ms(make_session_factory(db), runs)
    finally:
        db.dispose()
    loops = []
    for _ in range(runs // 10):
        started = time.perf_counter()
        sum(i * i for i in range(100_000))
        loops.append(time.perf_counter() - started)
    return {"select_1_ms": trip["p50"], "python_ms": round(statistics.median(loops) * 1000, 3)}


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def print_report(report: dict[str, Any]) -> None:
    env = report["environment"]
    print(f"Motcua inbox benchmark: {report['dossiers']:,} dossiers, {report['open_tasks']:,} open tasks, "
          f"{report['counts'].get('tasks_completed', 0):,} completed tasks "
          f"({report['done_per_dossier']} per closed dossier + 1 per open one)")
    print(f"  Python {env['python']}, SQLAlchemy {env['sqlalchemy']}, psycopg {env['psycopg']}, "
          f"PostgreSQL {env['postgresql']} ({', '.join(f'{k}={v}' for k, v in env['postgresql_settings'].items())}), "
          f"{env['cpus']} CPUs")
    la = env["load_average_1min"]
    print(f"  1-min load average {la['before_timing']} before timing, {la['after_timing']} after (other work on the "
          f"machine shows up in the figures)")
    speed = env["speed"]
    print(f"  the machine's speed now: SELECT 1 in {speed['select_1_ms']} ms, a fixed piece of Python in "
          f"{speed['python_ms']} ms (median; compare runs taken at different hours by these)")
    c = report["counts"]
    print(f"  {c['officials']} officials, {c['units']} units, {c['procedure_versions']} procedure versions; open: "
          f"{c.get('tasks_ready', 0):,} ready, {c.get('tasks_claimed', 0):,} claimed "
          f"({report['delegated_open_tasks']:,} delegated), {c.get('tasks_open_overdue', 0):,} overdue; "
          f"{c['leave_periods']} leave periods, {c['deputies']} deputies")
    sk = report["skew"]
    print(f"  skew: busiest queue {sk['busiest_queue']} ({sk['busiest_queue_ready']:,} ready), median queue "
          f"{sk['median_queue_ready']:,}; busiest official {sk['busiest_official_claimed']:,} claimed, median "
          f"{sk['median_official_claimed']:,}")
    print()
    s = report["load_breakdown_seconds"]
    print(f"Load: {report['load_seconds']:.1f} s  (" + ", ".join(f"{k} {v:.1f}" for k, v in s.items() if k != "total")
          + ")")
    for t in report["table_sizes"]["tables"]:
        print(f"  {t['table']:22s} {t['rows']:>12,} rows  table {mb(t['table_bytes']):>12s}  "
              f"indexes {mb(t['index_bytes']):>11s}")
    print("  human_task indexes: " + ", ".join(f"{k} {mb(v)}" for k, v in
                                               report["table_sizes"]["human_task_indexes"].items()))
    print()
    print(f"Inbox queries (inbox_listing limit={PAGE_SIZE} / inbox_counts, one session per request), target p95 <= "
          f"{TARGET_P95_MS:g} ms; busy = busiest tenth of officials for that view")
    header = (f"  {'query':22s} {'runs':>5s} {'p50':>8s} {'p95':>8s} {'max':>8s} {'sql p50':>8s} {'sql p95':>8s} "
              f"{'py p95':>8s} {'p95 busy':>8s} {'rows':>6s}  target")
    print(header)
    print("  " + "-" * (len(header) - 2))
    for q in report["queries"]:
        print(f"  {q['name']:22s} {q['runs']:5d} {q['p50_ms']:8.2f} {q['p95_ms']:8.2f} {q['max_ms']:8.2f} "
              f"{q['sql_p50_ms']:8.2f} {q['sql_p95_ms']:8.2f} {q['python_p95_ms']:8.2f} {q['p95_busy_ms']:8.2f} "
              f"{q['rows_mean']:6.1f}  "
              f"{'met' if q['meets_target'] else 'MISSED'}")
    print("  (ms; sql = time inside cursor.execute; py = the rest: building the statement, the policy, the rows;")
    print("   rows = mean tasks returned, for counts mine + queue)")
    missed = [q["name"] for q in report["queries"] if not q["meets_target"]]
    print(f"  missed: {', '.join(missed) if missed else 'none'}")
    print("  garbage collections while timing: " + (", ".join(
        f"{name.replace('_', ' ')}: {p['count']} (max {p['max_ms']:.2f} ms, total {p['total_ms']:.1f} ms)"
        for name, p in report["gc_pauses"].items()) or "none"))
    print()
    print(f"Slowest query: {report['slowest_query']} (p95 {report['slowest_p95_ms']:.2f} ms); the slowest of its "
          f"heaviest statements ({report['slowest_statement_ms']:.2f} ms when timed, official "
          f"{report['slowest_official']}):")
    print("  " + report["slowest_sql"].replace("\n", "\n  "))
    print("EXPLAIN (ANALYZE, BUFFERS):")
    print("  " + report["slowest_plan"].replace("\n", "\n  "))
    if report["experiments"]:
        print()
        print("Experiments: each change is made in the scratch database, every query is timed with it, the change is")
        print("undone and every query is timed again right away ('without'), on the same officials and filters.")
    for exp in report["experiments"]:
        print()
        print(f"Experiment {exp['name']}: {exp['description']}")
        for ddl in exp["ddl"]:
            print(f"  {ddl}")
        sizes = ", ".join(f"{k} {mb(v)}" for k, v in exp["index_bytes"].items())
        print(f"  build {exp['build_seconds']:.1f} s" + (f"; {sizes}" if sizes else "")
              + (f"; counts check: {exp['counts_identical_to_inbox_counts']}"
                 if "counts_identical_to_inbox_counts" in exp else ""))
        without = {q["name"]: q for q in exp["queries_without"]}
        print(f"  {'query':22s} {'p50 without':>11s} {'with':>7s} {'p95 without':>11s} {'with':>7s}  target with")
        for q in exp["queries"]:
            w = without[q["name"]]
            mark = "*" if q["name"] in exp["targets"] else " "
            print(f" {mark}{q['name']:22s} {w['p50_ms']:11.2f} {q['p50_ms']:7.2f} {w['p95_ms']:11.2f} "
                  f"{q['p95_ms']:7.2f}  {'met' if q['meets_target'] else 'MISSED'}")
        print("  (* = queries the change is aimed at)")
        for name, plan in exp["plans"].items():
            if name in exp["show_plans"]:
                print(f"  plan of {name} with the change (slowest of its heaviest runs):")
                print("    " + plan.replace("\n", "\n    "))
    for note in report["notes"]:
        print(f"note: {note}")
    print(f"\n(total {report['elapsed_s']:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.inbox", description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    ap.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers to load (default 1,000,000)")
    ap.add_argument("--open-tasks", type=int, default=100_000, help="open human tasks (default 100,000)")
    ap.add_argument("--done-per-dossier", type=int, default=3, choices=range(0, 5),
                    help="completed tasks per closed dossier (default 3)")
    ap.add_argument("--repeat", type=int, default=200, help="timed runs per query (default 200)")
    ap.add_argument("--experiments", choices=("auto", "all", "none"), default="auto",
                    help="index experiments: for queries that miss the target (auto), always, never")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database (for investigation)")
    args = ap.parse_args(argv)
    began = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    report: dict[str, Any] = {}
    try:
        loaded = load(args, now)
        log(f"[load] done in {loaded.seconds['total']:.1f} s")
        sizes = table_sizes()
        bench = Bench(loaded, now, args.seed)
        try:
            log("[measure] preparing cases")
            cases = {name: bench.cases(name, args.repeat) for name, _v, _d in QUERIES}
            warmup = max(10, args.repeat // 10)
            log(f"[measure] {warmup} warm-up + {args.repeat} timed runs per query, {len(QUERIES)} queries")
            load_before = _load_average()
            results = bench.measure(cases, warmup)
            load_after = _load_average()
            gc_pauses = bench.gc_pauses
            summary = summarise(results)
            slowest = max(summary, key=lambda q: q["p95_ms"])
            worst = slowest_plan(bench, results[slowest["name"]])
            plans = {q["name"]: slowest_plan(bench, results[q["name"]], 4)["plan"] for q in summary
                     if not q["meets_target"] and q["name"] != slowest["name"]}
            missed = {q["name"] for q in summary if not q["meets_target"]}
            experiments = []
            for experiment in EXPERIMENTS:
                if args.experiments == "all":
                    log(f"[experiment] {experiment['name']}")
                    experiments.append(run_experiment(bench, experiment, cases, warmup))
                elif (args.experiments == "auto" and experiment.get("recommended")
                      and missed & set(experiment["targets"])):
                    log(f"[experiment] {experiment['name']} (aimed at {', '.join(sorted(missed))})")
                    aimed = {name: cs for name, cs in cases.items() if name in experiment["targets"]}
                    experiments.append(run_experiment(bench, experiment, aimed, warmup))
            info = bench.info
        finally:
            bench.close()
        with __import__("psycopg").connect(DB_DSN) as conn:
            queues = conn.execute("SELECT department || ' / ' || candidate_role, count(*) FROM human_task "
                                  "WHERE status = 'ready' GROUP BY 1 ORDER BY 2 DESC").fetchall()
            delegated_open = conn.execute("SELECT count(*) FROM human_task WHERE delegated_by_id IS NOT NULL "
                                          "AND status IN ('ready', 'claimed')").fetchone()[0]
        claimed = sorted((i["mine"] for i in info.values() if len(i["holders"]) == 1), reverse=True)
        report = {
            "dossiers": args.dossiers,
            "open_tasks": args.open_tasks,
            "done_per_dossier": args.done_per_dossier,
            "load_seconds": loaded.seconds["total"],
            "load_breakdown_seconds": loaded.seconds,
            "counts": loaded.counts,
            "delegated_open_tasks": int(delegated_open),
            "skew": {
                "busiest_queue": queues[0][0] if queues else None,
                "busiest_queue_ready": int(queues[0][1]) if queues else 0,
                "median_queue_ready": int(statistics.median(q[1] for q in queues)) if queues else 0,
                "queues_with_ready_tasks": len(queues),
                "busiest_official_claimed": claimed[0] if claimed else 0,
                "median_official_claimed": int(statistics.median(claimed)) if claimed else 0,
            },
            "table_sizes": sizes,
            "target_p95_ms": TARGET_P95_MS,
            "queries": summary,
            "gc_pauses": gc_pauses,
            "all_met": all(q["meets_target"] for q in summary),
            "slowest_query": slowest["name"],
            "slowest_p95_ms": slowest["p95_ms"],
            "slowest_official": worst["official_id"],
            "slowest_statement_ms": worst["captured_ms"],
            "slowest_statement_explain_ms": worst["execution_ms"],
            "slowest_sql": worst["sql"],
            "slowest_plan": worst["plan"],
            "plans_of_missed_queries": plans,
            "experiments": experiments,
            "notes": loaded.notes,
            "environment": {**environment(), "load_average_1min": {"before_timing": load_before,
                                                                   "after_timing": load_after}},
        }
    finally:
        if args.keep:
            log(f"[keep] database {DB_NAME} kept")
        else:
            drop_database()
            log(f"[cleanup] database {DB_NAME} dropped")
    report["elapsed_s"] = round(time.perf_counter() - began, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
