"""AccountsDialog: add, edit (key to the keyring), remove, open; the demo account is fixed.

Keyring calls run off the Qt thread, so each test drives the dialog on the qasync loop.
"""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from app.domain import Provider
from app.live.accounts import AccountBook
from app.ui.accounts_dialog import AccountsDialog
from tests.fixtures.qt import until
from tests.live.test_accounts import memory_keyring  # noqa: F401 - the keyring fixture, shared

pytestmark = pytest.mark.usefixtures("memory_keyring")  # a real in-memory keyring backend


async def make_dialog(qtbot, tmp_path) -> AccountsDialog:
    """Opened while the loop runs, as the window opens it: it asks the keyring off the Qt thread."""
    dialog = AccountsDialog(AccountBook(tmp_path / "accounts.json"))
    qtbot.addWidget(dialog)
    dialog.resize(720, 420)
    dialog.open()
    return dialog


async def add_account(dialog: AccountsDialog, name: str = "New account") -> None:
    dialog.add_button.click()
    await until(lambda: dialog.current_account() is not None and not dialog.current_account().is_demo,
                what="the new account")
    dialog.name.setText(name)


def test_demo_account_is_listed_first_and_cannot_be_edited(qtbot, tmp_path, run_async):
    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        assert dialog.current_account().is_demo
        assert not dialog.name.isEnabled() and not dialog.remove_button.isEnabled()
        await dialog.keyring_check  # the keyring has answered
        assert not dialog.keyring_note.isVisible()

    run_async(scenario())


def test_add_edit_save_puts_key_in_keyring_not_in_the_file(qtbot, tmp_path, run_async):
    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        await add_account(dialog, "Clinic line")
        dialog.platform.setCurrentIndex(dialog.platform.findData(Provider.HMS.value))
        assert dialog.base_url.text() == "https://api.hmsovereign.com/api/v1"
        dialog.key.setText("fl_live_secret")
        saved = await dialog.save()
        assert saved is not None and saved.provider is Provider.HMS
        assert dialog.book.get(saved.id).name == "Clinic line"
        assert ("switchboard", saved.id) in keyring.get_keyring().saved
        assert "fl_live_secret" not in (tmp_path / "accounts.json").read_text()
        await until(lambda: dialog.key_state.text() == "A key is available for this account.", what="key state")

    run_async(scenario())


def test_open_saves_and_asks_for_the_switch(qtbot, tmp_path, run_async):
    opened: list[object] = []

    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        dialog.open_requested.connect(opened.append)
        await add_account(dialog, "Acme")
        dialog.open_button.click()
        await until(lambda: opened, what="the open request")

    run_async(scenario())
    assert [a.name for a in opened] == ["Acme"]


def test_invalid_url_is_refused_with_a_reason(qtbot, tmp_path, run_async):
    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        await add_account(dialog)
        dialog.base_url.setText("ftp://nope")
        assert await dialog.save() is None
        assert "https://" in dialog.form_message.text()

    run_async(scenario())


def test_remove_drops_account_and_key(qtbot, tmp_path, run_async):
    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        await add_account(dialog)
        dialog.key.setText("k")
        account = await dialog.save()
        dialog.remove_button.click()
        await until(lambda: dialog.book.get(account.id) is None, what="the removal")
        assert keyring.get_keyring().saved == {}

    run_async(scenario())


def test_without_a_keyring_a_key_is_kept_for_the_session_and_said_so(qtbot, tmp_path, run_async):
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        async def scenario() -> None:
            dialog = await make_dialog(qtbot, tmp_path)
            await until(dialog.keyring_note.isVisible, what="the no-keyring note")
            assert "SWITCHBOARD_API_KEY" in dialog.keyring_note.text()
            assert "memory for this session only" in dialog.keyring_note.text()
            await add_account(dialog)
            dialog.key.setText("secret")
            dialog.public_key.setText("pub")
            account = await dialog.save()
            assert "kept in memory for this session only" in dialog.form_message.text()
            assert dialog.book.key_for(account) == "secret" and dialog.book.public_key_for(account) == "pub"
            await until(lambda: "in memory for this session only" not in dialog.key_state.text()
                        and "A key is available" in dialog.key_state.text(), what="the key state")
            assert "secret" not in (tmp_path / "accounts.json").read_text()
            assert AccountBook(tmp_path / "accounts.json").key_for(account) is None  # gone with the session

        run_async(scenario())
    finally:
        keyring.set_keyring(before)


def test_a_problem_is_shown_at_the_top(qtbot, tmp_path, run_async):
    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        dialog.show_problem("Vapi refused the API key for “Acme”.")
        assert dialog.problem.isVisible() and "refused" in dialog.problem.text()

    run_async(scenario())


def test_a_vapi_public_key_goes_to_its_own_keyring_entry_and_only_vapi_offers_it(qtbot, tmp_path, run_async):
    async def scenario() -> None:
        dialog = await make_dialog(qtbot, tmp_path)
        await add_account(dialog, "Vapi prod")
        assert dialog.public_key.isVisible()
        dialog.key.setText("private")
        dialog.public_key.setText("public")
        saved = await dialog.save()
        assert keyring.get_keyring().saved[("switchboard", f"{saved.id}:public")] == "public"
        assert dialog.book.public_key_for(saved) == "public" and dialog.book.key_for(saved) == "private"
        await until(lambda: "Public key: stored." in dialog.key_state.text(), what="the public key state")
        dialog.platform.setCurrentIndex(dialog.platform.findData(Provider.HMS.value))
        assert not dialog.public_key.isVisible()

    run_async(scenario())
