"""Connecting: the plugin offers only the communes the account may edit, and says what the
account may do (its kind and communes), Vietnamese first with the English beside it."""

from __future__ import annotations

from tests.qgis.conftest import WARD, Login


def test_an_officer_is_offered_only_the_assigned_communes(
    officer: Login, owner_connection: str
) -> None:
    from cadastre_officer.core.register import Register

    officer_communes = [c.code for c in Register(officer.connection).communes()]
    owner_communes = [c.code for c in Register(owner_connection).communes()]

    assert officer_communes == [WARD]
    assert set(owner_communes) > {WARD}


def test_the_connect_dialog_says_what_the_account_may_do(officer: Login, qgis_app) -> None:
    from cadastre_officer.gui.connect_dialog import ConnectDialog

    dialog = ConnectDialog()
    dialog.connections.setCurrentText(officer.connection)

    assert dialog.commune() == WARD and dialog.communes.count() == 1
    text = dialog.message.text()
    assert text.startswith(f"Tài khoản {officer.name}: cán bộ địa chính, được sửa xã/phường "
                           f"{WARD}")
    assert f"Account {officer.name}: officer, may edit communes {WARD}" in text


def test_an_approver_is_told_so(approver: Login) -> None:
    from cadastre_officer.core.register import Register

    account = Register(approver.connection).account()

    assert account.kind == "approver" and [c.code for c in account.communes] == [WARD]
    assert "approver" in account.describe() and "lãnh đạo duyệt hồ sơ" in account.describe()
