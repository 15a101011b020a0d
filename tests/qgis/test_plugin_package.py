"""The plugin as a package: edit-buffer translation (pure), error wording, metadata, the
Vietnamese translation compiled into the zip, and the plugin's own start-up in QGIS."""

from __future__ import annotations

import configparser
import importlib.util
import subprocess
import zipfile
from importlib.machinery import SourceFileLoader
from pathlib import Path

from tests.qgis.conftest import PLUGIN_ROOT, ROOT

SRID = 5897


def state(fid: int, parcel_id: int | None, wkt: str, number: int | None = 5, **extra):
    from cadastre_officer.logic.edits import ParcelState

    values = {"version": 3 if parcel_id else None, "commune_code": "00070",
              "sheet_number": "12", "parcel_number": number, "legal_area": 400.0,
              "land_use": "ODT", **extra}
    return ParcelState(fid=fid, parcel_id=parcel_id, geom=f"SRID={SRID};{wkt}", **values)


SQUARE = "POLYGON((0 0,20 0,20 20,0 20,0 0))"
WEST = "POLYGON((0 0,10 0,10 20,0 20,0 0))"
EAST = "POLYGON((10 0,20 0,20 20,10 20,10 0))"


def test_a_moved_boundary_is_an_edit_of_the_parcel_at_its_loaded_version() -> None:
    from cadastre_officer.logic.edits import Snapshot, build_edits

    snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)},
                        changed={1: state(1, 41, WEST, version=4)})

    result = build_edits(snapshot)

    assert result.edits == [{"parcel_id": 41, "version": 3, "geom": f"SRID={SRID};{WEST}",
                             "commune_code": "00070", "sheet_number": "12",
                             "parcel_number": 5, "legal_area": 400.0, "land_use": "ODT"}]
    assert result.problems == []


def test_a_split_sends_every_piece_as_a_child_numbered_by_the_register() -> None:
    from cadastre_officer.logic.edits import Snapshot, build_edits

    snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)},
                        changed={1: state(1, 41, WEST)},
                        added={-1: state(-1, 41, EAST)})

    result = build_edits(snapshot)

    assert [(e["split_of"], e["versions"], e["parcel_number"], e["legal_area"])
            for e in result.edits] == [(41, {"41": 3}, None, None)] * 2
    assert all(e["parcel_id"] is None for e in result.edits)
    assert result.fids == [[1], [-1]]


def test_a_merge_replaces_the_swallowed_parcels_with_their_versions() -> None:
    from cadastre_officer.logic.edits import Snapshot, build_edits

    snapshot = Snapshot(loaded={1: state(1, 41, WEST), 2: state(2, 42, EAST, number=6)},
                        changed={1: state(1, 41, SQUARE)}, deleted=[2], merged_into={2: 1})

    (edit,) = build_edits(snapshot).edits

    assert edit["replaces"] == [41, 42] and edit["versions"] == {"41": 3, "42": 3}
    assert edit["parcel_id"] is None and edit["parcel_number"] is None


def test_a_new_feature_is_a_new_parcel_of_the_commune() -> None:
    from cadastre_officer.logic.edits import Snapshot, build_edits

    snapshot = Snapshot(added={-1: state(-1, None, SQUARE, commune_code=None, number=None)})

    (edit,) = build_edits(snapshot, default_commune="00073").edits

    assert edit["parcel_id"] is None and edit["commune_code"] == "00073"
    assert "split_of" not in edit and "replaces" not in edit


def test_deleting_a_parcel_is_not_sent_and_says_why() -> None:
    from cadastre_officer.logic.edits import Snapshot, build_edits

    result = build_edits(Snapshot(loaded={1: state(1, 41, SQUARE)}, deleted=[1]))

    assert result.edits == []
    assert "00070/12/5" in result.problems[0] and "retired" in result.problems[0]


