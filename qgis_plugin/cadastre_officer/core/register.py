"""The register through a PostgreSQL connection the officer saved in QGIS.

QGIS keeps the connection and its authentication configuration; the plugin only names the
connection, never reads, stores or logs a password. Every call is one SQL statement run by
QGIS's own connection API (`executeSql`), so it is one transaction: all or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qgis.core import (
    Qgis,
    QgsAbstractDatabaseProviderConnection,
    QgsApplication,
    QgsDataSourceUri,
    QgsException,
    QgsMessageLog,
    QgsProviderRegistry,
)

from ..i18n import tr


class RegisterError(Exception):
    """The database refused or failed a statement; `plain` says why in the officer's words."""

    def __init__(self, plain: str, raw: str, hint: str | None = None,
                 sqlstate: str | None = None) -> None:
        super().__init__(plain)
        self.plain = plain
        self.raw = raw
        self.hint = hint
        self.sqlstate = sqlstate

    @property
    def text(self) -> str:
        """The sentence and, on a new line, what to do."""
        return self.plain + (f"\n{self.hint}" if self.hint else "")


@dataclass(frozen=True)
class Commune:
    """A commune (or ward) of the register."""

    code: str
    name: str


def saved_connections() -> list[str]:
    """Names of the PostgreSQL connections saved in QGIS, sorted."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections().keys())


# One statement guarded: its answer, or its refusal's SQLSTATE and diagnostics, as JSON in a
# transaction-local setting read back by the same call. Deferred rules run inside the guard.
GUARDED = """DO $cadastre$
DECLARE
    v_value text; v_state text; v_message text; v_detail text; v_hint text; v_context text;
    v_constraint text; v_table text; v_column text;
BEGIN
    {before}
    EXECUTE {sql} INTO v_value;
    SET CONSTRAINTS ALL IMMEDIATE;
    PERFORM set_config('cadastre_plugin.answer', jsonb_build_object('value', v_value)::text,
                       true);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
        v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT,
        v_context = PG_EXCEPTION_CONTEXT, v_constraint = CONSTRAINT_NAME,
        v_table = TABLE_NAME, v_column = COLUMN_NAME;
    PERFORM set_config('cadastre_plugin.answer', jsonb_build_object(
        'sqlstate', v_state, 'message', v_message, 'detail', nullif(v_detail, ''),
        'hint', nullif(v_hint, ''), 'context', nullif(v_context, ''),
        'constraint', nullif(v_constraint, ''), 'table', nullif(v_table, ''),
        'column', nullif(v_column, ''))::text, true);
END
$cadastre$; SELECT current_setting('cadastre_plugin.answer')"""


def literal(value: Any) -> str:
    """A SQL literal for a value (strings quoted by doubling quotes; lists as arrays)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(literal(item) for item in value) + "]::text[]" \
            if value else "'{}'::text[]"
    if isinstance(value, dict):
        return literal(json.dumps(value)) + "::jsonb"
    text = str(value)
    if "\x00" in text:
        raise ValueError("a text value may not contain a NUL character")
    return "'" + text.replace("'", "''") + "'"


def both(vi: str, en: str) -> str:
    """A message for the officer: Vietnamese first, the English beside it."""
    return f"{vi} — {en}"


# What the officer reads for a refusal, chosen by its SQLSTATE (class or full code): the
# sentence (Vietnamese, English) and, when the database gave no hint of its own, what to do.
REFUSALS: dict[str, tuple[str, str, str, str]] = {
    "42501": ("Tài khoản {role} không được phép làm việc này trong sổ địa chính.",
              "Your account {role} is not allowed to do this in the register.",
              "Hãy nhờ quản trị viên cấp quyền cán bộ địa chính và xã/phường cho tài khoản.",
              "Ask the register's administrator to give your account the officer role and "
              "your communes (cadastre user add … --role officer --commune CODE)."),
    "40001": ("Một đồng nghiệp đã sửa thửa đất này sau khi bạn tải về.",
              "A colleague changed this parcel after you loaded it.",
              "Tải lại để làm lại các thay đổi.",
              "Reload and redo your edits."),
    "23505": ("Sổ địa chính đã có một bản ghi như vậy.",
              "The register already holds such a record.",
              "Kiểm tra lại số hồ sơ hoặc mã đã nhập.",
              "Check the number or code you typed."),
    "23": ("Sổ địa chính từ chối thay đổi này theo quy tắc của sổ.",
           "The register refused this change under its rules.",
           "Sửa lại theo thông báo rồi thử lại.",
           "Correct it as the message says and try again."),
    "22": ("Một giá trị đã nhập không hợp lệ.",
           "A value you entered is not valid.",
           "Kiểm tra ngày, số và mã đã nhập.",
           "Check the dates, numbers and codes you entered."),
    "08": ("Không kết nối được tới cơ sở dữ liệu sổ địa chính.",
           "The register database cannot be reached.",
           "Các thay đổi của bạn vẫn còn trên lớp (có thể lưu ra tệp). Kiểm tra mạng và kết "
           "nối PostgreSQL đã lưu trong QGIS, rồi thử lại.",
           "Your edits are still on the layer (you can save them to a file). Check the "
           "network and the PostgreSQL connection saved in QGIS, then retry."),
    "57P0": ("Cơ sở dữ liệu sổ địa chính đang dừng hoặc khởi động lại: không kết nối được.",
             "The register database is stopping or restarting: it cannot be reached.",
             "Các thay đổi của bạn vẫn còn trên lớp. Chờ máy chủ chạy lại rồi thử lại.",
             "Your edits are still on the layer. Wait for the server to run again, then "
             "retry."),
    "": ("Cơ sở dữ liệu sổ địa chính báo lỗi.",
         "The register database reported an error.",
         "Hãy báo cho quản trị viên; chi tiết ở nhật ký QGIS (Cadastre).",
         "Tell the administrator; the details are in the QGIS log (Cadastre)."),
}


