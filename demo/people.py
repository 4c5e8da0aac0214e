"""Generated people of the demo: Vietnamese names, usernames, applicants' addresses, phones and
personal ID numbers, from Faker's ``vi_VN`` locale seeded for repeatability.

Faker's own ``vi_VN`` name formats put the given name first and add honorifics ("Quý ông"), and its
phone formats include landlines and ``+84`` forms the intake forms reject (``^0[0-9]{9}$``); so the
names are assembled from the locale's parts in the Vietnamese order (family, middle, given), and
phone numbers are mobile numbers made with Faker's ``numerify``.
"""

from __future__ import annotations

from typing import Any

from faker import Faker
from faker.providers.person.vi_VN import Provider as VietnamesePersons

from demo.province import PROVINCE
from engine.org.text import fold

LOCALE = "vi_VN"
SEXES = ("male", "female")

# The locale's name parts, for generators that draw millions of names with their own random source.
FAMILY_NAMES: tuple[str, ...] = tuple(dict.fromkeys(VietnamesePersons.last_names))
MIDDLE_MALE: tuple[str, ...] = tuple(m for m in dict.fromkeys(VietnamesePersons.middle_names) if m != "Thị")
MIDDLE_FEMALE: tuple[str, ...] = ("Thị", *(m for m in dict.fromkeys(VietnamesePersons.middle_names)
                                           if m not in ("Thị", "Văn")))
GIVEN_MALE: tuple[str, ...] = tuple(dict.fromkeys(VietnamesePersons.first_names_male))
GIVEN_FEMALE: tuple[str, ...] = tuple(dict.fromkeys(VietnamesePersons.first_names_female))
MOBILE_PREFIXES = ("09", "08", "03")
PROVINCE_ID_CODE = "022"  # Quảng Ninh's code in the 12-digit personal ID


class Names:
    """Vietnamese full names (unique while they can be) and accent-free usernames (always unique)."""

    def __init__(self, seed: str, taken_usernames: set[str] | None = None) -> None:
        self.fake = Faker(LOCALE)
        self.fake.seed_instance(seed)
        self.usernames = set(taken_usernames or ())
        self.full_names: set[str] = set()

    def reseed(self, seed: str) -> None:
        """Start a new repeatable sequence (one Faker serves many dossiers: building one is slow)."""
        self.fake.seed_instance(seed)

    def sex(self) -> str:
        return str(self.fake.random_element(SEXES))

    def family(self) -> str:
        return str(self.fake.last_name())

    def middle(self, sex: str) -> str:
        # "Thị" is the most common middle name of women; the locale lists it as one name among many.
        if sex == "female" and self.fake.boolean(chance_of_getting_true=40):
            return "Thị"
        return str(self.fake.random_element(MIDDLE_MALE if sex == "male" else MIDDLE_FEMALE))

    def given(self, sex: str) -> str:
        return str(self.fake.first_name_male() if sex == "male" else self.fake.first_name_female())

    def person(self, sex: str | None = None) -> tuple[str, str]:
        """A full name and the sex it was made for; a name already given is avoided when possible."""
        for _ in range(50):
            chosen = sex or self.sex()
            name = f"{self.family()} {self.middle(chosen)} {self.given(chosen)}"
            if name not in self.full_names:
                break
        self.full_names.add(name)
        return name, chosen

    def username(self, full_name: str) -> str:
        """Given name + initials of the others, the way provincial mail accounts are made: "lannt"."""
        parts = fold(full_name).split()
        base = parts[-1] + "".join(p[0] for p in parts[:-1])
        candidate, number = base, 1
        while candidate in self.usernames:
            number += 1
            candidate = f"{base}{number}"
        self.usernames.add(candidate)
        return candidate

    def phone(self) -> str:
        return str(self.fake.numerify(self.fake.random_element(MOBILE_PREFIXES) + "########"))

    def street_address(self, place: str) -> str:
        """A house on a Vietnamese street of ``place`` (a locality of the province)."""
        return f"Số {self.fake.random_int(1, 250)} đường {self.fake.street_name()}, {place}, tỉnh {PROVINCE}"

    def id_number(self, sex: str, year: int | None = None) -> str:
        """A 12-digit personal ID of the province: province code, sex and century, year, serial."""
        year = year or self.fake.random_int(1965, 2000)
        century = 0 if year < 2000 else 2
        serial = self.fake.random_int(0, 999_999)
        return f"{PROVINCE_ID_CODE}{century + (1 if sex == 'female' else 0)}{year % 100:02d}{serial:06d}"

    def applicant(self, place: str) -> dict[str, Any]:
        """Someone living in ``place`` who hands in a dossier."""
        full_name, sex = self.person()
        year = self.fake.random_int(1968, 2004)
        return {"name": full_name, "sex": sex, "birth_year": year, "id_number": self.id_number(sex, year),
                "phone": self.phone(), "address": self.street_address(place)}
