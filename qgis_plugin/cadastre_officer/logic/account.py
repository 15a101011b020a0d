"""The database account a saved connection logs in as: its kind and the communes it may edit,
said to the officer in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import both

# The register's kinds of account (cadastre user add --role …) in both languages.
ACCOUNT_KINDS = {"officer": ("cán bộ địa chính", "officer"),
                 "approver": ("lãnh đạo duyệt hồ sơ", "approver"),
                 "admin": ("quản trị viên", "administrator"),
                 "analyst": ("người phân tích (chỉ đọc)", "analyst (read only)")}

EDITING_KINDS = ("officer", "approver", "admin")  # may edit, check and submit
APPROVING_KINDS = ("approver", "admin")  # may also approve dossiers


@dataclass(frozen=True)
class Commune:
    """A commune (or ward) of the register."""

    code: str
    name: str


@dataclass(frozen=True)
class Account:
    """The database account of a connection: its kind (officer, approver, admin, analyst or
    None) and the communes it may edit."""

    login: str
    kind: str | None
    communes: list[Commune]

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> Account:
        """The account as the register describes it ({"login", "kind", "communes"})."""
        return cls(found["login"], found["kind"],
                   [Commune(item["code"], item["name"]) for item in found["communes"]])

    def describe(self) -> str:
        """What the account may do, Vietnamese first with the English beside it."""
        if self.kind not in ACCOUNT_KINDS:
            return both(f"Tài khoản {self.login} không thuộc nhóm nào của sổ địa chính: không "
                        "sửa được thửa đất nào.",
                        f"Account {self.login} is in no group of the register: it may edit no "
                        "parcel.")
        vi, en = ACCOUNT_KINDS[self.kind]
        codes = ", ".join(c.code for c in self.communes)
        if not codes:
            return both(f"Tài khoản {self.login}: {vi}, không được sửa xã/phường nào.",
                        f"Account {self.login}: {en}, may edit no commune.")
        return both(f"Tài khoản {self.login}: {vi}, được sửa xã/phường {codes}.",
                    f"Account {self.login}: {en}, may edit communes {codes}.")