# Refusals whose database text is English only, chosen by SQLSTATE and the constraint (or
# table) the database names in its diagnostics: the officer's sentence and what to do, in
# both languages. Never chosen by the message text.
NAMED_REFUSALS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("23P01", "parcel_no_overlap"): (
        "Thửa đất chồng lấn lên thửa bên cạnh.",
        "The parcel overlaps its neighbour.",
        "Kéo ranh giới về đúng vị trí rồi Kiểm tra lại.",
        "Pull the boundary back and check again."),
    ("23505", "dossier_number_key"): (
        "Số hồ sơ này đã có trong sổ địa chính.",
        "The register already holds a dossier with this number.",
        "Nhập số hồ sơ khác.", "Give the dossier another number."),
    ("23514", "merge_same_holders"): (
        "Không gộp được: các thửa có người sử dụng hoặc tỷ lệ sở hữu khác nhau.",
        "The parcels cannot be merged: they have different holders or shares.",
        "Chuyển các thửa cho cùng người sử dụng trước (hồ sơ chuyển nhượng), rồi mới gộp.",
        "Transfer the parcels to the same holders first (a transfer dossier), then merge."),
    ("23514", "merge_adjacent"): (
        "Không gộp được: các thửa không liền kề nhau.",
        "The parcels cannot be merged: they do not share a boundary.",
        "Chỉ gộp các thửa có chung ranh giới.", "Only parcels that share a boundary merge."),
    ("23514", "merge_union"): (
        "Không gộp được: hình thửa gộp không đúng bằng hợp của các thửa.",
        "The merged geometry is not the union of the merged parcels.",
        "Gộp mà không di chuyển ranh giới ngoài; sửa ranh giới bằng một hồ sơ riêng.",
        "Merge without moving the outer boundary; correct the boundary in a dossier of its "
        "own."),
    ("23514", "merge_same_commune"): (
        "Không gộp được: các thửa thuộc các xã/phường khác nhau.",
        "The parcels cannot be merged: they lie in different communes.",
        "Chỉ gộp các thửa của cùng một xã/phường.", "Merge parcels of one commune only."),
    ("23514", "dossier_open"): (
        "Hồ sơ đã đóng: không làm thêm được gì theo hồ sơ này.",
        "The dossier is closed: nothing more can be done under it.",
        "Chọn hoặc mở một hồ sơ khác.", "Choose or open another dossier."),
    ("23514", "dossier_approved"): (
        "Hồ sơ chưa được duyệt: chưa ghi được thay đổi nào theo hồ sơ này.",
        "The dossier is not approved: no change can be registered under it yet.",
        "Nhờ lãnh đạo (một người khác) duyệt hồ sơ rồi Gửi lại.",
        "Ask an approver (another person) to approve the dossier, then submit again."),
    ("23514", "parcel_current"): (
        "Thửa đất đã bị khai tử (đã tách, gộp hoặc thu hồi): không sửa được nữa.",
        "The parcel is retired (split, merged or acquired): it cannot change any more.",
        "Làm việc trên các thửa đã thay thế nó (xem phả hệ trong bảng Thửa đất).",
        "Work on the parcels that replaced it (see the genealogy in the Parcel panel)."),
}


