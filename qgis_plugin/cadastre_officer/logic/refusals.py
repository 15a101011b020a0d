"""A refusal of the register in the officer's words, chosen by machine-readable codes only:
the SQLSTATE and, where the database names one, the rule (the constraint in its
diagnostics, `RAISE … USING CONSTRAINT = '…'` in the SQL). Never by the message's text:
rewording a RAISE cannot change what an officer reads here.

Every sentence is Vietnamese first with the English beside it, and comes with what to do.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from .errors import RegisterError, RuleRefusedError, error_type
from .i18n import both


class Wording(NamedTuple):
    """A sentence and what to do, in both languages."""

    vi: str
    en: str
    hint_vi: str
    hint_en: str


# What the officer reads for a refusal, chosen by its SQLSTATE (full code or class, "" for any
# other): the sentence and, when the database gave no hint of its own, what to do. `{role}` is
# the account's login.
REFUSALS: dict[str, Wording] = {
    "42501": Wording(
        "Tài khoản {role} không được phép làm việc này trong sổ địa chính.",
        "Your account {role} is not allowed to do this in the register.",
        "Hãy nhờ quản trị viên cấp quyền cán bộ địa chính và xã/phường cho tài khoản.",
        "Ask the register's administrator to give your account the officer role and "
        "your communes (cadastre user add … --role officer --commune CODE)."),
    "40001": Wording(
        "Một đồng nghiệp đã sửa thửa đất này sau khi bạn tải về.",
        "A colleague changed this parcel after you loaded it.",
        "Tải lại để làm lại các thay đổi.",
        "Reload and redo your edits."),
    "23505": Wording(
        "Sổ địa chính đã có một bản ghi như vậy.",
        "The register already holds such a record.",
        "Kiểm tra lại số hồ sơ hoặc mã đã nhập.",
        "Check the number or code you typed."),
    "23": Wording(
        "Sổ địa chính từ chối thay đổi này theo quy tắc của sổ.",
        "The register refused this change under its rules.",
        "Sửa lại theo thông báo rồi thử lại.",
        "Correct it as the message says and try again."),
    "22": Wording(
        "Một giá trị đã nhập không hợp lệ.",
        "A value you entered is not valid.",
        "Kiểm tra ngày, số và mã đã nhập.",
        "Check the dates, numbers and codes you entered."),
    "08": Wording(
        "Không kết nối được tới cơ sở dữ liệu sổ địa chính.",
        "The register database cannot be reached.",
        "Các thay đổi của bạn vẫn còn trên lớp (có thể lưu ra tệp). Kiểm tra mạng và kết "
        "nối PostgreSQL đã lưu trong QGIS, rồi thử lại.",
        "Your edits are still on the layer (you can save them to a file). Check the "
        "network and the PostgreSQL connection saved in QGIS, then retry."),
    "57P0": Wording(
        "Cơ sở dữ liệu sổ địa chính đang dừng hoặc khởi động lại: không kết nối được.",
        "The register database is stopping or restarting: it cannot be reached.",
        "Các thay đổi của bạn vẫn còn trên lớp. Chờ máy chủ chạy lại rồi thử lại.",
        "Your edits are still on the layer. Wait for the server to run again, then retry."),
    "": Wording(
        "Cơ sở dữ liệu sổ địa chính báo lỗi.",
        "The register database reported an error.",
        "Hãy báo cho quản trị viên; chi tiết ở nhật ký QGIS (Cadastre).",
        "Tell the administrator; the details are in the QGIS log (Cadastre)."),
}


# Refusals whose database text is English only, chosen by SQLSTATE and the rule (constraint)
# the database names in its diagnostics.
NAMED_REFUSALS: dict[tuple[str, str], Wording] = {
    ("23P01", "parcel_no_overlap"): Wording(
        "Thửa đất chồng lấn lên thửa bên cạnh.",
        "The parcel overlaps its neighbour.",
        "Kéo ranh giới về đúng vị trí rồi Kiểm tra lại.",
        "Pull the boundary back and check again."),
    ("23505", "dossier_number_key"): Wording(
        "Số hồ sơ này đã có trong sổ địa chính.",
        "The register already holds a dossier with this number.",
        "Nhập số hồ sơ khác.", "Give the dossier another number."),
    ("23514", "merge_same_holders"): Wording(
        "Không gộp được: các thửa có người sử dụng hoặc tỷ lệ sở hữu khác nhau.",
        "The parcels cannot be merged: they have different holders or shares.",
        "Chuyển các thửa cho cùng người sử dụng trước (hồ sơ chuyển nhượng), rồi mới gộp.",
        "Transfer the parcels to the same holders first (a transfer dossier), then merge."),
    ("23514", "merge_adjacent"): Wording(
        "Không gộp được: các thửa không liền kề nhau.",
        "The parcels cannot be merged: they do not share a boundary.",
        "Chỉ gộp các thửa có chung ranh giới.", "Only parcels that share a boundary merge."),
    ("23514", "merge_union"): Wording(
        "Không gộp được: hình thửa gộp không đúng bằng hợp của các thửa.",
        "The merged geometry is not the union of the merged parcels.",
        "Gộp mà không di chuyển ranh giới ngoài; sửa ranh giới bằng một hồ sơ riêng.",
        "Merge without moving the outer boundary; correct the boundary in a dossier of its "
        "own."),
    ("23514", "merge_same_commune"): Wording(
        "Không gộp được: các thửa thuộc các xã/phường khác nhau.",
        "The parcels cannot be merged: they lie in different communes.",
        "Chỉ gộp các thửa của cùng một xã/phường.", "Merge parcels of one commune only."),
    ("23514", "dossier_open"): Wording(
        "Hồ sơ đã đóng: không làm thêm được gì theo hồ sơ này.",
        "The dossier is closed: nothing more can be done under it.",
        "Chọn hoặc mở một hồ sơ khác.", "Choose or open another dossier."),
    ("23514", "dossier_approved"): Wording(
        "Hồ sơ chưa được duyệt: chưa ghi được thay đổi nào theo hồ sơ này.",
        "The dossier is not approved: no change can be registered under it yet.",
        "Nhờ lãnh đạo (một người khác) duyệt hồ sơ rồi Gửi lại.",
        "Ask an approver (another person) to approve the dossier, then submit again."),
    ("23514", "parcel_current"): Wording(
        "Thửa đất đã bị khai tử (đã tách, gộp hoặc thu hồi): không sửa được nữa.",
        "The parcel is retired (split, merged or acquired): it cannot change any more.",
        "Làm việc trên các thửa đã thay thế nó (xem phả hệ trong bảng Thửa đất).",
        "Work on the parcels that replaced it (see the genealogy in the Parcel panel)."),
    ("23514", "edit_warnings"): Wording(
        "Còn cảnh báo chưa được xác nhận: chưa gửi được.",
        "Some warnings are not acknowledged: the edits were not submitted.",
        "Xem bảng Kiểm tra, đánh dấu đã xem các cảnh báo rồi Gửi lại.",
        "Review the Check panel, acknowledge its warnings, then submit again."),
    ("23514", "edit_identity"): Wording(
        "Không được đổi số hiệu thửa (xã/phường, tờ, số thửa) khi sửa ranh giới.",
        "A boundary edit cannot change the parcel's identity (commune, sheet, number).",
        "Trả lại số hiệu cũ của thửa; đánh số lại không phải là sửa ranh giới.",
        "Restore the parcel's number; renumbering is not a boundary edit."),
    ("23514", "split_commune"): Wording(
        "Thửa tách không được nằm ở xã/phường khác với thửa gốc.",
        "A split child cannot move to another commune.",
        "Giữ các thửa tách trong xã/phường của thửa gốc.",
        "Keep the children in the parent's commune."),
    ("23514", "dossier_required"): Wording(
        "Mọi thay đổi sổ địa chính phải làm theo một hồ sơ đã duyệt.",
        "Every change to the register is made within an approved dossier.",
        "Chọn hồ sơ đã duyệt trong hộp Hồ sơ rồi Gửi lại.",
        "Choose an approved dossier in the Dossier dialog, then submit again."),
    ("23514", "dossier_decided"): Wording(
        "Hồ sơ đã được quyết định: không sửa được nữa.",
        "The dossier is decided and can no longer change.",
        "Mở một hồ sơ đính chính.", "Open a correction dossier instead."),
    ("23514", "parcel_open_rights"): Wording(
        "Không khai tử được thửa đang có quyền hoặc giấy chứng nhận còn hiệu lực.",
        "A parcel with open rights or valid certificates cannot be retired.",
        "Khai tử thửa bằng hồ sơ tách, gộp hoặc thu hồi; các quyền sẽ được chuyển theo.",
        "Retire parcels through a split, merge or acquisition dossier, which carries "
        "their rights on."),
    ("23514", "commune_in_force"): Wording(
        "Xã/phường này không còn hiệu lực (đã sáp nhập hoặc đổi mã).",
        "The commune is no longer in force (merged or renumbered).",
        "Dùng mã xã/phường hiện hành; bảng Thửa đất ghi xã/phường thay thế.",
        "Use the commune in force; the register names the commune that replaced it."),
    ("23514", "shares_sum_to_one"): Wording(
        "Tổng tỷ lệ sở hữu của những người sử dụng phải bằng 1.",
        "The holders' shares must sum to exactly 1.",
        "Sửa tỷ lệ của từng người cho đủ 1.", "Correct each holder's share so they sum to 1."),
    ("23514", "split_minimum"): Wording(
        "Thửa tách nhỏ hơn diện tích, chiều rộng hoặc chiều sâu tối thiểu được tách thửa.",
        "A new parcel is below the minimum area, frontage or depth for a split.",
        "Vẽ lại đường tách để mọi thửa mới đạt mức tối thiểu của loại đất và xã/phường.",
        "Redraw the split so every new parcel meets the minimums of its land use and "
        "commune."),
    ("42501", "record_commune"): Wording(
        "Tài khoản không được xem hồ sơ thửa đất của xã/phường này.",
        "Your account may not read the record of a parcel of this commune.",
        "Cán bộ xem thửa đất của các xã/phường được giao; quản trị viên giao xã/phường.",
        "Officers read the parcels of the communes assigned to them; an administrator "
        "assigns communes."),
    ("P0002", "parcel_exists"): Wording(
        "Sổ địa chính không có thửa đất này.",
        "The register holds no such parcel.",
        "Tải lại lớp thửa đất rồi chọn lại thửa.",
        "Reload the parcel layer and pick the parcel again."),
}

UNREACHABLE = "08006"  # connection_failure: what a statement that never ran is told as


def refusal(diag: dict[str, Any], role: str = "") -> RegisterError:
    """A refusal the database reported (SQLSTATE and diagnostics) in the officer's words, as
    the exception type of its SQLSTATE.

    The sentence is chosen by the SQLSTATE and, where the database names one, by the rule:
    Vietnamese first, English beside it. The database's own text (English) follows only when
    no sentence names this refusal exactly; `raw` keeps it all for the log."""
    state = str(diag.get("sqlstate") or "")
    named = NAMED_REFUSALS.get((state, str(diag.get("constraint") or "")))
    if named is not None:
        return _error(diag, both(named.vi, named.en), both(named.hint_vi, named.hint_en))
    key = next(k for k in (state, state[:4], state[:2], "") if k in REFUSALS)
    wording = REFUSALS[key]
    plain = both(wording.vi.format(role=role), wording.en.format(role=role))
    if diag.get("hint") or state == "40001":  # the register's own words say which parcel
        plain += "\n" + " ".join(filter(None, (diag.get("message"), diag.get("detail"))))
    hint = both(wording.hint_vi, wording.hint_en)
    if diag.get("hint"):
        hint += f"\n{diag['hint']}"
    return _error(diag, plain, hint)


def _error(diag: dict[str, Any], plain: str, hint: str) -> RegisterError:
    state = str(diag.get("sqlstate") or "")
    return error_type(state)(plain, raw_text(diag), hint, state, diag)


def raw_text(diag: dict[str, Any]) -> str:
    """The database's own diagnostics as one text, for the administrator's log."""
    return f"{diag.get('sqlstate') or ''}: {diag.get('message')}" + "".join(
        f"\n{k}: {diag[k]}" for k in ("detail", "hint", "context", "constraint")
        if diag.get(k))


def unreachable(raw: str) -> RegisterError:
    """The register could not be reached (stopped, restarting, network down)."""
    return refusal({"sqlstate": UNREACHABLE, "message": raw.strip()})


def error_parts(raw: str) -> dict[str, str]:
    """The ERROR, DETAIL and HINT fields of a PostgreSQL error as QGIS passes it on (text
    only): split by their field labels, to show the database's hint, never to choose."""
    parts: dict[str, str] = {}
    for key in ("ERROR", "DETAIL", "HINT"):
        found = re.search(rf"{key}:\s+(.*?)(?=\n(?:ERROR|DETAIL|HINT|CONTEXT|LINE \d+):|\Z)",
                          raw, re.S)
        if found:
            parts[key.lower()] = found.group(1).strip()
    return parts


def layer_save_refusal(raw: str) -> RegisterError:
    """QGIS's own "Save edits" on the parcel layer failed: the view refuses every write by
    design (changes go through a dossier), so that is what the officer reads, whatever the
    text QGIS passed on."""
    return RuleRefusedError(both(
        "Không lưu trực tiếp được lớp thửa đất: mọi thay đổi sổ địa chính thuộc về một hồ sơ "
        "đã duyệt. Chọn hồ sơ, bấm Kiểm tra rồi Gửi; các thay đổi vẫn còn trên lớp.",
        "The parcel layer cannot be saved directly: every change to the register belongs to an "
        "approved dossier. Choose a dossier, press Check, then Submit; the edits stay on the "
        "layer."), raw, error_parts(raw).get("hint"))
