"""Generated people: Vietnamese names in the Vietnamese order from Faker's vi_VN parts, repeatable
for a seed, and contact details the intake forms accept."""

from __future__ import annotations

import re

from demo.people import FAMILY_NAMES, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_MALE, Names
from demo.province import PROVINCE


def test_the_same_seed_gives_the_same_people() -> None:
    first, second = Names("seed"), Names("seed")
    assert [first.applicant("phường Hạ Long") for _ in range(20)] == \
        [second.applicant("phường Hạ Long") for _ in range(20)]
    assert Names("other").applicant("phường Hạ Long") != Names("seed").applicant("phường Hạ Long")


def test_names_read_family_middle_given() -> None:
    names = Names("order")
    for _ in range(200):
        full_name, sex = names.person()
        parts = full_name.split()
        assert parts[0] in FAMILY_NAMES
        assert parts[-1] in (GIVEN_MALE if sex == "male" else GIVEN_FEMALE)
        if sex == "male":
            assert "Thị" not in parts[1:-1]
    assert all(middle != "Thị" for middle in MIDDLE_MALE)


def test_names_are_not_repeated_while_others_remain() -> None:
    names = Names("unique")
    made = [names.person()[0] for _ in range(400)]
    assert len(set(made)) == len(made)


def test_usernames_are_unique_ascii_and_avoid_taken_ones() -> None:
    names = Names("accounts", {"lannt"})
    assert names.username("Nguyễn Thị Lan") == "lannt2"
    assert names.username("Nguyễn Thị Lan") == "lannt3"
    assert names.username("Đặng Đức Thắng") == "thangdd"


def test_contact_details_match_the_intake_forms() -> None:
    names = Names("contacts")
    for _ in range(100):
        person = names.applicant("xã Quảng La")
        assert re.fullmatch(r"0[0-9]{9}", person["phone"])
        assert re.fullmatch(r"022[0-3][0-9]{8}", person["id_number"])
        assert person["id_number"][4:6] == f"{person['birth_year'] % 100:02d}"
        assert person["address"].endswith(f", xã Quảng La, tỉnh {PROVINCE}")
        assert person["address"].startswith("Số ")
