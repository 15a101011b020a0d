"""One officer's work on a commune: the register connection, the layers, the dossier, and the
Check → Submit cycle. Every rule is the database's; this only carries edits to it and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qgis.core import QgsProject

from .connection import (
    Register,
    RegisterError,
    json_array,
    layer_save_refusal,
    literal,
    refusal,
)
from .edits import EditSet, ParcelState, build_edits, layer_snapshot, loaded_states
from .i18n import tr
from .layers import CommuneLayers, fill_issues, load_commune, remove_commune

LOCAL_RULE = "edit_not_supported"


@dataclass
class SubmitResult:
    """What a submission did: submitted (with the parcels touched), conflict, or refused."""

    status: str
    message: str = ""
    detail: str | None = None
    hint: str | None = None
    parcels: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    sqlstate: str | None = None

    @property
    def ok(self) -> bool:
        """True when every edit landed."""
        return self.status == "submitted"


@dataclass(frozen=True)
class Dossier:
    """The dossier the officer works for."""

    id: int
    number: str
    kind: str
    legal_basis: str | None = None
    status: str = "approved"


class OfficerSession:
    """A connection, a commune's layers and a dossier: what Check and Submit work on."""

    def __init__(self, register: Register, commune: str, project: QgsProject | None = None):
        self.register = register
        self.commune = commune
        self.project = project or QgsProject.instance()
        self.srid = register.srid()
        self.layers: CommuneLayers = load_commune(register, commune, self.project)
        self.dossier: Dossier | None = None
        self.issues: list[dict] = []
        self.loaded: dict[int, ParcelState] | None = None
        self.layers.parcels.editingStarted.connect(self.remember_loaded)
        self.layers.parcels.editingStopped.connect(self.forget_loaded)

    def remember_loaded(self) -> None:
        """Keep the parcels' versions and geometries as editing begins (the officer's base)."""
        self.loaded = loaded_states(self.layers.parcels, self.srid)

    def forget_loaded(self) -> None:
        """Editing ended: the next session starts from the register as it will be then."""
        self.loaded = None

    # Dossiers ---------------------------------------------------------------------------------

    def dossiers(self) -> list[dict]:
        """Dossiers of the commune edits can be made for: approved ones, then those received
        and awaiting an approver's decision (newest first)."""
        return self.register.json(
            "SELECT coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'number', d.number, "
            "'kind', d.kind, 'kind_vi', k.name_vi, 'kind_en', k.name_en, 'legal_basis', "
            "d.legal_basis, 'status', d.status, 'decided_on', d.decided_on, "
            "'officer', d.officer) ORDER BY d.status, d.decided_on DESC, d.received_on DESC, "
            "d.id DESC), '[]')::text "
            "FROM cadastre.dossier AS d JOIN cadastre.dossier_kind AS k ON k.code = d.kind "
            f"WHERE d.status IN ('approved', 'received') AND (d.commune_code = "
            f"{literal(self.commune)} OR d.commune_code IS NULL)")

    def dossier_kinds(self) -> list[dict]:
        """Kinds of dossier with their names."""
        return self.register.json(
            "SELECT jsonb_agg(jsonb_build_object('code', code, 'name_vi', name_vi, "
            "'name_en', name_en) ORDER BY code)::text FROM cadastre.dossier_kind")

    def open_dossier(self, number: str, kind: str, legal_basis: str | None, received_on: str,
                     officer: str) -> Dossier:
        """Record a received dossier of the commune and work for it. An approver (another
        person) approves it; edits can be submitted for it from then on."""
        found = self.register.change(
            "SELECT to_jsonb(cadastre.open_dossier("
            f"{literal(number)}, {literal(kind)}, {literal(received_on)}::date, "
            f"{literal(officer)}, {literal(legal_basis or None)}, {literal(self.commune)}))::text")
        self.dossier = Dossier(int(found), number, kind, legal_basis or None, "received")
        return self.dossier

    def use_dossier(self, item: dict) -> Dossier:
        """Work for an existing approved dossier."""
        self.dossier = Dossier(int(item["id"]), item["number"], item["kind"],
                               item.get("legal_basis"), item.get("status", "approved"))
        return self.dossier

    # Check and submit -------------------------------------------------------------------------

    def edit_set(self) -> EditSet:
        """The layer's pending edits as check_edit reads them."""
        return build_edits(layer_snapshot(self.layers.parcels, self.srid, self.loaded),
                           self.commune)

    def check(self) -> list[dict]:
        """Run the database's check_edit on every pending edit; fill the issues layer."""
        edits = self.edit_set()
        issues = [{"rule": LOCAL_RULE, "severity": "error", "parcel_ref": None,
                   "other_ref": None, "message_vi": problem, "message_en": problem,
                   "location": None} for problem in edits.problems]
        if edits.edits:
            issues += self.register.json(
                "SELECT coalesce(jsonb_agg(cadastre.issue_json(i)), '[]')::text "
                f"FROM cadastre.check_edit({json_array(edits.edits)}) AS i")
        self.issues = issues
        fill_issues(self.layers.issues, issues)
        return issues

    def submit(self, acknowledged: list[str] | None = None) -> SubmitResult:
        """Send every pending edit for the dossier in one transaction: all land or none."""
        if self.dossier is None:
            return SubmitResult("refused", tr("Choose or open a dossier before submitting."))
        edits = self.edit_set()
        if edits.problems:
            return SubmitResult("refused", edits.problems[0])
        if not edits.edits:
            return SubmitResult("refused", tr("There are no edits to submit."))
        report: dict[str, Any] = self.register.change(
            f"SELECT cadastre.submit_edits_report({self.dossier.id}, "
            f"{json_array(edits.edits)}, {literal(list(acknowledged or []))})::text")
        result = SubmitResult(report["status"], report.get("message", ""), report.get("detail"),
                              report.get("hint"), report.get("parcels", []),
                              report.get("issues", []), report.get("sqlstate"))
        if result.ok:
            self.discard_edits()
            self.issues = []
            fill_issues(self.layers.issues, [])
        else:
            self.issues = result.issues
            fill_issues(self.layers.issues, result.issues)
        return result

    def discard_edits(self) -> None:
        """Drop the layer's pending edits and show the register as it is now."""
        parcels = self.layers.parcels
        if parcels.isEditable():
            parcels.rollBack()
        self.refresh()

    def refresh(self) -> None:
        """Reload every layer from the database."""
        for layer in (self.layers.parcels, self.layers.sheets, self.layers.boundary):
            layer.dataProvider().reloadData()
            layer.triggerRepaint()

    def close(self) -> None:
        """Remove the session's layers."""
        if self.layers.parcels.isEditable():
            self.layers.parcels.rollBack()
        remove_commune(self.layers, self.project)


def describe_failure(result: SubmitResult, role: str = "") -> str:
    """A refusal or conflict in plain words (chosen by its SQLSTATE), with who and when for a
    conflict and what to do."""
    if result.status == "conflict":
        return tr("A colleague changed a parcel of these edits after you loaded it: {0} {1} "
                  "Reload the parcels and redo your edits.").format(
            result.message, result.detail or "")
    if not result.sqlstate:  # refused by the plugin itself, already in the officer's words
        return result.message
    return refusal({"sqlstate": result.sqlstate, "message": result.message,
                    "detail": result.detail, "hint": result.hint}, role).text


def commit_refusal(layer) -> str | None:
    """Why QGIS's own "Save edits" failed on the parcel layer, in plain words (None if it
    did not fail)."""
    errors = layer.commitErrors()
    if not errors:
        return None
    return layer_save_refusal("\n".join(errors)).plain


__all__ = ["Dossier", "OfficerSession", "RegisterError", "SubmitResult", "commit_refusal",
           "describe_failure"]
