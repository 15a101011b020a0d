"""An issue of the checks (`cadastre.check_edit`, `cadastre.check_commune`, read through
`cadastre.issue_json`): its rule, severity, parcels, message in both languages and location."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Fields of an issue as the issues layer and the Processing output hold them.
ISSUE_FIELDS = ("rule", "severity", "parcel_ref", "other_ref", "message_vi", "message_en")
LOCAL_RULE = "edit_not_supported"  # what the plugin itself finds it cannot send


@dataclass(frozen=True)
class Issue:
    """One issue: an error blocks a submission, a warning needs the officer's tick."""

    rule: str
    severity: str
    parcel_ref: str | None = None
    other_ref: str | None = None
    message_vi: str | None = None
    message_en: str | None = None
    location: str | None = None  # EWKT

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Issue:
        """An issue as `cadastre.issue_json` gives it."""
        return cls(item["rule"], item["severity"], item.get("parcel_ref"),
                   item.get("other_ref"), item.get("message_vi"), item.get("message_en"),
                   item.get("location"))

    @classmethod
    def local(cls, problem: str) -> Issue:
        """An edit the plugin cannot send (a deleted parcel): an error in the officer's words."""
        return cls(LOCAL_RULE, "error", message_vi=problem, message_en=problem)

    @property
    def is_error(self) -> bool:
        """True when the issue blocks a submission."""
        return self.severity == "error"

    @property
    def is_warning(self) -> bool:
        """True when the issue needs the officer's tick before a submission."""
        return self.severity == "warning"

    def message(self, vietnamese: bool) -> str:
        """The message in the interface language, the other one when it is missing."""
        first, second = (self.message_vi, self.message_en) if vietnamese else \
            (self.message_en, self.message_vi)
        return first or second or ""

    @property
    def acknowledgement(self) -> str:
        """How submit_edits names an acknowledged warning: rule:commune/sheet/number."""
        return f"{self.rule}:{self.parcel_ref or ''}"

    def field(self, name: str) -> str | None:
        """The value of one of ISSUE_FIELDS (for a layer's attribute)."""
        if name not in ISSUE_FIELDS:
            raise KeyError(name)
        value: str | None = getattr(self, name)
        return value


def issues_from_json(items: list[dict[str, Any]]) -> list[Issue]:
    """Issues as the register lists them."""
    return [Issue.from_json(item) for item in items]


def errors_first(issues: list[Issue]) -> list[Issue]:
    """Errors before warnings, each by rule (the order the check dock lists them in)."""
    return sorted(issues, key=lambda i: (not i.is_error, i.rule))
