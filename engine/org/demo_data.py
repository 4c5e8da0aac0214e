"""Data of the demo province (seeded by ``engine.org.demo_province``): centers, units, name pools and
valid form data for the deployed procedures.

Shaped like Quảng Ninh after 01/07/2025 (domain brief §0.1): a one-level Public Administration
Service Center with commune-level centers, merged provincial departments (Sở Tài chính holds the
business-registration office, Sở Văn hóa, Thể thao và Du lịch holds tourism, Sở Nông nghiệp và Môi
trường replaces TN&MT + NN&PTNT), communes, wards and special zones, no districts.

Everything here is demo data. Agency identifiers end in ``.H00``, which is no province's code, so a
demo dossier code can never be mistaken for a real one. Names of people are generated.

The deployed procedures bind commune-level lanes to shared codes (``trung_tam_hcc_xa``,
``ubnd_xa``, ``ubnd_xa.tu_phap_ho_tich``, ``cong_an_xa``, ``bhxh_co_so``): one unit each, in which
the demo seats the officials of every locality who work those procedures (each keeps the center
of their locality). Each locality also has its own People's Committee and divisions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

PROVINCE = "Quảng Ninh"

# code, name, agency identifier (mã định danh, demo: .H00), kind, parent center code
PROVINCIAL_CENTER = ("hcc_tinh", "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh", "000.00.00.H00")
LOCAL_CENTERS: list[tuple[str, str, str]] = [
    ("hcc_ha_long", "Trung tâm Phục vụ hành chính công phường Hạ Long", "000.00.01.H00"),
    ("hcc_uong_bi", "Trung tâm Phục vụ hành chính công phường Uông Bí", "000.00.02.H00"),
    ("hcc_cam_pha", "Trung tâm Phục vụ hành chính công phường Cẩm Phả", "000.00.03.H00"),
    ("hcc_mong_cai", "Trung tâm Phục vụ hành chính công phường Móng Cái 1", "000.00.04.H00"),
    ("hcc_van_don", "Trung tâm Phục vụ hành chính công đặc khu Vân Đồn", "000.00.05.H00"),
]

# slug, name of the locality, local center that serves it
LOCALITIES: list[tuple[str, str, str]] = [
    ("phuong_ha_long", "phường Hạ Long", "hcc_ha_long"),
    ("phuong_hong_gai", "phường Hồng Gai", "hcc_ha_long"),
    ("phuong_bai_chay", "phường Bãi Cháy", "hcc_ha_long"),
    ("xa_quang_la", "xã Quảng La", "hcc_ha_long"),
    ("phuong_uong_bi", "phường Uông Bí", "hcc_uong_bi"),
    ("phuong_vang_danh", "phường Vàng Danh", "hcc_uong_bi"),
    ("phuong_yen_tu", "phường Yên Tử", "hcc_uong_bi"),
    ("phuong_cam_pha", "phường Cẩm Phả", "hcc_cam_pha"),
    ("phuong_quang_hanh", "phường Quang Hanh", "hcc_cam_pha"),
    ("phuong_cua_ong", "phường Cửa Ông", "hcc_cam_pha"),
    ("phuong_mong_cai_1", "phường Móng Cái 1", "hcc_mong_cai"),
    ("phuong_mong_cai_2", "phường Móng Cái 2", "hcc_mong_cai"),
    ("dac_khu_van_don", "đặc khu Vân Đồn", "hcc_van_don"),
    ("dac_khu_co_to", "đặc khu Cô Tô", "hcc_van_don"),
]

# Provincial departments and agencies: code, name, leaders (Giám đốc + deputies), specialists seated
# in the department itself, divisions as (suffix, name, specialists). Each division also gets its head.
DEPARTMENTS: list[tuple[str, str, int, int, list[tuple[str, str, int]]]] = [
    ("so_tai_chinh", "Sở Tài chính", 3, 0, [
        ("phong_dkkd", "Phòng Đăng ký kinh doanh", 6),
        ("phong_dau_tu", "Phòng Đầu tư", 3),
        ("phong_quan_ly_ngan_sach", "Phòng Quản lý ngân sách", 1),
        ("phong_quan_ly_gia_cong_san", "Phòng Quản lý giá và công sản", 1),
        ("van_phong", "Văn phòng Sở", 1),
    ]),
    ("so_tu_phap", "Sở Tư pháp", 3, 0, [
        ("phong_hanh_chinh_tu_phap", "Phòng Hành chính tư pháp", 5),
        ("phong_bo_tro_tu_phap", "Phòng Bổ trợ tư pháp", 2),
        ("van_phong", "Văn phòng Sở", 1),
    ]),
    ("so_vhttdl", "Sở Văn hóa, Thể thao và Du lịch", 3, 1, [
        ("phong_quan_ly_du_lich", "Phòng Quản lý du lịch", 4),
        ("phong_quan_ly_van_hoa", "Phòng Quản lý văn hóa và gia đình", 2),
        ("phong_quan_ly_the_thao", "Phòng Quản lý thể dục thể thao", 1),
    ]),
    ("so_xay_dung", "Sở Xây dựng", 3, 2, [
        ("phong_qlhdxd", "Phòng Quản lý hoạt động xây dựng", 5),
        ("phong_quy_hoach_kien_truc", "Phòng Quy hoạch – Kiến trúc", 2),
        ("phong_quan_ly_van_tai", "Phòng Quản lý vận tải, phương tiện và người lái", 2),
    ]),
    ("so_nong_nghiep_moi_truong", "Sở Nông nghiệp và Môi trường", 3, 3, [
        ("phong_quan_ly_dat_dai", "Phòng Quản lý đất đai", 2),
        ("chi_cuc_bao_ve_moi_truong", "Chi cục Bảo vệ môi trường", 2),
        ("chi_cuc_thuy_san", "Chi cục Thủy sản", 1),
    ]),
    ("so_y_te", "Sở Y tế", 3, 0, [
        ("phong_nghiep_vu_y", "Phòng Nghiệp vụ Y", 1),
        ("phong_nghiep_vu_duoc", "Phòng Nghiệp vụ Dược", 2),
        ("phong_bao_tro_xa_hoi", "Phòng Bảo trợ xã hội và Trẻ em", 1),
    ]),
    ("so_giao_duc_dao_tao", "Sở Giáo dục và Đào tạo", 2, 0, [
        ("phong_khao_thi", "Phòng Quản lý chất lượng và Khảo thí", 1),
        ("phong_giao_duc_pho_thong", "Phòng Giáo dục phổ thông", 1),
    ]),
    ("so_noi_vu", "Sở Nội vụ", 3, 0, [
        ("phong_lao_dong_viec_lam", "Phòng Lao động – Việc làm", 1),
        ("phong_cong_chuc_vien_chuc", "Phòng Công chức, viên chức", 1),
        ("phong_thi_dua_khen_thuong", "Phòng Thi đua – Khen thưởng", 1),
    ]),
    ("so_cong_thuong", "Sở Công Thương", 2, 1, [
        ("phong_quan_ly_thuong_mai", "Phòng Quản lý thương mại", 2),
        ("phong_quan_ly_nang_luong", "Phòng Quản lý năng lượng", 1),
    ]),
    ("so_khoa_hoc_cong_nghe", "Sở Khoa học và Công nghệ", 2, 1, [
        ("phong_buu_chinh_vien_thong", "Phòng Bưu chính, Viễn thông", 1),
        ("phong_chuyen_doi_so", "Phòng Chuyển đổi số", 2),
    ]),
    ("so_ngoai_vu", "Sở Ngoại vụ", 2, 0, [
        ("phong_lanh_su", "Phòng Lãnh sự và Người Việt Nam ở nước ngoài", 1),
    ]),
    ("so_dan_toc_ton_giao", "Sở Dân tộc và Tôn giáo", 2, 0, [
        ("phong_ton_giao", "Phòng Quản lý tôn giáo", 1),
        ("phong_chinh_sach_dan_toc", "Phòng Chính sách dân tộc", 1),
    ]),
    ("thanh_tra_tinh", "Thanh tra tỉnh", 2, 0, [
        ("phong_tiep_cong_dan", "Phòng Tiếp công dân và Xử lý đơn thư", 1),
    ]),
    ("vp_ubnd_tinh", "Văn phòng Ủy ban nhân dân tỉnh", 2, 3, [
        ("phong_kiem_soat_tthc", "Phòng Kiểm soát thủ tục hành chính", 0),
    ]),
    ("ban_quan_ly_kkt", "Ban Quản lý Khu kinh tế tỉnh", 2, 0, [
        ("phong_quan_ly_dau_tu", "Phòng Quản lý đầu tư", 1),
        ("phong_quan_ly_xay_dung_moi_truong", "Phòng Quản lý quy hoạch, xây dựng và môi trường", 1),
    ]),
    ("cong_an_tinh", "Công an tỉnh", 3, 2, [
        ("phong_ho_so_nghiep_vu", "Phòng Hồ sơ nghiệp vụ (PV06)", 4),
        ("phong_canh_sat_pccc", "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ (PC07)", 3),
        ("phong_canh_sat_qlhc", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội (PC06)", 2),
        ("phong_xuat_nhap_canh", "Phòng Quản lý xuất nhập cảnh (PA08)", 1),
    ]),
    ("toa_an_nhan_dan_tinh", "Tòa án nhân dân tỉnh Quảng Ninh", 2, 3, [
        ("van_phong", "Văn phòng Tòa án", 1),
    ]),
    ("vien_kiem_sat_tinh", "Viện kiểm sát nhân dân tỉnh Quảng Ninh", 2, 0, [
        ("phong_thong_ke_toi_pham", "Phòng Thống kê tội phạm và Công nghệ thông tin", 1),
    ]),
    ("thi_hanh_an_dan_su", "Thi hành án dân sự tỉnh Quảng Ninh", 2, 0, [
        ("phong_nghiep_vu", "Phòng Nghiệp vụ và Tổ chức thi hành án", 1),
    ]),
    ("bhxh_tinh", "Bảo hiểm xã hội tỉnh Quảng Ninh", 2, 0, [
        ("phong_quan_ly_thu_so_the", "Phòng Quản lý thu – Sổ, thẻ", 2),
        ("phong_che_do_bhxh", "Phòng Chế độ bảo hiểm xã hội", 1),
    ]),
    ("thue_tinh", "Thuế tỉnh Quảng Ninh", 2, 1, [
        ("phong_quan_ly_ho_kinh_doanh", "Phòng Quản lý hộ kinh doanh, cá nhân và thu khác", 2),
        ("phong_nghiep_vu_du_toan", "Phòng Nghiệp vụ – Dự toán – Pháp chế", 1),
    ]),
    ("kho_bac_nha_nuoc", "Kho bạc Nhà nước khu vực V", 1, 0, [
        ("phong_ke_toan", "Phòng Kế toán nhà nước", 1),
    ]),
    ("hai_quan", "Chi cục Hải quan khu vực VIII", 1, 0, [
        ("doi_nghiep_vu", "Đội Nghiệp vụ", 1),
    ]),
    ("bo_chqs_tinh", "Bộ Chỉ huy Quân sự tỉnh", 1, 1, [
        ("phong_chinh_tri", "Phòng Chính trị", 1),
    ]),
    ("cang_vu_hang_hai", "Cảng vụ Hàng hải Quảng Ninh", 1, 0, [
        ("phong_phap_che", "Phòng Pháp chế", 1),
    ]),
    ("dien_luc", "Công ty Điện lực Quảng Ninh", 1, 0, [
        ("phong_kinh_doanh", "Phòng Kinh doanh", 1),
    ]),
]

# Agencies that are not departments but that procedures consult: code, name, parent, leaders, specialists.
AGENCIES: list[tuple[str, str, str | None, int, int]] = [
    ("ubnd_tinh", "Ủy ban nhân dân tỉnh Quảng Ninh", None, 3, 0),
    ("hiep_hoi_du_lich", "Hiệp hội Du lịch tỉnh Quảng Ninh", None, 1, 2),
    ("cong_an_xa", "Công an cấp xã (các xã, phường, đặc khu)", "cong_an_tinh", 2, 4),
    ("bhxh_co_so", "Bảo hiểm xã hội cơ sở", "bhxh_tinh", 1, 3),
    ("vpdkdd", "Văn phòng Đăng ký đất đai tỉnh", "so_nong_nghiep_moi_truong", 1, 0),
    ("vpdkdd.chi_nhanh", "Chi nhánh Văn phòng Đăng ký đất đai (các khu vực)", "vpdkdd", 1, 3),
    ("thue_co_so", "Thuế cơ sở (các khu vực)", "thue_tinh", 1, 2),
    ("thue_co_so.ke_khai_ke_toan", "Tổ Kê khai – Kế toán thuế, Thuế cơ sở", "thue_co_so", 0, 2),
]

# The provincial center's own units: code, name, kind, parent, {role: count}
CENTER_UNITS: list[tuple[str, str, str, str | None, dict[str, int]]] = [
    ("trung_tam_hcc", "Bộ phận tiếp nhận và trả kết quả – Trung tâm Phục vụ hành chính công tỉnh", "desk", None,
     {"center_leader": 3, "reception": 17}),
    ("trung_tam_hcc.kiem_soat", "Phòng Kiểm soát thủ tục hành chính và Giám sát", "division", "trung_tam_hcc",
     {"unit_leader": 1, "analyst": 3, "auditor": 2}),
    ("trung_tam_hcc.cntt", "Phòng Công nghệ thông tin và Số hóa", "division", "trung_tam_hcc",
     {"admin": 2, "analyst": 1}),
]
# Analysts and auditors of the provincial People's Committee office (TTHC control).
TTHC_CONTROL = ("vp_ubnd_tinh.phong_kiem_soat_tthc", {"analyst": 2, "auditor": 1})

# The shared commune-level units the procedures bind.
COMMUNE_DESK = ("trung_tam_hcc_xa", "Bộ phận tiếp nhận và trả kết quả cấp xã (các Trung tâm cấp xã)")
COMMUNE_RECEPTION_PER_CENTER = 4
COMMUNE_CENTER_LEADERS = 1  # each local center: its director, in the local center's own unit
COMMUNE_COMMITTEE = ("ubnd_xa", "Ủy ban nhân dân cấp xã – lãnh đạo phụ trách một cửa")
COMMUNE_LEADERS = 5
COMMUNE_COMMITTEE_SPECIALISTS = 2  # who answers the province's requests for opinions
COMMUNE_CIVIL_STATUS = ("ubnd_xa.tu_phap_ho_tich", "Công chức Tư pháp – Hộ tịch cấp xã")
COMMUNE_LAND = ("ubnd_xa.dia_chinh", "Công chức Địa chính – Xây dựng cấp xã", 4)

# Units of every locality: (suffix, name template, specialists); the committee itself has 2 leaders.
LOCALITY_DIVISIONS: list[tuple[str, str, int]] = [
    ("van_phong", "Văn phòng HĐND và UBND {name}", 1),
    ("kinh_te", "Phòng Kinh tế {name}", 1),
    ("van_hoa_xa_hoi", "Phòng Văn hóa – Xã hội {name}", 1),
]

# The four logins of the README walk-through; `motcua demo` prints them.
DEMO_LOGINS: list[tuple[str, str, list[str], str | None]] = [
    ("tiepnhan", "Nguyễn Thị Lan", ["reception"], "trung_tam_hcc"),
    ("chuyenvien", "Trần Văn Minh", ["specialist"], "so_tai_chinh.phong_dkkd"),
    ("lanhdao", "Lê Quang Huy", ["unit_leader"], "so_tai_chinh"),
    ("quantri", "Phạm Thu Hà", ["admin", "analyst", "auditor"], None),
]

LEAVE_REASONS = ["Nghỉ phép năm", "Đi công tác tại Hà Nội", "Nghỉ ốm", "Tập huấn nghiệp vụ tại Bộ Tư pháp",
                 "Nghỉ việc riêng", "Học bồi dưỡng lý luận chính trị"]

# --- Vietnamese names -------------------------------------------------------------------------

# Family names with rough frequencies (per mille) in the north of Viet Nam.
FAMILY_NAMES: list[tuple[str, int]] = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 50), ("Vũ", 45), ("Phan", 30),
    ("Đặng", 25), ("Bùi", 25), ("Đỗ", 20), ("Ngô", 15), ("Dương", 12), ("Hồ", 10), ("Đinh", 10),
    ("Lương", 8), ("Trịnh", 8), ("Đào", 8), ("Mai", 6), ("Lý", 5), ("Tô", 5), ("Cao", 5), ("Hà", 5),
    ("Lưu", 4), ("Tạ", 3), ("Nông", 3), ("Triệu", 3),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Mạnh", "Ngọc", "Việt",
               "Trọng", "Anh", "Công", "Huy", "Đình", "Tiến", "Hải", "Duy"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Phương", "Hồng", "Thúy", "Kim",
                 "Hải", "Khánh", "Bích", "Diệu", "Mai", "Hoài"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
              "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hoàng", "Lâm",
              "Kiên", "Hưng", "Đạt", "Toàn", "Thái", "Khoa", "Phúc", "Quyết", "Tâm", "Tú", "Hào", "Lộc", "Nghĩa",
              "Công", "Chiến", "Giang", "Hiển", "Duy", "Bảo", "Trí"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh",
                "Loan", "Mai", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Vân",
                "Yến", "Nga", "Hiền", "Thư", "Thu", "Liên", "Hòa", "Huệ", "Lý", "My", "Nhàn", "Ánh", "Châu",
                "Diệp", "Duyên", "Hậu", "Tuyết", "Xuân", "Vy", "Hồng", "Ngân"]

STREETS = ["Trần Hưng Đạo", "Lê Thánh Tông", "Nguyễn Văn Cừ", "Cao Thắng", "Kênh Liêm", "Hạ Long", "Quang Trung",
           "Trần Phú", "Lê Lợi", "Hùng Vương", "Bạch Đằng", "Vân Đồn", "Hai Bà Trưng", "Nguyễn Du", "Tuệ Tĩnh",
           "Lý Thường Kiệt", "Trần Quốc Nghiễn", "Giếng Đáy", "Anh Đào", "Hoàng Quốc Việt"]

# --- Form data of the deployed procedures -----------------------------------------------------
#
# Step data comes from tests/procedures (valid against each step's form). Strings that are exactly
# a placeholder are filled per dossier: $applicant (the applicant's name), $date (the local date of
# the step), $date+N (N days later).

APPLICANT = "$applicant"
DATE = "$date"

ENTERPRISE: dict[str, Any] = {
    "appraise_ok": {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ, đủ điều kiện cấp"},
    "appraise_supplement": {
        "appraisal_decision": "request_supplement",
        "appraisal_opinion": "Thiếu điều lệ có chữ ký của chủ sở hữu",
        "missing_documents": ["Điều lệ công ty có chữ ký của chủ sở hữu"],
    },
    "appraise_refuse": {
        "appraisal_decision": "propose_refusal",
        "appraisal_opinion": "Tên doanh nghiệp trùng",
        "refusal_grounds": "Tên doanh nghiệp trùng với doanh nghiệp đã đăng ký (Điều 41 Luật Doanh nghiệp 2020)",
    },
    "supplement": {"supplemented_documents": ["Điều lệ công ty (bản có chữ ký)"], "supplement_note": "Nộp tại quầy"},
    "sign": {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại ngành nghề"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

CERTIFIED_COPY: dict[str, Any] = {
    "appraise_ok": {"appraisal_decision": "propose_certification",
                    "appraisal_opinion": "Bản chính hợp lệ, bản sao đúng với bản chính"},
    "appraise_supplement": {
        "appraisal_decision": "request_supplement",
        "appraisal_opinion": "Học bạ nộp thiếu trang cuối có xác nhận của nhà trường",
        "missing_documents": ["Bản chính học bạ đầy đủ các trang"],
    },
    "appraise_refuse": {
        "appraisal_decision": "propose_refusal",
        "appraisal_opinion": "Bản chính bị sửa chữa",
        "refusal_grounds": ["altered"],
        "refusal_detail": "Bản chính bằng tốt nghiệp bị sửa chữa năm tốt nghiệp, không hợp lệ",
    },
    "supplement": {"supplemented_documents": ["Bản chính học bạ (đủ 12 trang)"], "supplement_note": "Nộp tại quầy"},
    "sign": {"approval_decision": "sign_certification", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Đối chiếu lại số trang học bạ"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE,
               "fee_receipt_number": "$receipt"},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

BIRTH: dict[str, Any] = {
    "register_ok": {"civil_status_decision": "propose_registration", "civil_status_opinion": "Hồ sơ hợp lệ"},
    "register_supplement": {
        "civil_status_decision": "request_supplement",
        "civil_status_opinion": "Thiếu Giấy chứng sinh",
        "missing_documents": ["Giấy chứng sinh do cơ sở y tế cấp"],
    },
    "register_refuse": {
        "civil_status_decision": "propose_refusal",
        "civil_status_opinion": "Trẻ đã được đăng ký khai sinh",
        "refusal_grounds": "Trẻ đã được đăng ký khai sinh tại nơi cư trú trước đây của cha, mẹ",
    },
    "supplement": {"supplemented_documents": ["Giấy chứng sinh"], "supplement_note": "Nộp bản điện tử"},
    "sign": {"approval_decision": "sign_birth_certificate"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại tên của trẻ"},
    "residence_ok": {"residence_decision": "registered", "personal_id_number": "$child_id",
                     "registered_address": "$address"},
    "residence_problem": {"residence_decision": "not_registered",
                          "residence_problem": "Chỗ ở đề nghị đăng ký chưa có ý kiến đồng ý của chủ hộ"},
    "insurance_ok": {"insurance_decision": "card_issued", "health_insurance_card_number": "$card",
                     "card_valid_from": DATE, "card_valid_to": "$date+2190",
                     "initial_care_facility": "$care_facility"},
    "return": {"delivery_channel": "electronic", "recipient_name": APPLICANT, "delivered_on": DATE},
    "return_partial": {"delivery_channel": "electronic", "recipient_name": APPLICANT, "delivered_on": DATE,
                       "unresolved_notice": "Chưa đăng ký được thường trú: cần văn bản đồng ý của chủ hộ; "
                                            "nộp bổ sung tại Công an xã"},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

CONVICTION = {
    "judgment_reference": "Bản án số 45/2019/HS-ST ngày 12/6/2019",
    "court_name": "Tòa án nhân dân thành phố Hạ Long",
    "offence": "Trộm cắp tài sản (khoản 1 Điều 173 Bộ luật Hình sự)",
    "sentence": "12 tháng tù cho hưởng án treo",
    "enforcement_status": "Đã chấp hành xong hình phạt",
    "expunged": False,
}
JUDICIAL: dict[str, Any] = {
    "appraise_verify": {"appraisal_decision": "request_verification",
                        "appraisal_opinion": "Hồ sơ hợp lệ; đề nghị xác minh tại Công an tỉnh và Tòa án",
                        "database_search_result": "not_found"},
    "appraise_supplement": {"appraisal_decision": "request_supplement",
                            "appraisal_opinion": "Tờ khai thiếu họ tên cha, mẹ",
                            "missing_documents": ["Tờ khai ghi đầy đủ họ tên cha, mẹ"]},
    "appraise_refuse": {"appraisal_decision": "propose_refusal",
                        "appraisal_opinion": "Người nộp không có quyền yêu cầu",
                        "refusal_grounds": "Người yêu cầu không thuộc đối tượng được cấp Phiếu lý lịch tư pháp"},
    "police_clear": {"police_finding": "not_found", "police_reply_reference": "Công văn số $number/PV06 ngày $dmy"},
    "police_found": {"police_finding": "found", "police_convictions": [CONVICTION],
                     "police_reply_reference": "Công văn số $number/PV06 ngày $dmy"},
    "court_clear": {"court_finding": "not_found", "court_reply_reference": "Công văn số $number/TA ngày $dmy"},
    "synthesise_clean": {"record_status": "no_record", "synthesis_opinion": "Không có thông tin án tích"},
    "synthesise_record": {"record_status": "has_record", "convictions": [CONVICTION],
                          "synthesis_opinion": "Có một án tích theo kết quả xác minh của Công an tỉnh"},
    "sign": {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "return_draft": {"approval_decision": "return_for_reappraisal",
                     "approval_comment": "Ghi rõ tình trạng thi hành án"},
    "supplement": {"supplemented_documents": ["Tờ khai đã bổ sung họ tên cha, mẹ"]},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

TOURIST: dict[str, Any] = {
    "check_ok": {"dossier_check_decision": "organise_site_appraisal", "check_opinion": "Hồ sơ hợp lệ, đủ thành phần",
                 "appraisal_team": ["$specialist_name – Phòng Quản lý du lịch",
                                    "$association_name – Hiệp hội Du lịch tỉnh"],
                 "planned_visit_date": "$date+5"},
    "check_supplement": {"dossier_check_decision": "request_supplement",
                         "check_opinion": "Thiếu bản tự đánh giá theo TCVN 4391:2015",
                         "missing_documents": ["Bản tự đánh giá chất lượng theo tiêu chuẩn xếp hạng"]},
    "supplement": {"supplemented_documents": ["Bản tự đánh giá chất lượng (bản có chữ ký, đóng dấu)"]},
    "department_meets": {"department_visit_date": DATE, "department_site_decision": "meets_standard",
                         "department_assessed_rating": "$rating",
                         "department_findings": "Đạt các tiêu chí hạng đề nghị"},
    "association_meets": {"association_visit_date": DATE, "association_site_decision": "meets_standard",
                          "association_assessed_rating": "$rating",
                          "association_findings": "Nhất trí đạt hạng đề nghị"},
    "department_below": {"department_visit_date": DATE, "department_site_decision": "below_standard",
                         "department_findings": "Nhiều tiêu chí về buồng ngủ chưa đạt",
                         "department_shortcomings": ["Diện tích buồng ngủ dưới mức tối thiểu của hạng 1 sao"]},
    "association_below": {"association_visit_date": DATE, "association_site_decision": "below_standard",
                          "association_findings": "Không đạt hạng đề nghị",
                          "association_shortcomings": ["Chưa có nhân viên lễ tân sử dụng được ngoại ngữ"]},
    "propose_ok": {"proposal_decision": "propose_recognition",
                   "appraisal_minutes": "Đoàn thẩm định thống nhất cơ sở đạt hạng đề nghị",
                   "proposed_rating": "$rating"},
    "propose_refusal": {"proposal_decision": "propose_refusal",
                        "appraisal_minutes": "Đoàn thẩm định thống nhất cơ sở chưa đạt hạng 1 sao",
                        "refusal_grounds": "Không đáp ứng tiêu chuẩn TCVN 4391:2015 về diện tích buồng ngủ"},
    "recognise": {"approval_decision": "recognise_rating", "recognised_rating": "$rating",
                  "approval_comment": "Đồng ý"},
    "refuse": {"approval_decision": "refuse_recognition"},
    "reappraise": {"approval_decision": "return_for_reappraisal",
                   "approval_comment": "Làm rõ điểm chấm khu vực lễ tân"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "post", "recipient_name": APPLICANT},
}

CONSTRUCTION: dict[str, Any] = {
    "appraise_issue": {"appraisal_decision": "propose_issue", "site_inspected_on": DATE,
                       "appraisal_opinion": "Hồ sơ hợp lệ, phù hợp quy hoạch chi tiết và thiết kế đã thẩm định"},
    "appraise_consult": {"appraisal_decision": "consult_agencies", "site_inspected_on": DATE,
                         "appraisal_opinion": "Công trình cần ý kiến về phòng cháy, chữa cháy và môi trường",
                         "consultation_questions": "Đề nghị cho ý kiến về giải pháp phòng cháy, chữa cháy và "
                                                   "sự phù hợp với quy hoạch sử dụng đất, bảo vệ môi trường"},
    "appraise_supplement": {"appraisal_decision": "request_supplement",
                            "appraisal_opinion": "Bản vẽ thiết kế thiếu mặt bằng móng",
                            "missing_documents": ["Bản vẽ mặt bằng móng và sơ đồ đấu nối hạ tầng kỹ thuật"]},
    "appraise_refuse": {"appraisal_decision": "propose_refusal",
                        "appraisal_opinion": "Vị trí xây dựng không phù hợp quy hoạch",
                        "refusal_grounds": "Thửa đất nằm trong hành lang bảo vệ công trình giao thông"},
    "supplement": {"supplemented_documents": ["Bản vẽ mặt bằng móng (02 bộ)"], "supplement_note": "Nộp tại quầy"},
    "fire_agree": {"fire_safety_decision": "agree", "fire_safety_comments": "Giải pháp phòng cháy đạt yêu cầu",
                   "fire_safety_document_number": "$number/PC07-P3", "fire_safety_document_date": DATE},
    "environment_agree": {"environment_decision": "agree",
                          "environment_comments": "Phù hợp quy hoạch sử dụng đất, không phát sinh chất thải nguy hại",
                          "environment_document_number": "$number/SNNMT-MT", "environment_document_date": DATE},
    "synthesize_issue": {"synthesis_decision": "propose_issue",
                         "synthesis_report": "Các cơ quan thống nhất; đủ điều kiện cấp giấy phép xây dựng"},
    "sign": {"approval_decision": "sign_permit", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Rà soát lại chỉ giới xây dựng"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

# The departments a request for an investment policy may be sent to for opinions (its check form).
CONSULTABLE = ["so_xay_dung", "so_nong_nghiep_moi_truong", "so_cong_thuong", "so_vhttdl", "so_khoa_hoc_cong_nghe",
               "cong_an_tinh", "bo_chqs_tinh", "thue_tinh", "ubnd_xa"]


def _opinion(decision: str) -> dict[str, Any]:
    data: dict[str, Any] = {"opinion_decision": decision,
                            "opinion_content": "Ý kiến về các nội dung thuộc phạm vi quản lý của cơ quan",
                            "opinion_document_number": "$number/CV", "opinion_document_date": DATE}
    if decision == "agree_with_conditions":
        data["opinion_conditions"] = ["Bảo đảm khoảng lùi công trình theo quy hoạch chi tiết"]
    return data


INVESTMENT: dict[str, Any] = {
    "send_two": {"dossier_check_decision": "send_for_opinions", "check_opinion": "Hồ sơ hợp lệ",
                 "consulted_departments": "$two_departments",
                 "consultation_content": "Đề nghị cho ý kiến về sự phù hợp quy hoạch, nhu cầu sử dụng đất "
                                         "và môi trường"},
    "send_one": {"dossier_check_decision": "send_for_opinions", "check_opinion": "Hồ sơ hợp lệ",
                 "consulted_departments": "$one_department",
                 "consultation_content": "Đề nghị cho ý kiến về sự phù hợp quy hoạch và nhu cầu sử dụng đất"},
    "check_supplement": {"dossier_check_decision": "request_supplement", "check_opinion": "Thiếu báo cáo tài chính",
                         "missing_documents": ["Báo cáo tài chính hai năm gần nhất của nhà đầu tư"]},
    "supplement": {"supplemented_documents": ["Báo cáo tài chính đã kiểm toán hai năm gần nhất"]},
    "agree": _opinion("agree"),
    "agree_with_conditions": _opinion("agree_with_conditions"),
    "disagree": _opinion("disagree"),
    "report_approval": {"report_decision": "propose_approval", "report_summary": "Dự án đáp ứng điều kiện"},
    "report_refusal": {"report_decision": "propose_refusal", "report_summary": "Dự án không phù hợp quy hoạch",
                       "refusal_grounds": "Địa điểm dự án không phù hợp quy hoạch sử dụng đất cấp tỉnh"},
    "sign_report": {"report_approval_decision": "submit_to_province"},
    "revise_report": {"report_approval_decision": "return_for_revision",
                      "leader_comment": "Bổ sung đánh giá nguồn vốn"},
    "review_ok": {"review_decision": "submit_to_leaders", "review_note": "Hồ sơ trình đầy đủ"},
    "approve": {"policy_decision": "approve_policy"},
    "refuse": {"policy_decision": "refuse_policy", "decision_comment": "Không phù hợp quy hoạch"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "electronic", "recipient_name": APPLICANT},
}
INVESTMENT_PROJECTS = [
    ("Khu dịch vụ du lịch sinh thái", "Kinh doanh dịch vụ lưu trú, ăn uống và vui chơi giải trí"),
    ("Nhà máy chế biến thủy sản xuất khẩu", "Chế biến, bảo quản thủy sản phục vụ xuất khẩu"),
    ("Trung tâm logistics", "Kho bãi, dịch vụ hỗ trợ vận tải hàng hóa qua cửa khẩu"),
    ("Khu nhà ở xã hội", "Đầu tư xây dựng nhà ở xã hội cho công nhân khu công nghiệp"),
]

# Paths through each diagram: stages of (element id, step data); the elements of one stage are open
# together (parallel branches). "main" is the usual outcome; the others are the variants the demo shows.
Stage = list[tuple[str, dict[str, Any]]]


def _s(*steps: tuple[str, dict[str, Any]]) -> Stage:
    return list(steps)


_E, _C, _B, _J, _T, _K, _I = ENTERPRISE, CERTIFIED_COPY, BIRTH, JUDICIAL, TOURIST, CONSTRUCTION, INVESTMENT
# After the opinions, the lead department's report goes up to the People's Committee.
_DECIDE = [_s(("prepare_appraisal_report", _I["report_approval"])), _s(("sign_appraisal_report", _I["sign_report"])),
           _s(("review_submission", _I["review_ok"])), _s(("decide_investment_policy", _I["approve"])),
           _s(("return_result", _I["return"]))]
PATHS: dict[str, dict[str, list[Stage]]] = {
    "enterprise_registration": {
        "main": [_s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["sign"])),
                 _s(("return_result", _E["return"]))],
        "supplement": [_s(("appraise_dossier", _E["appraise_supplement"])),
                       _s(("receive_supplement", _E["supplement"])),
                       _s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["sign"])),
                       _s(("return_result", _E["return"]))],
        "refuse": [_s(("appraise_dossier", _E["appraise_refuse"])), _s(("approve_dossier", _E["sign_refusal"])),
                   _s(("notify_refusal", _E["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["reappraise"])),
                     _s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["sign"])),
                     _s(("return_result", _E["return"]))],
    },
    "certified_copy": {
        "main": [_s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["sign"])),
                 _s(("return_result", _C["return"]))],
        "supplement": [_s(("appraise_dossier", _C["appraise_supplement"])),
                       _s(("receive_supplement", _C["supplement"])),
                       _s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["sign"])),
                       _s(("return_result", _C["return"]))],
        "refuse": [_s(("appraise_dossier", _C["appraise_refuse"])), _s(("approve_dossier", _C["sign_refusal"])),
                   _s(("notify_refusal", _C["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["reappraise"])),
                     _s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["sign"])),
                     _s(("return_result", _C["return"]))],
    },
    "birth_registration_combo": {
        "main": [_s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                 _s(("register_residence", _B["residence_ok"]),
                    ("issue_health_insurance_card", _B["insurance_ok"])),
                 _s(("return_results", _B["return"]))],
        "supplement": [_s(("register_birth", _B["register_supplement"])), _s(("receive_supplement", _B["supplement"])),
                       _s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                       _s(("issue_health_insurance_card", _B["insurance_ok"]),
                          ("register_residence", _B["residence_ok"])),
                       _s(("return_results", _B["return"]))],
        "refuse": [_s(("register_birth", _B["register_refuse"])),
                   _s(("approve_birth_registration", _B["sign_refusal"])),
                   _s(("notify_refusal", _B["notify_refusal"]))],
        "returned": [_s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["reappraise"])),
                     _s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                     _s(("register_residence", _B["residence_ok"]),
                        ("issue_health_insurance_card", _B["insurance_ok"])),
                     _s(("return_results", _B["return"]))],
        "partial": [_s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                    _s(("register_residence", _B["residence_problem"]),
                       ("issue_health_insurance_card", _B["insurance_ok"])),
                    _s(("return_partial_results", _B["return_partial"]))],
    },
    "judicial_record": {
        "main": [_s(("appraise_dossier", _J["appraise_verify"])),
                 _s(("verify_police", _J["police_clear"]), ("verify_court", _J["court_clear"])),
                 _s(("synthesise_record", _J["synthesise_clean"])), _s(("approve_certificate", _J["sign"])),
                 _s(("return_result", _J["return"]))],
        "supplement": [_s(("appraise_dossier", _J["appraise_supplement"])),
                       _s(("receive_supplement", _J["supplement"])),
                       _s(("appraise_dossier", _J["appraise_verify"])),
                       _s(("verify_court", _J["court_clear"]), ("verify_police", _J["police_clear"])),
                       _s(("synthesise_record", _J["synthesise_clean"])), _s(("approve_certificate", _J["sign"])),
                       _s(("return_result", _J["return"]))],
        "refuse": [_s(("appraise_dossier", _J["appraise_refuse"])), _s(("approve_refusal", _J["sign_refusal"])),
                   _s(("notify_refusal", _J["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _J["appraise_verify"])),
                     _s(("verify_police", _J["police_found"]), ("verify_court", _J["court_clear"])),
                     _s(("synthesise_record", _J["synthesise_record"])),
                     _s(("approve_certificate", _J["return_draft"])),
                     _s(("synthesise_record", _J["synthesise_record"])), _s(("approve_certificate", _J["sign"])),
                     _s(("return_result", _J["return"]))],
    },
    "tourist_accommodation_rating": {
        "main": [_s(("check_dossier", _T["check_ok"])),
                 _s(("department_site_appraisal", _T["department_meets"]),
                    ("association_site_appraisal", _T["association_meets"])),
                 _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["recognise"])),
                 _s(("return_result", _T["return"]))],
        "supplement": [_s(("check_dossier", _T["check_supplement"])), _s(("receive_supplement", _T["supplement"])),
                       _s(("check_dossier", _T["check_ok"])),
                       _s(("association_site_appraisal", _T["association_meets"]),
                          ("department_site_appraisal", _T["department_meets"])),
                       _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["recognise"])),
                       _s(("return_result", _T["return"]))],
        "refuse": [_s(("check_dossier", _T["check_ok"])),
                   _s(("department_site_appraisal", _T["department_below"]),
                      ("association_site_appraisal", _T["association_below"])),
                   _s(("propose_rating", _T["propose_refusal"])), _s(("approve_rating", _T["refuse"])),
                   _s(("notify_refusal", _T["notify_refusal"]))],
        "returned": [_s(("check_dossier", _T["check_ok"])),
                     _s(("department_site_appraisal", _T["department_meets"]),
                        ("association_site_appraisal", _T["association_meets"])),
                     _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["reappraise"])),
                     _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["recognise"])),
                     _s(("return_result", _T["return"]))],
    },
    "construction_permit": {
        "main": [_s(("appraise_dossier", _K["appraise_consult"])),
                 _s(("fire_safety_opinion", _K["fire_agree"]), ("environment_opinion", _K["environment_agree"])),
                 _s(("synthesize_opinions", _K["synthesize_issue"])), _s(("approve_permit", _K["sign"])),
                 _s(("return_result", _K["return"]))],
        "direct": [_s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["sign"])),
                   _s(("return_result", _K["return"]))],
        "supplement": [_s(("appraise_dossier", _K["appraise_supplement"])),
                       _s(("receive_supplement", _K["supplement"])),
                       _s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["sign"])),
                       _s(("return_result", _K["return"]))],
        "refuse": [_s(("appraise_dossier", _K["appraise_refuse"])), _s(("approve_permit", _K["sign_refusal"])),
                   _s(("notify_refusal", _K["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["reappraise"])),
                     _s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["sign"])),
                     _s(("return_result", _K["return"]))],
    },
}

PATHS["investment_policy"] = {
    # Two departments consulted at once, each in its own task.
    "main": [_s(("check_dossier", _I["send_two"])),
             _s(("give_opinion", _I["agree"]), ("give_opinion", _I["agree_with_conditions"])), *_DECIDE],
    # Closed dossiers consult one department.
    "direct": [_s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["agree"])), *_DECIDE],
    "supplement": [_s(("check_dossier", _I["check_supplement"])), _s(("receive_supplement", _I["supplement"])),
                   _s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["agree"])), *_DECIDE],
    "refuse": [_s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["disagree"])),
               _s(("prepare_appraisal_report", _I["report_refusal"])), _s(("sign_appraisal_report", _I["sign_report"])),
               _s(("review_submission", _I["review_ok"])), _s(("decide_investment_policy", _I["refuse"])),
               _s(("notify_refusal", _I["notify_refusal"]))],
    "returned": [_s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["agree"])),
                 _s(("prepare_appraisal_report", _I["report_approval"])),
                 _s(("sign_appraisal_report", _I["revise_report"])), *_DECIDE],
}

LAND: dict[str, Any] = {
    "verify": {"land_origin": "Đất ở do ông bà để lại, sử dụng ổn định từ năm 1992", "land_use_since": "1992-05-01",
               "dispute_status": "no_dispute", "planning_conformity": "conforms", "posted_from": DATE,
               "posted_to": "$date+14", "verification_note": "Sử dụng ổn định, không tranh chấp, phù hợp quy hoạch"},
    "appraise_ok": {"appraisal_decision": "propose_registration",
                    "appraisal_opinion": "Đủ điều kiện cấp Giấy chứng nhận", "surveyed_area_m2": "$area"},
    "appraise_supplement": {"appraisal_decision": "request_supplement",
                            "appraisal_opinion": "Thiếu giấy tờ về tài sản gắn liền với đất",
                            "missing_documents": ["Giấy phép xây dựng nhà ở"]},
    "appraise_refuse": {"appraisal_decision": "propose_refusal", "appraisal_opinion": "Thửa đất đang có tranh chấp",
                        "refusal_grounds": "Thửa đất đang có tranh chấp về ranh giới với thửa liền kề "
                                           "(Điều 151 Luật Đất đai)"},
    "supplement": {"supplemented_documents": ["Giấy phép xây dựng nhà ở"]},
    "approve": {"registration_decision": "approve_registration"},
    "sign_refusal": {"registration_decision": "sign_refusal",
                     "registration_comment": "Đất đang có tranh chấp ranh giới"},
    "reappraise": {"registration_decision": "return_for_reappraisal", "registration_comment": "Kiểm tra lại diện tích"},
    "transfer": {"tax_transfer_number": "$number/PCTT", "transferred_on": DATE, "transfer_area_m2": "$area",
                 "land_use_term": "long_term"},
    "assess_payable": {"obligation_decision": "payable", "tax_notice_number": "TB-$number",
                       "land_use_fee_vnd": 45_000_000, "registration_fee_vnd": 1_250_000,
                       "payment_deadline": "$date+30"},
    "deliver_notice": {"notice_delivery_channel": "counter", "notice_recipient_name": APPLICANT,
                       "notice_delivered_on": DATE},
    "paid": {"obligation_status": "paid", "amount_paid_vnd": 46_250_000,
             "proof_documents": ["Giấy nộp tiền vào ngân sách nhà nước số $number"], "confirmed_on": DATE},
    "prepare": {"certificate_serial": "$serial", "cadastral_database_updated": True},
    "sign": {"certificate_decision": "sign_certificate"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}
_L = LAND
# The land office and the tax authority exchange messages; the land user pays while the notice is
# handed over (the clock stops while the payment is awaited).
_LAND_TAX = [_s(("prepare_tax_transfer", _L["transfer"])), _s(("assess_financial_obligation", _L["assess_payable"])),
             _s(("deliver_tax_notice", _L["deliver_notice"]), ("record_payment", _L["paid"])),
             _s(("prepare_certificate", _L["prepare"])), _s(("approve_certificate", _L["sign"])),
             _s(("return_result", _L["return"]))]
PATHS["land_first_registration"] = {
    "main": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_ok"])),
             _s(("approve_registration", _L["approve"])), *_LAND_TAX],
    "supplement": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_supplement"])),
                   _s(("receive_supplement", _L["supplement"])), _s(("appraise_dossier", _L["appraise_ok"])),
                   _s(("approve_registration", _L["approve"])), *_LAND_TAX],
    "refuse": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_refuse"])),
               _s(("approve_registration", _L["sign_refusal"])), _s(("notify_refusal", _L["notify_refusal"]))],
    "returned": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_ok"])),
                 _s(("approve_registration", _L["reappraise"])), _s(("appraise_dossier", _L["appraise_ok"])),
                 _s(("approve_registration", _L["approve"])), *_LAND_TAX],
}

# Consultations with a no-reply deadline: SpiffWorkflow compares its timers with the real time, so
# a dossier whose consultation the demo plays must have sent it less than this many working days
# ago (the deadline: 12 days for a construction permit, 15 for an investment policy).
CONSULT_WINDOW = {"construction_permit": 9, "investment_policy": 12}
CONSULT_STEPS = {"construction_permit": {"fire_safety_opinion", "environment_opinion"},
                 "investment_policy": {"give_opinion"}}

# How many dossiers of each kind a procedure gets (besides one open dossier per stage and hold).
# Commune procedures are the high-volume ones.
VOLUME: dict[str, dict[str, int]] = {
    "certified_copy": {"early": 0, "on_time": 10, "late": 3, "refused": 2, "open_extra": 3},
    "birth_registration_combo": {"early": 6, "on_time": 5, "late": 2, "refused": 1, "open_extra": 3},
    "enterprise_registration": {"early": 8, "on_time": 5, "late": 2, "refused": 2, "open_extra": 4},
    "judicial_record": {"early": 5, "on_time": 4, "late": 2, "refused": 1, "open_extra": 2},
    "tourist_accommodation_rating": {"early": 3, "on_time": 2, "late": 1, "refused": 1, "open_extra": 1},
    "construction_permit": {"early": 2, "on_time": 2, "late": 1, "refused": 1, "open_extra": 1},
    "investment_policy": {"early": 3, "on_time": 0, "late": 0, "refused": 1, "open_extra": 1},
    "land_first_registration": {"early": 1, "on_time": 2, "late": 1, "refused": 1, "open_extra": 2},
}
DEFAULT_VOLUME = {"early": 2, "on_time": 2, "late": 1, "refused": 1, "open_extra": 1}

BUSINESS_LINES = [["Bán lẻ hàng hóa", "Dịch vụ lưu trú ngắn ngày"], ["Nhà hàng và dịch vụ ăn uống"],
                  ["Vận tải hành khách đường thủy nội địa", "Đại lý du lịch"], ["Xây dựng nhà để ở"],
                  ["Nuôi trồng thủy sản biển", "Chế biến và bảo quản thủy sản"], ["Bán buôn than đá và nhiên liệu rắn"],
                  ["Lập trình máy vi tính", "Tư vấn máy vi tính và quản trị hệ thống máy vi tính"]]
ENTERPRISE_WORDS = ["Hạ Long Xanh", "Vịnh Ngọc", "Bãi Cháy", "Yên Tử", "Cửa Ông", "Vân Đồn Xanh", "Trà Cổ",
                    "Đông Bắc", "Sao Biển", "Hòn Gai", "Cô Tô Xanh", "Minh Châu", "Quan Lạn", "Tuần Châu"]
HOTEL_WORDS = ["Vịnh Xanh", "Sao Biển", "Hoa Sen", "Ngọc Trai", "Hải Âu", "Mặt Trời", "Bình Minh", "Đảo Ngọc",
               "Hương Biển", "Thiên Long"]
CERTIFIED_DOCUMENTS = [
    ("Bằng tốt nghiệp trung học phổ thông", "Sở Giáo dục và Đào tạo tỉnh Quảng Ninh", 1),
    ("Học bạ trung học phổ thông", "Trường THPT Hòn Gai", 12),
    ("Giấy khai sinh", "Ủy ban nhân dân phường Hồng Gai", 1),
    ("Giấy chứng nhận quyền sử dụng đất", "Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh", 4),
    ("Bằng tốt nghiệp đại học", "Trường Đại học Hạ Long", 1),
    ("Giấy chứng nhận đăng ký doanh nghiệp", "Phòng Đăng ký kinh doanh, Sở Tài chính", 2),
    ("Sổ hộ khẩu", "Công an phường Bãi Cháy", 8),
]
CARE_FACILITIES = ["Trạm Y tế {name}", "Bệnh viện Bãi Cháy", "Bệnh viện Đa khoa tỉnh Quảng Ninh",
                   "Trung tâm Y tế khu vực {name}"]
WITHDRAW_REASONS = ["Công dân đề nghị rút hồ sơ để bổ sung giấy tờ và nộp lại sau",
                    "Tổ chức đề nghị rút hồ sơ do thay đổi phương án kinh doanh",
                    "Người nộp đề nghị rút hồ sơ (đơn đề nghị rút hồ sơ có chữ ký)"]
EXTEND_REASONS = ["Cần thêm thời gian xác minh thông tin tại cơ quan phối hợp",
                  "Hệ thống cơ sở dữ liệu chuyên ngành gián đoạn; xin lỗi và hẹn lại ngày trả kết quả"]
DELEGATE_REASONS = ["Chuyên viên đi công tác, chuyển đồng nghiệp xử lý tiếp", "Phân công lại theo lĩnh vực phụ trách"]


# --- Intake data ------------------------------------------------------------------------------


def start_data(key: str, rng: Any, person: dict[str, Any], place: str,
               day: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Valid intake data of a dossier of ``key`` for ``person`` living in ``place`` (a locality
    name), received on ``day``; and the placeholder values its steps use. KeyError when unknown."""
    applicant = {"applicant_name": person["name"], "id_number": person["id_number"], "phone": person["phone"],
                 "address": person["address"]}
    values: dict[str, Any] = {"applicant": person["name"], "address": person["address"],
                              "number": str(rng.randint(100, 999))}
    if key == "enterprise_registration":
        word = rng.choice(ENTERPRISE_WORDS)
        data = {
            "applicant": applicant,
            "enterprise_name": f"Công ty TNHH {rng.choice(['Thương mại', 'Dịch vụ', 'Du lịch', 'Xây dựng'])} {word}",
            "head_office_address": f"Số {rng.randint(1, 200)} đường {rng.choice(STREETS)}, {place}, tỉnh {PROVINCE}",
            "charter_capital_vnd": rng.choice([500_000_000, 1_000_000_000, 2_000_000_000, 5_000_000_000]),
            "business_lines": rng.choice(BUSINESS_LINES),
            "owner_type": "individual",
            "documents": ["registration_application", "company_charter", "owner_legal_papers"],
            "result_delivery": "counter",
        }
    elif key == "certified_copy":
        documents = rng.sample(CERTIFIED_DOCUMENTS, rng.randint(1, 3))
        data = {
            "applicant": applicant,
            "documents_to_certify": [
                {"document_name": name, "issuing_authority": authority, "page_count": pages,
                 "copy_count": rng.randint(1, 4)} for name, authority, pages in documents],
            "documents": ["original_document", "prepared_copy"],
            "result_delivery": "counter",
        }
        values["receipt"] = f"BL-{rng.randint(1, 9_999_999):07d}"
    elif key == "birth_registration_combo":
        father_family = person["name"].split()[0] if person["sex"] == "male" else rng.choice(["Trần", "Lê", "Phạm"])
        child_sex = rng.choice(["male", "female"])
        given = rng.choice(GIVEN_MALE if child_sex == "male" else GIVEN_FEMALE)
        middle = rng.choice(["Minh", "Gia", "Bảo", "Anh", "Khánh"])
        born = day - timedelta(days=rng.randint(3, 40))
        other = f"{rng.choice(['Nguyễn', 'Vũ', 'Hoàng', 'Đỗ'])} Thị {rng.choice(GIVEN_FEMALE)}" \
            if person["sex"] == "male" else f"{father_family} Văn {rng.choice(GIVEN_MALE)}"
        mother = person["name"] if person["sex"] == "female" else other
        father = person["name"] if person["sex"] == "male" else other
        data = {
            "applicant": {**applicant, "relationship_to_child": "mother" if person["sex"] == "female" else "father"},
            "child": {"full_name": f"{father_family} {middle} {given}", "sex": child_sex,
                      "date_of_birth": born.isoformat(), "place_of_birth": "Bệnh viện Sản Nhi Quảng Ninh",
                      "ethnicity": "Kinh", "nationality": "Việt Nam"},
            "mother": {"full_name": mother, "id_number": id_number(rng, "female")},
            "father": {"full_name": father, "id_number": id_number(rng, "male")},
            "residence": {"permanent_address": person["address"], "household_head_name": father,
                          "relationship_to_household_head": "Con"},
            "health_insurance": {"initial_care_facility": f"Trạm Y tế {place}"},
            "documents": ["interlink_declaration", "medical_birth_certificate"],
            "result_delivery": "electronic",
        }
        values.update(child_id=f"022{2 if child_sex == 'male' else 3}{born:%y}{rng.randint(0, 999_999):06d}",
                      card=f"22{rng.randint(0, 99_999_999):08d}", care_facility=f"Trạm Y tế {place}")
    elif key == "judicial_record":
        father = f"{person['name'].split()[0]} Văn {rng.choice(GIVEN_MALE)}"
        data = {
            "applicant": applicant,
            "submission_capacity": "self",
            "subject": {"full_name": person["name"], "gender": person["sex"],
                        "date_of_birth": f"{person['birth_year']}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "place_of_birth": f"{place}, tỉnh {PROVINCE}", "nationality": "Việt Nam",
                        "id_number": person["id_number"], "residence": f"{place}, tỉnh {PROVINCE}",
                        "father_name": father, "mother_name": f"{rng.choice(['Nguyễn', 'Lê', 'Vũ'])} Thị "
                                                              f"{rng.choice(GIVEN_FEMALE)}"},
            "certificate_type": "phieu_1",
            "copies_requested": rng.randint(1, 3),
            "purpose": rng.choice(["Bổ sung hồ sơ xin việc", "Hồ sơ xuất khẩu lao động",
                                   "Đăng ký thành lập doanh nghiệp", "Hồ sơ du học"]),
            "fee_category": "standard",
            "documents": ["request_form", "identity_document"],
            "result_delivery": "counter",
        }
    elif key == "tourist_accommodation_rating":
        rating = rng.randint(1, 3)
        word = rng.choice(HOTEL_WORDS)
        data = {
            "applicant": {**applicant, "position": "Giám đốc"},
            "business_name": f"Công ty TNHH Du lịch {word}",
            "business_registration_number": f"57{rng.randint(0, 99_999_999):08d}",
            "establishment_name": f"Khách sạn {word}",
            "establishment_type": "hotel",
            "establishment_address": f"Số {rng.randint(1, 120)} đường {rng.choice(STREETS)}, {place}, "
                                     f"tỉnh {PROVINCE}",
            "room_count": rng.randint(15, 120),
            "requested_rating": rating,
            "request_type": "first_recognition",
            "documents": ["rating_application", "self_assessment", "staff_list", "staff_qualifications"],
            "result_delivery": "counter",
        }
        values["rating"] = rating
    elif key == "construction_permit":
        floors = rng.randint(3, 9)
        area = rng.choice([250, 400, 650, 900])
        data = {
            "applicant": applicant,
            "investor_name": f"Công ty Cổ phần Đầu tư {rng.choice(ENTERPRISE_WORDS)}",
            "investor_tax_code": f"57{rng.randint(0, 99_999_999):08d}",
            "work_name": f"{rng.choice(['Khách sạn', 'Tòa nhà văn phòng', 'Trung tâm thương mại', 'Nhà xưởng'])} "
                         f"{rng.choice(HOTEL_WORDS)}",
            "construction_address": f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {place}, tỉnh {PROVINCE}",
            "land_parcel_number": str(rng.randint(10, 999)),
            "map_sheet_number": str(rng.randint(1, 60)),
            "permit_type": "new_construction",
            "work_category": "civil",
            "work_grade": "grade_3",
            "construction_area_m2": area,
            "total_floor_area_m2": area * floors,
            "floors_above_ground": floors,
            "basement_floors": rng.randint(0, 1),
            "height_m": round(floors * 3.6 + 1.5, 1),
            "documents": ["permit_application", "land_use_right_papers", "project_approval", "design_drawings"],
            "result_delivery": "counter",
        }
    elif key == "investment_policy":
        project, objectives = rng.choice(INVESTMENT_PROJECTS)
        word = rng.choice(ENTERPRISE_WORDS)
        capital = rng.choice([120, 350, 850, 1_500]) * 1_000_000_000
        data = {
            "applicant": applicant,
            "investor_name": f"Công ty cổ phần {word}",
            "investor_type": "domestic_organisation",
            "enterprise_code": f"57{rng.randint(0, 99_999_999):08d}",
            "project_name": f"{project} {word}",
            "project_objectives": objectives,
            "project_location": f"{place[0].upper()}{place[1:]}, tỉnh {PROVINCE}",
            "land_area_ha": rng.choice([2.5, 5.0, 12.5, 30.0]),
            "total_capital_vnd": capital,
            "equity_capital_vnd": capital // 5,
            "operation_term_years": rng.choice([30, 50]),
            "implementation_schedule": "Góp đủ vốn trong 24 tháng; đưa vào hoạt động sau 36 tháng",
            "requests_land_allocation": rng.random() < 0.7,
            "documents": ["investment_application", "investor_legal_status", "financial_capacity", "project_proposal"],
            "result_delivery": "counter",
        }
        values.update(two_departments=rng.sample(CONSULTABLE, 2), one_department=[rng.choice(CONSULTABLE)])
    elif key == "land_first_registration":
        area = rng.choice([80, 120, 150, 200, 300])
        parcel_address = f"Tổ {rng.randint(1, 30)}, {place}, tỉnh {PROVINCE}"
        data = {
            "applicant": applicant,
            "land_user_name": person["name"],
            "land_user_type": "household",
            "parcel_number": str(rng.randint(10, 999)),
            "map_sheet_number": str(rng.randint(1, 60)),
            "land_address": parcel_address,
            "declared_area_m2": area,
            "land_use_purpose": "residential",
            "declared_land_origin": "Ông bà để lại, sử dụng từ năm 1992",
            "registers_house": True,
            "documents": ["registration_application", "asset_ownership_papers"],
            "result_delivery": "counter",
        }
        values.update(area=round(area + rng.uniform(-3, 3), 1),
                      serial=f"D{rng.choice('ABCĐ')} {rng.randint(0, 999_999):06d}")
    else:
        raise KeyError(key)
    return data, values


def id_number(rng: Any, sex: str, year: int | None = None) -> str:
    """A 12-digit personal ID of Quảng Ninh (province code 022): province, sex/century, year, serial."""
    year = year or rng.randint(1965, 2000)
    century = 0 if year < 2000 else 2
    return f"022{century + (1 if sex == 'female' else 0)}{year % 100:02d}{rng.randint(0, 999_999):06d}"