def refusal(diag: dict[str, Any], role: str = "") -> RegisterError:
    """A refusal the database reported (SQLSTATE and diagnostics) in the officer's words.

    The sentence is chosen by the SQLSTATE and, where the database names one, by the
    constraint: Vietnamese first, English beside it. The database's own text (English) follows
    only when no sentence names this refusal exactly; the QGIS log keeps the raw text."""
    state = str(diag.get("sqlstate") or "")
    named = NAMED_REFUSALS.get((state, str(diag.get("constraint") or "")))
    if named is not None:
        vi, en, hint_vi, hint_en = named
        return _refusal_error(diag, both(vi, en), both(hint_vi, hint_en))
    key = next(k for k in (state, state[:4], state[:2], "") if k in REFUSALS)
    vi, en, hint_vi, hint_en = REFUSALS[key]
    plain = both(vi.format(role=role), en.format(role=role))
    own_words = bool(diag.get("hint")) or state == "40001"
    if own_words:
        plain += "\n" + " ".join(filter(None, (diag.get("message"), diag.get("detail"))))
    hint = both(hint_vi, hint_en)
    if diag.get("hint"):
        hint += f"\n{diag['hint']}"
    return _refusal_error(diag, plain, hint)


def _refusal_error(diag: dict[str, Any], plain: str, hint: str) -> RegisterError:
    state = str(diag.get("sqlstate") or "")
    raw = f"{state}: {diag.get('message')}" + "".join(
        f"\n{k}: {diag[k]}" for k in ("detail", "hint", "context", "constraint")
        if diag.get(k))
    log(raw)
    error = RegisterError(plain, raw, hint, state)
    error.diag = dict(diag)
    return error


def unreachable(raw: str) -> RegisterError:
    """The register could not be reached (stopped, restarting, network down)."""
    return refusal({"sqlstate": "08006", "message": raw.strip()})


def is_unreachable(error: RegisterError) -> bool:
    """True for a lost or refused connection (SQLSTATE class 08 or 57P0x)."""
    return bool(error.sqlstate) and (error.sqlstate.startswith("08")
                                     or error.sqlstate.startswith("57P0"))


def log(text: str) -> None:
    """Keep the database's own text in QGIS's log (tab Cadastre) for the administrator."""
    QgsMessageLog.logMessage(text, "Cadastre", Qgis.Warning)


def error_parts(raw: str) -> dict[str, str]:
    """The ERROR, DETAIL and HINT lines of a PostgreSQL error as QGIS passes it on."""
    parts: dict[str, str] = {}
    for key in ("ERROR", "DETAIL", "HINT"):
        found = re.search(rf"{key}:\s+(.*?)(?=\n(?:ERROR|DETAIL|HINT|CONTEXT|LINE \d+):|\Z)",
                          raw, re.S)
        if found:
            parts[key.lower()] = found.group(1).strip()
    return parts


def explain(raw: str) -> RegisterError:
    """An error QGIS passes on as text only (a failed connection, a layer's provider).

    Statements the plugin runs itself report their SQLSTATE (`Register.json`) and are chosen
    by it; this text has none, so it is told only as the register's refusal (when PostgreSQL
    sent an ERROR) or as the database out of reach."""
    parts = error_parts(raw)
    if "error" not in parts:
        return refusal({"sqlstate": "08000", "message": raw.strip()})
    return refusal({"message": parts["error"], "detail": parts.get("detail"),
                    "hint": parts.get("hint")})


def layer_save_refusal(raw: str) -> RegisterError:
    """QGIS's own "Save edits" on the parcel layer failed: the view refuses every write by
    design (changes go through a dossier), so that is what the officer reads."""
    log(raw)
    return RegisterError(both(
        "Không lưu trực tiếp được lớp thửa đất: mọi thay đổi sổ địa chính thuộc về một hồ sơ "
        "đã duyệt. Chọn hồ sơ, bấm Kiểm tra rồi Gửi; các thay đổi vẫn còn trên lớp.",
        "The parcel layer cannot be saved directly: every change to the register belongs to an "
        "approved dossier. Choose a dossier, press Check, then Submit; the edits stay on the "
        "layer."), raw, error_parts(raw).get("hint"))


def desktop_user() -> str:
    """Who is working at this QGIS: the operating system's full name, else the login."""
    return QgsApplication.userFullName() or QgsApplication.userLoginName()


