"""AccountService: users, passwords and API tokens, and who may manage them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modelreg.auth.accounts import AccountService
from modelreg.auth.errors import TokenNotFound, UserAlreadyExists, UserNotFound, WeakPassword
from modelreg.errors import InvalidParameterValue, PermissionDenied
from modelreg.identity import Principal, acting_as
from modelreg.store.sql import create_store_engine
from modelreg.store.sql.auth_store import SqlAuthStore
from tests.auth.conftest import FAST_HASHER
from tests.conftest import FakeClock

ALICE = Principal("alice")
ROOT = Principal("root", is_admin=True)


@pytest.fixture
def accounts(store_uri: str) -> Iterator[AccountService]:
    """Accounts on an empty store with ``root`` (administrator) and ``alice``, ``bob``."""
    store = SqlAuthStore(create_store_engine(store_uri))
    service = AccountService(store, clock=FakeClock(), hasher=FAST_HASHER)
    service.create_user("root", "root-password", is_admin=True)
    service.create_user("alice", "alice-password")
    service.create_user("bob", "bob-password")
    yield service
    store.close()


def test_passwords_are_checked_and_never_stored(accounts: AccountService) -> None:
    alice = accounts.authenticate("alice", "alice-password")
    assert alice is not None
    assert (alice.username, alice.is_admin) == ("alice", False)
    assert accounts.authenticate("alice", "bob-password") is None
    assert accounts.authenticate("nobody", "alice-password") is None
    with accounts.store.read() as tx:
        stored = tx.password_hash("alice")
    assert stored is not None
    assert "alice-password" not in stored


def test_user_names_are_unique_and_well_formed(accounts: AccountService) -> None:
    with pytest.raises(UserAlreadyExists):
        accounts.create_user("alice", "another-password")
    for bad in ("", " alice", "al:ice", "tab\tname", "x" * 257):
        with pytest.raises(InvalidParameterValue):
            accounts.create_user(bad, "a-good-password")
    with pytest.raises(WeakPassword):
        accounts.create_user("carol", "short")


def test_only_administrators_manage_other_accounts(accounts: AccountService) -> None:
    with acting_as(ALICE):
        with pytest.raises(PermissionDenied):
            accounts.create_user("carol", "carol-password")
        with pytest.raises(PermissionDenied):
            accounts.list_users()
        with pytest.raises(PermissionDenied):
            accounts.get_user("bob")
        with pytest.raises(PermissionDenied):
            accounts.set_password("bob", "new-bob-password")
        with pytest.raises(PermissionDenied):
            accounts.set_admin("alice", True)
        with pytest.raises(PermissionDenied):
            accounts.delete_user("bob")
        assert accounts.get_user("alice").username == "alice"
    with acting_as(ROOT):
        accounts.set_password("bob", "new-bob-password")
        accounts.set_admin("alice", True)
        accounts.delete_user("bob")
        assert [user.username for user in accounts.list_users()] == ["alice", "root"]
    assert accounts.authenticate("alice", "alice-password").is_admin  # type: ignore[union-attr]


def test_changing_ones_own_password_needs_the_current_one(accounts: AccountService) -> None:
    with acting_as(ALICE):
        with pytest.raises(InvalidParameterValue, match="current password is required"):
            accounts.set_password("alice", "new-alice-password")
        with pytest.raises(InvalidParameterValue, match="does not match"):
            accounts.set_password("alice", "new-alice-password", current_password="wrong-one")
        accounts.set_password("alice", "new-alice-password", current_password="alice-password")
    assert accounts.authenticate("alice", "alice-password") is None
    assert accounts.authenticate("alice", "new-alice-password") is not None


def test_an_administrator_cannot_delete_themselves(accounts: AccountService) -> None:
    with acting_as(ROOT), pytest.raises(InvalidParameterValue, match="own account"):
        accounts.delete_user("root")


def test_a_missing_user_is_not_found(accounts: AccountService) -> None:
    with pytest.raises(UserNotFound):
        accounts.set_admin("nobody", True)
    with pytest.raises(UserNotFound):
        accounts.delete_user("nobody")


def test_a_token_authenticates_its_owner_until_revoked(accounts: AccountService) -> None:
    with acting_as(ALICE):
        token, value = accounts.create_token("ci")
        assert (token.username, token.name) == ("alice", "ci")
        assert [t.id for t in accounts.list_tokens()] == [token.id]
    owner = accounts.user_of_token(value)
    assert owner is not None
    assert owner.username == "alice"
    assert accounts.user_of_token(value + "x") is None
    with acting_as(ALICE):
        accounts.revoke_token(token.id)
        assert accounts.list_tokens() == []
    assert accounts.user_of_token(value) is None
    with pytest.raises(TokenNotFound):
        accounts.revoke_token(token.id)


def test_users_manage_only_their_own_tokens(accounts: AccountService) -> None:
    with acting_as(Principal("bob")):
        bobs, _ = accounts.create_token("laptop")
    with acting_as(ALICE):
        with pytest.raises(PermissionDenied):
            accounts.create_token("sneaky", username="bob")
        with pytest.raises(PermissionDenied):
            accounts.list_tokens("bob")
        with pytest.raises(PermissionDenied):
            accounts.revoke_token(bobs.id)
    with acting_as(ROOT):
        assert [t.name for t in accounts.list_tokens("bob")] == ["laptop"]
        accounts.revoke_token(bobs.id)


def test_deleting_a_user_revokes_their_tokens(accounts: AccountService) -> None:
    _, value = accounts.create_token("ci", username="bob")
    accounts.delete_user("bob")
    assert accounts.user_of_token(value) is None


def test_a_session_ends_when_the_password_changes(accounts: AccountService) -> None:
    fingerprint = accounts.session_fingerprint("alice")
    assert fingerprint is not None
    assert accounts.user_of_session("alice", fingerprint) is not None
    accounts.set_password("alice", "changed-password")
    assert accounts.user_of_session("alice", fingerprint) is None
    assert accounts.session_fingerprint("nobody") is None


def test_the_bootstrap_administrator_is_created_once(accounts: AccountService) -> None:
    created = accounts.ensure_admin("boss", "boss-password")
    assert created is not None
    assert created.is_admin
    assert accounts.ensure_admin("boss", "another-password") is None
    assert accounts.authenticate("boss", "boss-password") is not None
    assert accounts.admin_count() == 2
