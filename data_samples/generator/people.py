"""Synthetic parties with plausible Vietnamese names, CCCD numbers and addresses.

Every person is invented: names are drawn from common family, middle and given names,
ID numbers follow the 12-digit CCCD layout (birth province, century and gender, birth
year, six random digits) but are random.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np

from .model import Party


def _nfc(words: list[str]) -> list[str]:
    """The words in Unicode NFC, as stored everywhere in the sample."""
    return [unicodedata.normalize("NFC", w) for w in words]


FAMILY_NAMES = _nfc(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Đào",
        "Trịnh",
        "Lương",
        "Mai",
        "Tạ",
        "Hà",
        "Cao",
        "Lưu",
        "Kiều",
        "Chu",
        "Nghiêm",
        "Khúc",
        "Quách",
    ]
)
FAMILY_WEIGHTS = np.array(
    [
        38.0,
        11.0,
        9.5,
        7.0,
        4.5,
        0.6,
        4.0,
        3.9,
        0.8,
        2.1,
        2.0,
        1.8,
        1.3,
        1.3,
        1.0,
        0.5,
        1.0,
        0.9,
        0.8,
        0.5,
        0.4,
        0.4,
        0.4,
        0.4,
        0.3,
        0.2,
        0.3,
        0.1,
        0.1,
        0.1,
    ]
)
MIDDLE_NAMES = (
    _nfc(
        [
            "Văn",
            "Đức",
            "Minh",
            "Quang",
            "Hữu",
            "Công",
            "Mạnh",
            "Xuân",
            "Ngọc",
            "Tiến",
            "Thành",
            "Hoàng",
            "Văn",
            "Văn",
        ]
    ),
    _nfc(
        [
            "Thị",
            "Thu",
            "Ngọc",
            "Thanh",
            "Minh",
            "Phương",
            "Kim",
            "Thúy",
            "Hồng",
            "Mai",
            "Diệu",
            "Bích",
            "Thị",
            "Thị",
        ]
    ),
)
GIVEN_NAMES = (
    _nfc(
        [
            "An",
            "Bình",
            "Cường",
            "Dũng",
            "Đức",
            "Giang",
            "Hải",
            "Hiếu",
            "Hoàng",
            "Hùng",
            "Huy",
            "Khánh",
            "Khoa",
            "Kiên",
            "Long",
            "Minh",
            "Nam",
            "Nghĩa",
            "Phong",
            "Phúc",
            "Quân",
            "Quang",
            "Sơn",
            "Tài",
            "Thắng",
            "Thành",
            "Trung",
            "Tuấn",
            "Tùng",
            "Việt",
            "Vinh",
            "Hưng",
            "Hòa",
            "Lâm",
            "Toàn",
            "Thịnh",
            "Tiến",
            "Duy",
            "Đạt",
            "Hậu",
        ]
    ),
    _nfc(
        [
            "Anh",
            "Bích",
            "Chi",
            "Diệp",
            "Dung",
            "Giang",
            "Hà",
            "Hạnh",
            "Hằng",
            "Hiền",
            "Hoa",
            "Hồng",
            "Hương",
            "Huyền",
            "Lan",
            "Liên",
            "Linh",
            "Loan",
            "Mai",
            "Ngọc",
            "Nhung",
            "Oanh",
            "Phương",
            "Quyên",
            "Quỳnh",
            "Thảo",
            "Thu",
            "Thủy",
            "Trang",
            "Tuyết",
            "Vân",
            "Yến",
            "Nga",
            "Hải",
            "Minh",
            "Thanh",
        ]
    ),
)
BIRTH_PROVINCES = [
    "001",
    "036",
    "034",
    "030",
    "033",
    "035",
    "038",
    "040",
    "031",
    "027",
    "037",
    "025",
    "022",
    "079",
    "026",
    "019",
]
BIRTH_PROVINCE_WEIGHTS = np.array(
    [80.0, 3, 2.5, 2, 2, 1.5, 2, 1.5, 1, 1, 1, 0.7, 0.5, 0.5, 0.4, 0.4]
)
GENDERS = ("male", "female")
KEY_FORMATS = {"I": "I{:07d}", "H": "H{:07d}", "C": "C{:07d}", "O": "O{:05d}", "S": "S{:03d}"}
BANKS = _nfc(
    [
        "Ngân hàng TMCP Ngoại thương Việt Nam",
        "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam",
        "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
        "Ngân hàng TMCP Công Thương Việt Nam",
        "Ngân hàng TMCP Kỹ thương Việt Nam",
        "Ngân hàng TMCP Quân đội",
        "Ngân hàng TMCP Á Châu",
        "Ngân hàng TMCP Việt Nam Thịnh Vượng",
    ]
)
COMPANY_FORMS = _nfc(
    [
        "Công ty TNHH",
        "Công ty Cổ phần",
        "Công ty TNHH Thương mại và Dịch vụ",
        "Công ty Cổ phần Đầu tư",
    ]
)
BRAND_WORDS = _nfc(
    [
        "Hưng Thịnh",
        "An Phát",
        "Minh Long",
        "Thành Đạt",
        "Phú Gia",
        "Hoàn Mỹ",
        "Sao Việt",
        "Đông Á",
        "Hồng Hà",
        "Tây Hồ",
        "Kim Ngân",
        "Thăng Long",
        "Bảo Châu",
        "Đại Việt",
        "Hòa Bình",
        "Trường An",
        "Việt Hưng",
        "Phú Thịnh",
    ]
)
SCHOOL_KINDS = _nfc(["Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở"])
SCHOOL_NAMES = _nfc(
    [
        "Tràng An",
        "Trưng Vương",
        "Nguyễn Du",
        "Lý Thái Tổ",
        "Chu Văn An",
        "Ngô Sĩ Liên",
        "Hoa Sen",
        "Điện Biên",
        "Quang Trung",
        "Thăng Long",
    ]
)
CLINIC_NAMES = _nfc(["Phòng khám Đa khoa", "Trung tâm Y tế", "Phòng khám Đa khoa Khu vực"])
PAGODA_NAMES = _nfc(
    [
        "Phúc Lâm",
        "Linh Quang",
        "Hưng Khánh",
        "Vân Hồ",
        "Kim Cổ",
        "Bà Đá",
        "Hòe Nhai",
        "Liên Phái",
        "Quảng Hóa",
        "Pháp Vân",
        "Diên Phúc",
        "Thiên Tiên",
    ]
)


def birth_dates(
    rng: np.random.Generator, n: int, first_year: int | np.ndarray, last_year: int | np.ndarray
) -> np.ndarray:
    """Random birth dates (datetime64[D]) with years in [first_year, last_year]."""
    lo = np.asarray(first_year, dtype=np.int64)
    hi = np.asarray(last_year, dtype=np.int64)
    years = rng.integers(lo, hi + 1, size=n)
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    return start + rng.integers(0, 365, size=n).astype("timedelta64[D]")


def cccd_numbers(
    province: np.ndarray, female: np.ndarray, birth: np.ndarray, serial: np.ndarray
) -> np.ndarray:
    """12-digit CCCD numbers as int64: province, century+gender, year, six digits."""
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    century_gender = (year >= 2000) * 2 + female.astype(np.int64)
    prov = np.array([int(code) for code in BIRTH_PROVINCES], dtype=np.int64)[province]
    return prov * 10**9 + century_gender * 10**8 + (year % 100) * 10**6 + serial


@dataclass(slots=True)
class PersonDraws:
    """Pre-drawn persons: gender, birth date, name parts and a unique CCCD each."""

    female: np.ndarray
    birth: np.ndarray
    family: np.ndarray
    middle: np.ndarray
    given: np.ndarray
    ids: np.ndarray

    def name(self, i: int, family: int | None = None) -> str:
        """Full name of person i, optionally with another family name."""
        g = int(self.female[i])
        fam = FAMILY_NAMES[int(self.family[i]) if family is None else family]
        return f"{fam} {MIDDLE_NAMES[g][int(self.middle[i])]} {GIVEN_NAMES[g][int(self.given[i])]}"


class PartyBook:
    """Creates parties with stable keys and unique CCCD numbers; keeps them in order."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.parties: list[Party] = []
        self._positions: dict[str, list[int]] = {prefix: [] for prefix in KEY_FORMATS}
        self._counters: dict[str, int] = {}
        self._used_ids = np.empty(0, dtype=np.int64)

    def add(self, party: Party) -> str:
        """Keep a party (its key must be the next of its prefix); return its key."""
        self._positions[party.key[0]].append(len(self.parties))
        self.parties.append(party)
        return party.key

    def get(self, key: str) -> Party:
        """The party with this key, found from its prefix and sequence number."""
        return self.parties[self._positions[key[0]][int(key[1:]) - 1]]

    def key(self, prefix: str) -> str:
        """Next stable key with a kind prefix (I, H, C: 7 digits; O: 5; S: 3)."""
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return KEY_FORMATS[prefix].format(n)

    def keys(self, prefix: str, count: int) -> list[str]:
        """The next `count` keys of a prefix."""
        start = self._counters.get(prefix, 0)
        self._counters[prefix] = start + count
        fmt = KEY_FORMATS[prefix].format
        return [fmt(n) for n in range(start + 1, start + count + 1)]

    def family_names(self, n: int) -> np.ndarray:
        """Family-name indices drawn by their frequency in Vietnam."""
        p = FAMILY_WEIGHTS / FAMILY_WEIGHTS.sum()
        return self.rng.choice(len(FAMILY_NAMES), size=n, p=p)

    def _unique_ids(self, province, female, birth) -> np.ndarray:
        """CCCD numbers not used before and not repeated within the batch."""
        ids = cccd_numbers(province, female, birth, self.rng.integers(0, 10**6, size=female.size))
        while True:
            _, first = np.unique(ids, return_index=True)
            clash = np.ones(ids.size, dtype=bool)
            clash[first] = False
            clash |= np.isin(ids, self._used_ids)
            if not clash.any():
                break
            fresh = self.rng.integers(0, 10**6, size=int(clash.sum()))
            ids[clash] = ids[clash] - ids[clash] % 10**6 + fresh
        self._used_ids = np.union1d(self._used_ids, ids)
        return ids

    def draw_persons(self, female: np.ndarray, birth: np.ndarray) -> PersonDraws:
        """Draw names, birth provinces and unique CCCD numbers for a batch of persons."""
        n = female.size
        p = BIRTH_PROVINCE_WEIGHTS / BIRTH_PROVINCE_WEIGHTS.sum()
        province = self.rng.choice(len(BIRTH_PROVINCES), size=n, p=p)
        given = np.where(
            female,
            self.rng.integers(0, len(GIVEN_NAMES[1]), size=n),
            self.rng.integers(0, len(GIVEN_NAMES[0]), size=n),
        )
        return PersonDraws(
            female=female.astype(bool),
            birth=birth,
            family=self.family_names(n),
            middle=self.rng.integers(0, len(MIDDLE_NAMES[0]), size=n),
            given=given,
            ids=self._unique_ids(province, female, birth),
        )

    def individuals(
        self, draws: PersonDraws, addresses: list[str], family: np.ndarray | None = None
    ) -> list[str]:
        """Create every drawn person (family names optionally imposed); return their keys."""
        fam = draws.family if family is None else family
        keys = self.keys("I", fam.size)
        start = len(self.parties)
        self._positions["I"].extend(range(start, start + len(keys)))
        append = self.parties.append
        for key, f, g, m, gv, pid, bd, addr in zip(
            keys,
            fam.tolist(),
            draws.female.astype(np.int64).tolist(),
            draws.middle.tolist(),
            draws.given.tolist(),
            draws.ids.tolist(),
            draws.birth.astype(object).tolist(),
            addresses,
            strict=True,
        ):
            name = f"{FAMILY_NAMES[f]} {MIDDLE_NAMES[g][m]} {GIVEN_NAMES[g][gv]}"
            append(Party(key, "individual", name, (), f"{pid:012d}", bd, GENDERS[g], addr))
        return keys

    def individual(
        self, draws: PersonDraws, i: int, address: str, family: int | None = None
    ) -> tuple[str, str]:
        """Create drawn person i; return its key and name."""
        key = self.key("I")
        name = draws.name(i, family)
        g = int(draws.female[i])
        self.add(
            Party(
                key,
                "individual",
                name,
                (),
                f"{int(draws.ids[i]):012d}",
                date_of(draws.birth[i]),
                GENDERS[g],
                address,
            )
        )
        return key, name

    def household(self, members: list[str], head_name: str, head_female: bool) -> str:
        """A household (hộ gia đình) named after its head."""
        key = self.key("H")
        title = "bà" if head_female else "ông"
        self.add(Party(key, "household", f"Hộ {title} {head_name}", tuple(members)))
        return key

    def couple(self, husband: str, wife: str, husband_name: str, wife_name: str) -> str:
        """A married couple (vợ chồng) holding jointly."""
        key = self.key("C")
        name = f"Ông {husband_name} và bà {wife_name}"
        self.add(Party(key, "couple", name, (husband, wife)))
        return key

    def organisation(self, name: str) -> str:
        """A company, bank, school, clinic or religious organisation."""
        key = self.key("O")
        self.add(Party(key, "organisation", unicodedata.normalize("NFC", name)))
        return key

    def state(self, commune_name: str) -> str:
        """The People's Committee managing State land (roads) in a commune."""
        key = self.key("S")
        self.add(Party(key, "state", f"Ủy ban nhân dân {commune_name}"))
        return key

    def banks(self) -> list[str]:
        """The creditor banks used for mortgages."""
        return [self.organisation(name) for name in BANKS]

    def company_name(self) -> str:
        """A plausible company name."""
        form = COMPANY_FORMS[int(self.rng.integers(len(COMPANY_FORMS)))]
        brand = BRAND_WORDS[int(self.rng.integers(len(BRAND_WORDS)))]
        return f"{form} {brand}"


def date_of(value: np.datetime64) -> date:
    """A numpy day as a Python date."""
    return value.astype("datetime64[D]").astype(object)