class Register:
    """One saved QGIS connection to the register database.

    `app_user` is the person the audit trail names beside the database role for every change
    made through this connection (the setting cadastre.app_user).
    """

    def __init__(self, connection_name: str, app_user: str | None = None) -> None:
        self.app_user = app_user or desktop_user()
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        connections = metadata.connections()
        if connection_name not in connections:
            raise RegisterError(
                tr("No saved PostgreSQL connection is called {0}").format(connection_name),
                connection_name)
        self.name = connection_name
        self.connection: QgsAbstractDatabaseProviderConnection = connections[connection_name]

    def uri(self) -> QgsDataSourceUri:
        """The connection's data source (host, database, authcfg), without any password kept."""
        return QgsDataSourceUri(self.connection.uri())

    def rows(self, sql: str) -> list[list[Any]]:
        """Rows of one statement as QGIS runs it (errors come as text only: see json())."""
        try:
            return self.connection.executeSql(sql)
        except QgsException as exc:
            raise explain(str(exc)) from exc

    def json(self, sql: str) -> Any:
        """The single JSON value a statement returns (as text), decoded.

        The statement runs inside a PL/pgSQL block that catches a refusal with its SQLSTATE
        and diagnostics (QGIS passes on only an error's text), so the officer is told why in
        words chosen by the code. A refused statement changes nothing."""
        return self._answer(sql)

    def change(self, sql: str) -> Any:
        """Like json(), for a statement that writes: the audit trail names `app_user`."""
        return self._answer(sql, f"PERFORM set_config('cadastre.app_user', "
                                 f"{literal(self.app_user)}, true);")

    def reachable(self, timeout: float = 3.0) -> bool:
        """Whether the server's TCP port answers (a local socket connection is not probed).

        Asked before each statement: QGIS meets a server that refuses connections with its
        password prompt, which is not what an officer should see when the register is down."""
        import socket

        uri = self.uri()
        host = uri.host()
        if not host or host.startswith("/"):
            return True
        try:
            with socket.create_connection((host, int(uri.port() or 5432)), timeout=timeout):
                return True
        except OSError:
            return False

    def _answer(self, sql: str, before: str = "") -> Any:
        if not self.reachable():
            raise unreachable(f"{self.uri().host()}:{self.uri().port()} does not answer")
        # Every error of the statement is caught inside the block and comes back with its
        # SQLSTATE: an exception from QGIS here means the block never ran (no connection).
        try:
            found = self.connection.executeSql(GUARDED.format(before=before, sql=literal(sql)))
            answer = json.loads(found[0][0])
        except (QgsException, IndexError, TypeError, ValueError) as exc:
            raise unreachable(str(exc)) from exc
        if answer.get("sqlstate"):
            raise refusal(answer, self.login())
        value = answer.get("value")
        return None if value is None else json.loads(value)

    def login(self) -> str:
        """The database account the saved connection names (no query)."""
        return self.uri().username()

    def call(self, function: str, *args: Any) -> Any:
        """SELECT cadastre.<function>(args…)::text, decoded as JSON."""
        arguments = ", ".join(literal(arg) for arg in args)
        return self.json(f"SELECT to_jsonb(cadastre.{function}({arguments}))::text")

    def srid(self) -> int:
        """The SRID of the register's geometries."""
        return int(self.json("SELECT to_jsonb(srid)::text FROM cadastre.register_setting"))

    def officer(self) -> str:
        """The database account the connection logs in as (the default officer name)."""
        return str(self.json("SELECT to_jsonb(current_user)::text"))

    def communes(self) -> list[Commune]:
        """Communes in force that the account may edit parcels of (officers: their own)."""
        return self.account().communes

    def account(self) -> Account:
        """What the connection's account may do: its kind and the communes it may edit."""
        found = self.json(
            "SELECT jsonb_build_object('login', session_user, 'kind', CASE "
            "WHEN pg_has_role('cadastre_admin', 'MEMBER') THEN 'admin' "
            "WHEN pg_has_role('cadastre_approver', 'MEMBER') THEN 'approver' "
            "WHEN pg_has_role('cadastre_officer', 'MEMBER') THEN 'officer' "
            "WHEN pg_has_role('cadastre_analyst', 'MEMBER') THEN 'analyst' END, "
            "'communes', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, "
            "'name', name) ORDER BY code), '[]') FROM cadastre.admin_unit "
            "WHERE level = 'commune' AND valid @> current_date "
            "AND (pg_has_role('cadastre_officer', 'MEMBER') "
            "OR pg_has_role('cadastre_admin', 'MEMBER')) "
            "AND cadastre.may_edit_commune(code)))::text")
        return Account(found["login"], found["kind"],
                       [Commune(item["code"], item["name"]) for item in found["communes"]])


# The register's kinds of account (cadastre user add --role …) in both languages.
ACCOUNT_KINDS = {"officer": ("cán bộ địa chính", "officer"),
                 "approver": ("lãnh đạo duyệt hồ sơ", "approver"),
                 "admin": ("quản trị viên", "administrator"),
                 "analyst": ("người phân tích (chỉ đọc)", "analyst (read only)")}


@dataclass(frozen=True)
class Account:
    """The database account of a connection: its kind (officer, approver, admin, analyst or
    None) and the communes it may edit."""

    login: str
    kind: str | None
    communes: list[Commune]

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


def json_array(items: Iterable[dict]) -> str:
    """A JSON array literal cast to jsonb."""
    return literal(json.dumps(list(items), ensure_ascii=False)) + "::jsonb"
