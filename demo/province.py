"""The demo province's structure: centers, units, localities and staffing, shaped like Quảng Ninh
after 01/07/2025 (domain brief §0.1): a one-level Public Administration Service Center with
commune-level centers, merged provincial departments (Sở Tài chính holds the business-registration
office, Sở Văn hóa, Thể thao và Du lịch holds tourism, Sở Nông nghiệp và Môi trường replaces TN&MT +
NN&PTNT), communes, wards and special zones, no districts.

The place and unit names are the province's real ones: they are the structure the procedures bind,
not filler. Agency identifiers end in ``.H00``, which is no province's code, so a demo dossier code
can never be mistaken for a real one. People's names are generated (``demo.people``).

The deployed procedures bind commune-level lanes to shared codes (``trung_tam_hcc_xa``,
``ubnd_xa``, ``ubnd_xa.tu_phap_ho_tich``, ``cong_an_xa``, ``bhxh_co_so``): one unit each, in which
the demo seats the officials of every locality who work those procedures (each keeps the center
of their locality, so two local centers never see each other's work); agencies and the commune
staff who answer the province's requests sit at the provincial center, above the local ones.
Each locality also has its own People's Committee and divisions.
"""

from __future__ import annotations

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

# Each local center is the one-stop desk of the ward or special zone it is named after: dossiers of a
# procedure routed by the receiving center's locality go to that locality's units.
CENTER_LOCALITIES: dict[str, str] = {
    "hcc_ha_long": "phuong_ha_long",
    "hcc_uong_bi": "phuong_uong_bi",
    "hcc_cam_pha": "phuong_cam_pha",
    "hcc_mong_cai": "phuong_mong_cai_1",
    "hcc_van_don": "dac_khu_van_don",
}

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
COMMUNE_LEADERS = 6  # one for the province's own dossiers, one per local center
COMMUNE_COMMITTEE_SPECIALISTS = 2  # who answers the province's requests for opinions
COMMUNE_CIVIL_STATUS = ("ubnd_xa.tu_phap_ho_tich", "Công chức Tư pháp – Hộ tịch cấp xã")
COMMUNE_LAND = ("ubnd_xa.dia_chinh", "Công chức Địa chính – Xây dựng cấp xã", 4)

# Units of every locality: (suffix, name template, role, officials); the committee itself has its
# chairman and a vice-chairman (unit_leader). The one-stop desk and the justice and civil status
# officer are what a commune-level procedure routed by locality needs (bpmn/README.md).
LOCALITY_LEADERS = 2
LOCALITY_DIVISIONS: list[tuple[str, str, str, int]] = [
    ("mot_cua", "Bộ phận Một cửa {name}", "reception", 2),
    ("tu_phap_ho_tich", "Công chức Tư pháp – Hộ tịch {name}", "specialist", 1),
    ("van_phong", "Văn phòng HĐND và UBND {name}", "specialist", 1),
    ("kinh_te", "Phòng Kinh tế {name}", "specialist", 1),
    ("van_hoa_xa_hoi", "Phòng Văn hóa – Xã hội {name}", "specialist", 1),
]

# The logins of the README walk-through; `motcua demo` prints them.
DEMO_LOGINS: list[tuple[str, str, list[str], str | None]] = [
    ("tiepnhan", "Nguyễn Thị Lan", ["reception"], "trung_tam_hcc"),
    ("chuyenvien", "Trần Văn Minh", ["specialist"], "so_tai_chinh.phong_dkkd"),
    ("lanhdao", "Lê Quang Huy", ["unit_leader"], "so_tai_chinh"),
    ("giamdoc", "Đặng Minh Tuấn", ["center_leader"], "trung_tam_hcc"),
    ("giamsat", "Vũ Thị Thanh", ["supervisor"], None),
    ("quantri", "Phạm Thu Hà", ["admin", "analyst", "auditor"], None),
    ("tiepnhan_halong", "Hoàng Thị Mai", ["reception"], "ubnd_phuong_ha_long.mot_cua"),
    ("tuphap_halong", "Ngô Văn Bình", ["specialist"], "ubnd_phuong_ha_long.tu_phap_ho_tich"),
    ("chutich_halong", "Đỗ Mạnh Hùng", ["unit_leader"], "ubnd_phuong_ha_long"),
]
# The logins that sit at a local center rather than the provincial one.
LOGIN_CENTERS: dict[str, str] = {
    "tiepnhan_halong": "hcc_ha_long", "tuphap_halong": "hcc_ha_long", "chutich_halong": "hcc_ha_long",
}

LEAVE_REASONS = ["Nghỉ phép năm", "Đi công tác tại Hà Nội", "Nghỉ ốm", "Tập huấn nghiệp vụ tại Bộ Tư pháp",
                 "Nghỉ việc riêng", "Học bồi dưỡng lý luận chính trị"]