def test_a_database_refusal_is_chosen_by_its_sqlstate_not_its_text() -> None:
    from cadastre_officer.core.register import refusal

    bare = refusal({"sqlstate": "42501", "message": "permission denied for table dossier"},
                   "officer_lan")
    worded = refusal({"sqlstate": "42501", "message": "Role officer_lan may not edit parcel "
                      "00073/12/46 of commune 00073", "hint": "An administrator assigns…"},
                     "officer_lan")

    assert bare.sqlstate == worded.sqlstate == "42501"
    assert bare.plain.startswith("Tài khoản officer_lan không được phép")
    assert "Your account officer_lan is not allowed" in bare.plain
    assert "permission denied" not in bare.text and "permission denied" in bare.raw
    assert bare.hint.startswith("Hãy nhờ quản trị viên")
    assert worded.plain.startswith("Tài khoản officer_lan") and "00073/12/46" in worded.plain
    assert worded.hint.startswith("Hãy nhờ quản trị viên")  # Vietnamese first…
    assert worded.hint.endswith("An administrator assigns…")  # …the database's own after


def test_an_english_only_refusal_is_worded_by_its_sqlstate_and_constraint() -> None:
    from cadastre_officer.core.register import NAMED_REFUSALS, refusal

    english = "Merge of 91001/1/4, 91001/1/5: the parcels have different holders or shares"
    error = refusal({"sqlstate": "23514", "constraint": "merge_same_holders",
                     "message": english, "hint": "Transfer the parcels to the same holders."})
    other = refusal({"sqlstate": "23514", "constraint": "merge_adjacent", "message": english})

    assert error.plain.startswith("Không gộp được: các thửa có người sử dụng")
    assert english not in error.text and english in error.raw  # the log keeps the English
    assert error.hint.startswith("Chuyển các thửa cho cùng người sử dụng")
    assert other.plain.startswith("Không gộp được: các thửa không liền kề")  # by code alone
    for vi, en, hint_vi, hint_en in NAMED_REFUSALS.values():
        assert vi and en and hint_vi and hint_en and vi != en


def test_an_unreachable_register_is_said_in_both_languages_with_the_edits_kept() -> None:
    from cadastre_officer.core.register import is_unreachable, unreachable

    error = unreachable("could not connect to server: Connection refused")

    assert is_unreachable(error)
    assert error.plain.startswith("Không kết nối được tới cơ sở dữ liệu sổ địa chính")
    assert "The register database cannot be reached" in error.plain
    assert "vẫn còn trên lớp" in error.hint and "still on the layer" in error.hint


def test_a_recorded_split_keeps_a_piece_moved_into_the_neighbour() -> None:
    from cadastre_officer.logic.edits import Intents, Snapshot, _attach_split_pieces, build_edits

    # The east piece was pushed 3 m past the parent's boundary: it no longer lies 99 % inside.
    moved = "POLYGON((10 0,23 0,23 20,10 20,10 0))"
    for intents, split in ((Intents(split_of={-1: 1}), True), (Intents(), False)):
        snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)},
                            changed={1: state(1, 41, WEST)},
                            added={-1: state(-1, None, moved, number=None)})
        _attach_split_pieces(snapshot, intents)
        edits = build_edits(snapshot).edits
        assert [e.get("split_of") for e in edits] == ([41, 41] if split else [None, None])


def test_a_recorded_correction_is_never_taken_for_a_merge() -> None:
    from cadastre_officer.logic.edits import Intents, Snapshot, _merges

    snapshot = Snapshot(loaded={1: state(1, 41, WEST), 2: state(2, 42, EAST, number=6)},
                        changed={1: state(1, 41, SQUARE)}, deleted=[2])

    assert _merges(snapshot, Intents()) == {2: 1}  # the fallback guesses a merge
    assert _merges(snapshot, Intents(corrected={1})) == {}


