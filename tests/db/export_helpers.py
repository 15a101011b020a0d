"""A small register for the export and statistics tests, built through the SQL operations.

Three first registrations in 2012 (two communes, Vietnamese names and addresses, two
purposes on one parcel, ID numbers for the holders), a mortgage in 2013 and the split of
parcel 00070/12/45 into 101 and 102 on 2020-05-04.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    add_party,
    approved_dossier,
    change,
    holders,
    land_uses,
    rect,
    register_parcel,
    restrict,
    split,
    square,
)

ADDRESS_45 = "12 phố Hàng Bạc, Phường Hoàn Kiếm, Hà Nội"
ADDRESS_7 = "Số 5 đường Nguyễn Thị Minh Khai, Phường Cửa Nam"
ORG_NAME = "Công ty Cổ phần Đầu tư Phát triển Nhà Hà Nội số 5"
SPLIT_DATE = "2020-05-04"


@dataclass
class SmallRegister:
    """Ids of what the builder registered."""

    parent: int
    rice: int
    shop: int
    children: list[int]
    an: int
    binh: int


def build_small_register(conn) -> SmallRegister:
    """Register the three parcels, the mortgage and the split (see the module docstring)."""
    with change(conn, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01")
        an = add_party(cur, "Nguyễn Văn An", id_number="001080012345")
        binh = add_party(cur, "Trần Thị Bình", id_number="001185054321")
        parent = register_parcel(
            cur, dossier, 45, rect(0, 0, 20, 10), holders((an, "1/2"), (binh, "1/2")),
            uses=land_uses(("CLN", 80.0), ("ODT", 120.0)), address=ADDRESS_45)
    with change(conn, "2012-03-02") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-02")
        anh = add_party(cur, "Trần Thị Ngọc Ánh", id_number="001190011111")
        rice = register_parcel(cur, dossier, 46, square(30, 0, 10), holders((anh, "1")),
                               uses=land_uses(("LUC", 100.0)))
    with change(conn, "2012-03-03") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-03")
        org = add_party(cur, ORG_NAME, kind="organisation")
        shop = register_parcel(cur, dossier, 7, square(0, 30, 12), holders((org, "1")),
                               uses=land_uses(("TMD", 144.0)), commune=OTHER_COMMUNE,
                               sheet="3", address=ADDRESS_7)
    with change(conn, "2013-04-01") as cur:
        bank = add_party(cur, "Ngân hàng TMCP Ngoại thương Việt Nam", kind="organisation")
        dossier = approved_dossier(cur, "mortgage", "2013-04-01")
        restrict(cur, dossier, rice, "mortgage", bank, 2_000_000_000)
    with change(conn, SPLIT_DATE) as cur:
        dossier = approved_dossier(cur, "split", SPLIT_DATE)
        children = split(cur, dossier, parent, [rect(0, 0, 12, 10), rect(12, 0, 20, 10)],
                         [101, 102], uses=[land_uses(("ODT", 120.0)), land_uses(("CLN", 80.0))])
    return SmallRegister(parent, rice, shop, children, an, binh)


REF_PARENT = f"{COMMUNE}/{SHEET}/45"
REF_RICE = f"{COMMUNE}/{SHEET}/46"
REF_SHOP = f"{OTHER_COMMUNE}/3/7"
REF_CHILDREN = (f"{COMMUNE}/{SHEET}/101", f"{COMMUNE}/{SHEET}/102")
