"""A submission of the officer's edits for a dossier and what the officer reads about it:
submitted, refused (by the register's rules, told by code) or a conflict (who changed the
parcel meanwhile, from the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import both
from .issues import Issue
from .refusals import refusal

EDIT_CONFLICT = "40001"  # serialization_failure: a parcel moved on since it was loaded
RULES_REFUSED = "edit_errors"  # the rule submit_edits names when the edits' own checks fail


@dataclass(frozen=True)
class Dossier:
    """The dossier the officer works for."""

    id: int
    number: str
    kind: str
    legal_basis: str | None = None
    status: str = "approved"

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Dossier:
        """A dossier as the register lists it (an approved one unless it says otherwise)."""
        return cls(int(item["id"]), item["number"], item["kind"], item.get("legal_basis"),
                   item.get("status", "approved"))


@dataclass
class SubmitResult:
    """What a submission did: submitted (with the parcels touched), conflict, or refused."""

    status: str
    message: str = ""
    detail: str | None = None
    hint: str | None = None
    parcels: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sqlstate: str | None = None
    changed_by: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    close_error: str | None = None
    diag: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every edit landed."""
        return self.status == "submitted"


def describe_failure(result: SubmitResult, role: str = "") -> str:
    """A refusal or conflict in the officer's words (chosen by its SQLSTATE and rule), for a
    conflict naming who changed the parcel, when and for which dossier."""
    if result.status == "conflict":
        return stale_edit_text(result.changed_by)
    if not result.sqlstate:  # refused by the plugin itself, already in the officer's words
        return result.message
    diag = result.diag or {"sqlstate": result.sqlstate, "message": result.message,
                           "detail": result.detail, "hint": result.hint}
    blocking = [i for i in result.issues if i.is_error]
    if diag.get("constraint") == RULES_REFUSED and blocking:
        first = blocking[0]  # the checks' own message, in both languages
        return both(f"Sổ địa chính từ chối: {first.message_vi}",
                    f"The register refused: {first.message_en}") + "\n" + both(
            "Sửa lỗi trong bảng Kiểm tra rồi Gửi lại.",
            "Fix the errors listed by Check, then submit again.")
    return refusal(diag, role).text


def stale_edit_text(changed_by: list[dict[str, Any]]) -> str:
    """Who changed the parcels after the officer loaded them (from the audit trail)."""
    vi, en = [], []
    for item in changed_by:
        person = item.get("app_user") or item.get("db_role") or "?"
        account = item.get("db_role") or "?"
        vi.append(f"Thửa {item['ref']} đã được {person} (tài khoản {account}) sửa lúc "
                  f"{item.get('at') or '?'}, hồ sơ {item.get('dossier') or '?'}.")
        en.append(f"Parcel {item['ref']} was changed by {person} (account {account}) at "
                  f"{item.get('at') or '?'}, dossier {item.get('dossier') or '?'}.")
    return both("Một đồng nghiệp đã sửa thửa đất sau khi bạn tải về. " + " ".join(vi),
                "A colleague changed a parcel after you loaded it. " + " ".join(en)) + \
        "\n" + both("Tải lại các thửa rồi làm lại thay đổi của bạn.",
                    "Reload the parcels and redo your edits.")


def loaded_versions(edits: list[dict[str, Any]]) -> dict[int, int]:
    """The version each parcel of these edits had when it was loaded (parcel id → version)."""
    expected: dict[int, int] = {}
    for edit in edits:
        if edit.get("parcel_id") is not None and edit.get("version") is not None:
            expected[int(edit["parcel_id"])] = int(edit["version"])
        for key, version in (edit.get("versions") or {}).items():
            expected[int(key)] = int(version)
    return expected