def test_a_refused_layer_save_is_explained_in_plain_words() -> None:
    from cadastre_officer.core.register import layer_save_refusal

    raw = ("Error executing SQL UPDATE …: ERROR:  The parcel layer cannot be saved directly: "
           "every change to the register is made within an approved dossier\n"
           "DETAIL:  UPDATE on parcel 91001/1/21\nHINT:  In QGIS, choose a dossier…\n")

    error = layer_save_refusal(raw)

    assert error.plain.startswith("Không lưu trực tiếp được lớp thửa đất")
    assert "approved dossier" in error.plain and "Submit" in error.plain
    assert error.hint.startswith("In QGIS") and error.raw == raw


def test_sql_literals_are_quoted() -> None:
    from cadastre_officer.core.register import literal

    assert literal("Đường Lê Lợi's") == "'Đường Lê Lợi''s'"
    assert literal(None) == "NULL" and literal(12) == "12"
    assert literal(["a", "b'"]) == "ARRAY['a', 'b''']::text[]"
    assert literal([]) == "'{}'::text[]"


def test_metadata_names_the_plugin_its_minimum_qgis_and_where_to_report() -> None:
    metadata = configparser.ConfigParser()
    metadata.read(PLUGIN_ROOT / "cadastre_officer" / "metadata.txt", encoding="utf-8")
    general = metadata["general"]

    assert general["qgisMinimumVersion"] == "3.22"
    for key in ("name", "description", "about", "version", "author", "email", "homepage",
                "tracker", "repository", "tags"):
        assert general[key].strip(), key
    assert general["hasProcessingProvider"] == "yes"
    assert (PLUGIN_ROOT / "cadastre_officer" / general["icon"]).exists()


def test_the_zip_carries_the_compiled_vietnamese_translation(tmp_path: Path) -> None:
    from qgis.PyQt.QtCore import QTranslator

    built = subprocess.run([str(ROOT / "scripts" / "build-plugin"), "--output", str(tmp_path)],
                           capture_output=True, text=True, check=True)
    archive = Path(built.stdout.strip())
    assert archive.name == "cadastre_officer-0.1.0.zip"
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        bundle.extractall(tmp_path)
    assert "cadastre_officer/metadata.txt" in names
    assert not [n for n in names if "__pycache__" in n]
    translator = QTranslator()
    assert translator.load(str(tmp_path / "cadastre_officer/i18n/cadastre_officer_vi.qm"))
    assert translator.translate("CadastreOfficer", "Submit") == "Gửi"
    assert translator.translate("CadastreOfficer", "Check") == "Kiểm tra"


def test_every_interface_string_has_a_vietnamese_translation() -> None:
    loader = SourceFileLoader("build_plugin", str(ROOT / "scripts" / "build-plugin"))
    spec = importlib.util.spec_from_loader("build_plugin", loader)
    build = importlib.util.module_from_spec(spec)
    loader.exec_module(build)

    strings = build.interface_strings()

    assert len(strings) > 100
    assert build.untranslated(strings) == []


def test_the_plugin_starts_in_qgis_with_its_toolbar_docks_and_provider(qgis_iface) -> None:
    import cadastre_officer
    from qgis.core import QgsApplication

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().algorithmById("cadastre:check_commune")
        assert QgsApplication.processingRegistry().algorithmById("cadastre:export_parcels")
        assert set(plugin.actions) == {
            "connect", "dossier", "split", "merge", "correction", "check", "submit",
            "close_after", "approve", "save_edits", "restore_edits", "reload", "identify"}
        assert plugin.actions["connect"].isEnabled()
        assert plugin.actions["close_after"].isCheckable()
        assert plugin.actions["close_after"].isChecked()  # a submitted dossier closes
        assert not plugin.actions["approve"].isVisible()  # until an approver connects
        assert not plugin.actions["submit"].isEnabled()  # nothing to submit before connecting
        assert plugin.check_dock.objectName() == "CadastreCheckDock"
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("cadastre") is None
