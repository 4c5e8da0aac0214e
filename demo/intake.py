"""Valid intake data of a demo dossier, per deployed procedure, and the values its steps' data use.

Names of people come from ``demo.people`` (Faker); the words of businesses, hotels and projects are
the province's own places and trades, part of the demo's setting.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from demo.people import Names
from demo.province import PROVINCE
from demo.step_data import CONSULTABLE

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
INVESTMENT_PROJECTS = [
    ("Khu dịch vụ du lịch sinh thái", "Kinh doanh dịch vụ lưu trú, ăn uống và vui chơi giải trí"),
    ("Nhà máy chế biến thủy sản xuất khẩu", "Chế biến, bảo quản thủy sản phục vụ xuất khẩu"),
    ("Trung tâm logistics", "Kho bãi, dịch vụ hỗ trợ vận tải hàng hóa qua cửa khẩu"),
    ("Khu nhà ở xã hội", "Đầu tư xây dựng nhà ở xã hội cho công nhân khu công nghiệp"),
]


class Intake:
    """One dossier's intake: ``data`` for ``start_dossier`` and ``values`` for its steps' placeholders."""

    def __init__(self, rng: random.Random, names: Names, person: dict[str, Any], place: str, day: date) -> None:
        self.rng, self.names, self.person, self.place, self.day = rng, names, person, place, day
        self.applicant = {"applicant_name": person["name"], "id_number": person["id_number"],
                          "phone": person["phone"], "address": person["address"]}
        self.values: dict[str, Any] = {"applicant": person["name"], "address": person["address"],
                                       "number": str(rng.randint(100, 999))}

    def address(self) -> str:
        return self.names.street_address(self.place)

    def tax_code(self) -> str:
        return f"57{self.rng.randint(0, 99_999_999):08d}"


def start_data(key: str, rng: random.Random, names: Names, person: dict[str, Any], place: str,
               day: date) -> tuple[dict[str, Any], dict[str, Any]]:
    """Valid intake data of a dossier of ``key`` for ``person`` living in ``place`` (a locality
    name), received on ``day``; and the placeholder values its steps use. KeyError when unknown."""
    make = INTAKES[key]
    intake = Intake(rng, names, person, place, day)
    return make(intake), intake.values


def _enterprise(i: Intake) -> dict[str, Any]:
    rng = i.rng
    kind = rng.choice(["Thương mại", "Dịch vụ", "Du lịch", "Xây dựng"])
    return {
        "applicant": i.applicant,
        "enterprise_name": f"Công ty TNHH {kind} {rng.choice(ENTERPRISE_WORDS)}",
        "head_office_address": i.address(),
        "charter_capital_vnd": rng.choice([500_000_000, 1_000_000_000, 2_000_000_000, 5_000_000_000]),
        "business_lines": rng.choice(BUSINESS_LINES),
        "owner_type": "individual",
        "documents": ["registration_application", "company_charter", "owner_legal_papers"],
        "result_delivery": "counter",
    }


def _certified_copy(i: Intake) -> dict[str, Any]:
    rng = i.rng
    documents = rng.sample(CERTIFIED_DOCUMENTS, rng.randint(1, 3))
    i.values["receipt"] = f"BL-{rng.randint(1, 9_999_999):07d}"
    return {
        "applicant": i.applicant,
        "documents_to_certify": [
            {"document_name": name, "issuing_authority": authority, "page_count": pages,
             "copy_count": rng.randint(1, 4)} for name, authority, pages in documents],
        "documents": ["original_document", "prepared_copy"],
        "result_delivery": "counter",
    }


def _birth_registration(i: Intake) -> dict[str, Any]:
    rng, names, person = i.rng, i.names, i.person
    applicant_is_father = person["sex"] == "male"
    family = person["name"].split()[0] if applicant_is_father else names.family()
    child_sex = names.sex()
    born = i.day - timedelta(days=rng.randint(3, 40))
    other = f"{names.family()} Thị {names.given('female')}" if applicant_is_father \
        else f"{family} Văn {names.given('male')}"
    mother = other if applicant_is_father else person["name"]
    father = person["name"] if applicant_is_father else other
    care_facility = f"Trạm Y tế {i.place}"
    i.values.update(child_id=f"022{2 if child_sex == 'male' else 3}{born:%y}{rng.randint(0, 999_999):06d}",
                    card=f"22{rng.randint(0, 99_999_999):08d}", care_facility=care_facility)
    return {
        "applicant": {**i.applicant, "relationship_to_child": "father" if applicant_is_father else "mother"},
        "child": {"full_name": f"{family} {names.middle(child_sex)} {names.given(child_sex)}", "sex": child_sex,
                  "date_of_birth": born.isoformat(), "place_of_birth": "Bệnh viện Sản Nhi Quảng Ninh",
                  "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "mother": {"full_name": mother, "id_number": names.id_number("female")},
        "father": {"full_name": father, "id_number": names.id_number("male")},
        "residence": {"permanent_address": person["address"], "household_head_name": father,
                      "relationship_to_household_head": "Con"},
        "health_insurance": {"initial_care_facility": care_facility},
        "documents": ["interlink_declaration", "medical_birth_certificate"],
        "result_delivery": "electronic",
    }


def _judicial_record(i: Intake) -> dict[str, Any]:
    rng, names, person = i.rng, i.names, i.person
    hometown = f"{i.place}, tỉnh {PROVINCE}"
    return {
        "applicant": i.applicant,
        "submission_capacity": "self",
        "subject": {"full_name": person["name"], "gender": person["sex"],
                    "date_of_birth": f"{person['birth_year']}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "place_of_birth": hometown, "nationality": "Việt Nam",
                    "id_number": person["id_number"], "residence": hometown,
                    "father_name": f"{person['name'].split()[0]} Văn {names.given('male')}",
                    "mother_name": f"{names.family()} Thị {names.given('female')}"},
        "certificate_type": "phieu_1",
        "copies_requested": rng.randint(1, 3),
        "purpose": rng.choice(["Bổ sung hồ sơ xin việc", "Hồ sơ xuất khẩu lao động",
                               "Đăng ký thành lập doanh nghiệp", "Hồ sơ du học"]),
        "fee_category": "standard",
        "documents": ["request_form", "identity_document"],
        "result_delivery": "counter",
    }


def _tourist_rating(i: Intake) -> dict[str, Any]:
    rng = i.rng
    rating = rng.randint(1, 3)
    word = rng.choice(HOTEL_WORDS)
    i.values["rating"] = rating
    return {
        "applicant": {**i.applicant, "position": "Giám đốc"},
        "business_name": f"Công ty TNHH Du lịch {word}",
        "business_registration_number": i.tax_code(),
        "establishment_name": f"Khách sạn {word}",
        "establishment_type": "hotel",
        "establishment_address": i.address(),
        "room_count": rng.randint(15, 120),
        "requested_rating": rating,
        "request_type": "first_recognition",
        "documents": ["rating_application", "self_assessment", "staff_list", "staff_qualifications"],
        "result_delivery": "counter",
    }


def _construction_permit(i: Intake) -> dict[str, Any]:
    rng = i.rng
    floors = rng.randint(3, 9)
    area = rng.choice([250, 400, 650, 900])
    work = rng.choice(["Khách sạn", "Tòa nhà văn phòng", "Trung tâm thương mại", "Nhà xưởng"])
    return {
        "applicant": i.applicant,
        "investor_name": f"Công ty Cổ phần Đầu tư {rng.choice(ENTERPRISE_WORDS)}",
        "investor_tax_code": i.tax_code(),
        "work_name": f"{work} {rng.choice(HOTEL_WORDS)}",
        "construction_address": i.address(),
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


def _investment_policy(i: Intake) -> dict[str, Any]:
    rng = i.rng
    project, objectives = rng.choice(INVESTMENT_PROJECTS)
    word = rng.choice(ENTERPRISE_WORDS)
    capital = rng.choice([120, 350, 850, 1_500]) * 1_000_000_000
    i.values.update(two_departments=rng.sample(CONSULTABLE, 2), one_department=[rng.choice(CONSULTABLE)])
    return {
        "applicant": i.applicant,
        "investor_name": f"Công ty cổ phần {word}",
        "investor_type": "domestic_organisation",
        "enterprise_code": i.tax_code(),
        "project_name": f"{project} {word}",
        "project_objectives": objectives,
        "project_location": f"{i.place[0].upper()}{i.place[1:]}, tỉnh {PROVINCE}",
        "land_area_ha": rng.choice([2.5, 5.0, 12.5, 30.0]),
        "total_capital_vnd": capital,
        "equity_capital_vnd": capital // 5,
        "operation_term_years": rng.choice([30, 50]),
        "implementation_schedule": "Góp đủ vốn trong 24 tháng; đưa vào hoạt động sau 36 tháng",
        "requests_land_allocation": rng.random() < 0.7,
        "documents": ["investment_application", "investor_legal_status", "financial_capacity", "project_proposal"],
        "result_delivery": "counter",
    }


def _land_first_registration(i: Intake) -> dict[str, Any]:
    rng = i.rng
    area = rng.choice([80, 120, 150, 200, 300])
    i.values.update(area=round(area + rng.uniform(-3, 3), 1),
                    serial=f"D{rng.choice('ABCĐ')} {rng.randint(0, 999_999):06d}")
    return {
        "applicant": i.applicant,
        "land_user_name": i.person["name"],
        "land_user_type": "household",
        "parcel_number": str(rng.randint(10, 999)),
        "map_sheet_number": str(rng.randint(1, 60)),
        "land_address": f"Tổ {rng.randint(1, 30)}, {i.place}, tỉnh {PROVINCE}",
        "declared_area_m2": area,
        "land_use_purpose": "residential",
        "declared_land_origin": "Ông bà để lại, sử dụng từ năm 1992",
        "registers_house": True,
        "documents": ["registration_application", "asset_ownership_papers"],
        "result_delivery": "counter",
    }


INTAKES: dict[str, Callable[[Intake], dict[str, Any]]] = {
    "enterprise_registration": _enterprise,
    "certified_copy": _certified_copy,
    "birth_registration_combo": _birth_registration,
    "judicial_record": _judicial_record,
    "tourist_accommodation_rating": _tourist_rating,
    "construction_permit": _construction_permit,
    "investment_policy": _investment_policy,
    "land_first_registration": _land_first_registration,
}
