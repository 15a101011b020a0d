"""One officer's work on a commune: the register connection, the layers, the dossier, and the
Check → Submit cycle. Every rule is the database's; this only carries edits to it and back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qgis.core import QgsFeature, QgsGeometry, QgsProject

from ..logic.edits import EditSet, Intents, ParcelState, build_edits
from ..logic.edits_file import (
    edits_count,
    edits_document,
    read_edits_document,
    restored_intents,
)
from ..logic.errors import EditConflictError, InputError, RegisterError, UnreachableError
from ..logic.i18n import both, tr
from ..logic.issues import Issue, issues_from_json
from ..logic.refusals import layer_save_refusal
from ..logic.sql import json_array, literal
from ..logic.submission import Dossier, SubmitResult, loaded_versions
from .edit_buffer import layer_snapshot, loaded_states
from .layers import (
    CommuneLayers,
    fill_issues,
    load_commune,
    preset_snapping,
    remove_commune,
)
from .register import Register, logged

ACTIONS = ("split", "merge", "correction")


class OfficerSession:
    """A connection, a commune's layers and a dossier: what Check and Submit work on."""

    def __init__(self, register: Register, commune: str, project: QgsProject | None = None):
        self.register = register
        self.commune = commune
        self.project = project or QgsProject.instance()
        self.srid = register.srid()
        self.layers: CommuneLayers = load_commune(register, commune, self.project)
        self.dossier: Dossier | None = None
        self.issues: list[Issue] = []
        self.loaded: dict[int, ParcelState] | None = None
        self.intents = Intents()
        self.action: tuple[str, list[int]] | None = None
        parcels = self.layers.parcels
        parcels.editingStarted.connect(self.remember_loaded)
        parcels.editingStopped.connect(self.forget_loaded)
        parcels.featureAdded.connect(self._feature_added)
        preset_snapping(self.project, parcels)

    # What the officer says an edit is ------------------------------------------------------

    def begin_action(self, kind: str, fids: list[int] | None = None) -> None:
        """Record that the next edits of these features (default: the selected ones) are a
        split, a merge or a boundary correction: this, not geometry, then says what they are."""
        if kind not in ACTIONS:
            raise ValueError(f"unknown action {kind}")
        layer = self.layers.parcels
        if not layer.isEditable():
            layer.startEditing()
        chosen = list(fids if fids is not None else layer.selectedFeatureIds())
        self.action = (kind, chosen)
        if kind == "merge" and chosen:
            self.intents.merges.append(chosen)
        elif kind == "correction":
            self.intents.corrected.update(chosen)

    def end_action(self) -> None:
        """The recorded action is done: later edits are told by geometry again."""
        self.action = None

    def _feature_added(self, fid: int) -> None:
        """A feature added during a split is a piece of the parcel being split; one added
        during a merge is the merge's result."""
        if self.action is None:
            return
        kind, fids = self.action
        if kind == "split" and fids:
            self.intents.split_of[fid] = self._parent_of(fid, fids)
        elif kind == "merge" and self.intents.merges:
            self.intents.merges[-1].append(fid)

    def _parent_of(self, fid: int, parents: list[int]) -> int:
        """Of the features being split, the one the new piece came out of (most overlap)."""
        if len(parents) == 1:
            return parents[0]
        layer = self.layers.parcels
        piece = layer.getFeature(fid).geometry()
        base = self.loaded or {}
        def overlap(parent: int) -> float:
            state = base.get(parent)
            geometry = layer.getFeature(parent).geometry() if state is None else \
                QgsGeometry.fromWkt(state.geom.split(";", 1)[-1])
            return geometry.intersection(piece).area()
        return max(parents, key=overlap)

    def remember_loaded(self) -> None:
        """Keep the parcels' versions and geometries as editing begins (the officer's base)."""
        self.loaded = loaded_states(self.layers.parcels, self.srid)

    def forget_loaded(self) -> None:
        """Editing ended: the next session starts from the register as it will be then."""
        self.loaded = None

    # Dossiers ---------------------------------------------------------------------------------

    def dossiers(self, search: str = "", limit: int = 200) -> list[dict]:
        """Dossiers edits can be made for: still open (received or approved, never closed or
        rejected), of this commune and of a commune the account may edit, most recent first,
        with the receipt code of those filed online; `search` narrows them by number, legal
        basis or officer."""
        pattern = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        return self.register.json(
            "SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.recent DESC, x.id DESC), "
            "'[]')::text FROM (SELECT d.id, d.number, d.kind, k.name_vi AS kind_vi, "
            "k.name_en AS kind_en, d.legal_basis, d.status, d.received_on, d.decided_on, "
            "d.officer, d.opened_by, coalesce(d.decided_on, d.received_on) AS recent, "
            "online.dossier_receipt(d.id) AS online_receipt "
            "FROM cadastre.dossier AS d JOIN cadastre.dossier_kind AS k ON k.code = d.kind "
            "WHERE d.status IN ('received', 'approved') "
            f"AND (d.commune_code = {literal(self.commune)} OR d.commune_code IS NULL) "
            f"AND cadastre.may_edit_commune({literal(self.commune)}) "
            f"AND (d.number ILIKE {literal(pattern)} OR d.legal_basis ILIKE {literal(pattern)} "
            f"OR d.officer ILIKE {literal(pattern)}) "
            "ORDER BY coalesce(d.decided_on, d.received_on) DESC, d.id DESC "
            f"LIMIT {int(limit)}) AS x")

    def awaiting_approval(self) -> list[dict]:
        """Received dossiers of the commune another person opened (what an approver decides)."""
        return [d for d in self.dossiers() if d["status"] == "received"
                and d.get("opened_by") != self.register.login()]

    def approve(self, dossier_id: int) -> None:
        """Approve a received dossier (approvers only; the register refuses anyone else)."""
        self.register.change(f"SELECT to_jsonb(cadastre.approve_dossier({int(dossier_id)}))"
                             "::text")

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
            f"p_number => {literal(number)}, p_kind => {literal(kind)}, "
            f"p_received_on => {literal(received_on)}::date, p_officer => {literal(officer)}, "
            f"p_legal_basis => {literal(legal_basis or None)}, "
            f"p_commune_code => {literal(self.commune)}))::text")
        self.dossier = Dossier(int(found), number, kind, legal_basis or None, "received")
        return self.dossier

    def use_dossier(self, item: dict) -> Dossier:
        """Work for an existing approved dossier."""
        self.dossier = Dossier.from_json(item)
        return self.dossier

    # Check and submit -------------------------------------------------------------------------

    def edit_set(self) -> EditSet:
        """The layer's pending edits as check_edit reads them."""
        return build_edits(layer_snapshot(self.layers.parcels, self.srid, self.loaded,
                                          self.intents), self.commune)

    def check(self) -> list[Issue]:
        """Run the database's check_edit on every pending edit; fill the issues layer."""
        edits = self.edit_set()
        issues = [Issue.local(problem) for problem in edits.problems]
        if edits.edits:
            issues += self.checked(edits.edits)
        self.issues = issues
        fill_issues(self.layers.issues, issues)
        return issues

    def submit(self, acknowledged: list[str] | None = None,
               close_dossier: bool = False) -> SubmitResult:
        """Send every pending edit for the dossier in one transaction: all land or none;
        then, when asked, close the dossier (its work is done)."""
        if self.dossier is None:
            return SubmitResult("refused", tr("Choose or open a dossier before submitting."))
        edits = self.edit_set()
        if edits.problems:
            return SubmitResult("refused", edits.problems[0])
        if not edits.edits:
            return SubmitResult("refused", tr("There are no edits to submit."))
        try:
            parcels = self.register.change(
                "SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.edit_n, s.action DESC), "
                f"'[]')::text FROM cadastre.submit_edits(p_dossier_id => {self.dossier.id}, "
                f"p_edits => {json_array(edits.edits)}, "
                f"p_acknowledged => {literal(list(acknowledged or []))}) AS s")
        except UnreachableError:
            raise
        except RegisterError as exc:
            result = self._refused(exc, edits.edits)
        else:
            result = SubmitResult("submitted", parcels=parcels)
        if result.ok:
            self.discard_edits()
            self.issues = []
            fill_issues(self.layers.issues, [])
            if close_dossier:
                self._close_dossier(result)
        else:
            self.issues = result.issues
            fill_issues(self.layers.issues, result.issues)
        return result

    def checked(self, edits: list[dict[str, Any]]) -> list[Issue]:
        """The issues `cadastre.check_edit` finds in these edits."""
        return issues_from_json(self.register.json(
            "SELECT coalesce(jsonb_agg(cadastre.issue_json(i)), '[]')::text "
            f"FROM cadastre.check_edit({json_array(edits)}) AS i"))

    def _refused(self, error: RegisterError, edits: list[dict[str, Any]]) -> SubmitResult:
        """A refused submission with its diagnostics, the issues of the edits and, for a
        stale edit, who changed the parcels meanwhile (from the audit trail)."""
        diag = error.diag
        try:
            issues = self.checked(edits)
        except RegisterError:
            issues = []
        conflict = isinstance(error, EditConflictError)
        result = SubmitResult("conflict" if conflict else "refused",
                              diag.get("message") or error.plain, diag.get("detail"),
                              diag.get("hint"), issues=issues, sqlstate=error.sqlstate or "",
                              diag=diag)
        if conflict:
            result.changed_by = self.changed_by(edits)
        return result

    def changed_by(self, edits: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """For the parcels of these edits that moved on since they were loaded: who changed
        them (database account and person, from the audit trail), when, for which dossier."""
        expected = loaded_versions(edits)
        if not expected:
            return []
        pairs = ", ".join(f"({pid}, {version})" for pid, version in expected.items())
        return self.register.json(
            "SELECT coalesce(jsonb_agg(jsonb_build_object('ref', cadastre.parcel_ref(p.id), "
            "'version', p.version, 'db_role', a.db_role, 'app_user', a.app_user, "
            "'at', to_char(a.recorded_at, 'YYYY-MM-DD HH24:MI'), 'dossier', d.number) "
            "ORDER BY p.id), '[]')::text "
            f"FROM (VALUES {pairs}) AS e(id, version) "
            "JOIN cadastre.parcel AS p ON p.id = e.id AND p.version <> e.version "
            "LEFT JOIN LATERAL (SELECT * FROM cadastre.audit_transaction AS t "
            "WHERE t.txid = p.sys_txid AND t.action = 'change' ORDER BY t.id DESC LIMIT 1) "
            "AS a ON true LEFT JOIN cadastre.dossier AS d ON d.id = a.dossier_id")

    def _close_dossier(self, result: SubmitResult) -> None:
        """Close the dossier its work was submitted for; a refusal is kept, not raised."""
        try:
            self.register.change(
                f"SELECT to_jsonb(cadastre.close_dossier({self.dossier.id}))::text")
        except RegisterError as exc:
            result.close_error = exc.text
            return
        result.closed = True
        self.dossier = None

    # Pending edits in a file ------------------------------------------------------------------

    def save_edits(self, path: str | Path) -> int:
        """Write the pending edits (what was loaded, what changed, what was added or deleted,
        and the officer's recorded actions) to a JSON file; return how many features."""
        snap = layer_snapshot(self.layers.parcels, self.srid, self.loaded, self.intents)
        document = edits_document(snap, self.intents, self.commune, self.dossier)
        Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=1),
                              encoding="utf-8")
        return edits_count(document)

    def restore_edits(self, path: str | Path) -> int:
        """Put the pending edits of a file (save_edits) back on the parcel layer, against the
        versions they were made on (so a colleague's change since is still a conflict)."""
        document = read_edits_document(Path(path).read_text(encoding="utf-8"), self.commune,
                                       str(path))
        layer = self.layers.parcels
        if not layer.isEditable():
            layer.startEditing()
        by_parcel = {s.parcel_id: fid for fid, s in (self.loaded or {}).items()}
        fids: dict[str, int] = {}
        for item in document["loaded"]:
            fid = by_parcel.get(item["parcel_id"])
            if fid is None:
                raise InputError(both(
                    f"Thửa {item['commune_code']}/{item['sheet_number']}/"
                    f"{item['parcel_number']} không còn trên lớp.",
                    f"Parcel {item['commune_code']}/{item['sheet_number']}/"
                    f"{item['parcel_number']} is no longer on the layer."), str(path))
            self.loaded[fid] = ParcelState(**{**item, "fid": fid})
            fids[f"p{item['parcel_id']}"] = fid
        for item in document["changed"]:
            fid = by_parcel[item["parcel_id"]]
            self._apply(fid, item)
        for item in document["added"]:
            feature = QgsFeature(layer.fields())
            feature.setGeometry(QgsGeometry.fromWkt(item["geom"].split(";", 1)[-1]))
            for name in ("commune_code", "sheet_number", "parcel_number", "legal_area",
                         "land_use"):
                feature[name] = item[name]
            layer.addFeature(feature)
            fids[f"a{item['fid']}"] = feature.id()
        for parcel_id in document["deleted"]:
            layer.deleteFeature(by_parcel[parcel_id])
        restored = restored_intents(document, fids)
        self.intents.forget()
        self.intents.split_of.update(restored.split_of)
        self.intents.merges.extend(restored.merges)
        self.intents.corrected.update(restored.corrected)
        return edits_count(document)

    def _apply(self, fid: int, item: dict) -> None:
        layer = self.layers.parcels
        base = self.loaded[fid]
        if item["geom"] != base.geom:
            layer.changeGeometry(fid, QgsGeometry.fromWkt(item["geom"].split(";", 1)[-1]))
        for name in ("sheet_number", "parcel_number", "legal_area", "land_use"):
            if item[name] != getattr(base, name):
                layer.changeAttributeValue(fid, layer.fields().indexOf(name), item[name])

    def discard_edits(self) -> None:
        """Drop the layer's pending edits and show the register as it is now."""
        parcels = self.layers.parcels
        self.register.json("SELECT '1'")  # out of reach: raise, and the edits stay
        if parcels.isEditable():
            parcels.rollBack()
        self.intents.forget()
        self.action = None
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


def commit_refusal(layer) -> str | None:
    """Why QGIS's own "Save edits" failed on the parcel layer, in plain words (None if it
    did not fail)."""
    errors = layer.commitErrors()
    if not errors:
        return None
    return logged(layer_save_refusal("\n".join(errors))).plain
