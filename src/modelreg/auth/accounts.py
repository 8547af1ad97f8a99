"""``AccountService``: users, their passwords and API tokens, and checking credentials.

Who may do what: administrators manage every account; a user may read their own account,
change their own password (giving the current one) and manage their own tokens. In-process
code acting for no authenticated principal (the CLI on a local store, the server's start-up)
is trusted like an administrator.
"""

from __future__ import annotations

import hmac
import logging
from functools import cached_property

from argon2 import PasswordHasher

from modelreg.auth import passwords
from modelreg.auth.entities import ApiToken, Grant, User
from modelreg.auth.errors import UserAlreadyExists
from modelreg.auth.tokens import new_token, token_hash
from modelreg.clock import Clock, system_clock
from modelreg.errors import InvalidParameterValue, PermissionDenied
from modelreg.identity import current_principal
from modelreg.store.sql.auth_store import SqlAuthStore

__all__ = ["AccountService", "checked_username"]

logger = logging.getLogger(__name__)

MAX_USERNAME_LENGTH = 256


def checked_username(username: object) -> str:
    """A user name that can be typed and sent with HTTP basic auth (no ``:``)."""
    if not isinstance(username, str) or not username.strip():
        raise InvalidParameterValue("A username is required.")
    if len(username) > MAX_USERNAME_LENGTH or username != username.strip():
        raise InvalidParameterValue(
            f"Invalid username {username!r}: at most {MAX_USERNAME_LENGTH} characters, "
            "without leading or trailing spaces."
        )
    if ":" in username or not username.isprintable():
        raise InvalidParameterValue(
            f"Invalid username {username!r}: ':' and control characters are not allowed."
        )
    return username


def _caller() -> str | None:
    principal = current_principal()
    return None if principal is None else principal.username


def _require_admin(action: str) -> None:
    principal = current_principal()
    if principal is not None and not principal.is_admin:
        raise PermissionDenied(f"Permission denied: only administrators may {action}.")


def _require_self_or_admin(username: str, action: str) -> None:
    principal = current_principal()
    if principal is not None and not principal.is_admin and principal.username != username:
        raise PermissionDenied(
            f"Permission denied: only '{username}' or an administrator may {action}."
        )


class AccountService:
    """Users and API tokens over the auth store; ``hasher`` hashes the passwords."""

    def __init__(
        self,
        store: SqlAuthStore,
        *,
        clock: Clock = system_clock,
        hasher: PasswordHasher = passwords.STANDARD,
    ) -> None:
        self.store = store
        self.clock = clock
        self.hasher = hasher

    @cached_property
    def _decoy_hash(self) -> str:
        # Checking a password against it when there is no such user takes as long as a real
        # check, so response times do not tell which user names exist.
        return passwords.hash_password(new_token(), self.hasher)

    # -- credentials ---------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if ``password`` is theirs, else None (the same time either way)."""
        with self.store.read() as tx:
            stored = tx.password_hash(username)
            user = tx.find_user(username)
        valid = passwords.verify_password(stored or self._decoy_hash, password, self.hasher)
        if stored is None or not valid:
            return None
        if passwords.needs_rehash(stored, self.hasher):
            with self.store.write() as tx:
                tx.update_user(username, password_hash=self._hash(password))
        return user

    def user_of_token(self, token: str) -> User | None:
        """The owner of an API token, or None if it is unknown or revoked."""
        with self.store.read() as tx:
            return tx.user_of_token(token_hash(token))

    def session_fingerprint(self, username: str) -> str | None:
        """What a login session of the user is bound to (it changes with the password)."""
        with self.store.read() as tx:
            stored = tx.password_hash(username)
        return None if stored is None else passwords.fingerprint(stored)

    def user_of_session(self, username: str, fingerprint: str) -> User | None:
        """The user of a login session, unless their password changed since it was opened."""
        with self.store.read() as tx:
            stored = tx.password_hash(username)
            user = tx.find_user(username)
        if stored is None or not hmac.compare_digest(passwords.fingerprint(stored), fingerprint):
            return None
        return user

    # -- users ---------------------------------------------------------------------------

    def _hash(self, password: str) -> str:
        return passwords.hash_password(password, self.hasher)

    def create_user(self, username: str, password: str, *, is_admin: bool = False) -> User:
        """Create a user (administrators only)."""
        _require_admin("create users")
        username = checked_username(username)
        password_hash = self._hash(password)
        with self.store.write() as tx:
            user = tx.insert_user(username, password_hash, is_admin, self.clock())
        logger.info("user %s created%s", username, " (administrator)" if is_admin else "")
        return user

    def ensure_admin(self, username: str, password: str) -> User | None:
        """Create the administrator ``username`` unless a user has that name; the new user."""
        try:
            return self.create_user(username, password, is_admin=True)
        except UserAlreadyExists:  # created before, perhaps by another worker just now
            return None

    def get_user(self, username: str) -> User:
        """A user (themselves or an administrator)."""
        _require_self_or_admin(username, "read this account")
        with self.store.read() as tx:
            return tx.user(username)

    def grants_of(self, username: str) -> list[Grant]:
        """The permissions granted to a user (themselves or an administrator)."""
        _require_self_or_admin(username, "read this account")
        with self.store.read() as tx:
            return tx.grants_of(tx.user(username))

    def list_users(self) -> list[User]:
        """Every user (administrators only)."""
        _require_admin("list users")
        with self.store.read() as tx:
            return tx.users()

    def admin_count(self) -> int:
        """How many administrators there are."""
        with self.store.read() as tx:
            return tx.admin_count()

    def set_password(
        self, username: str, password: str, *, current_password: str | None = None
    ) -> None:
        """Change a password: an administrator may change anyone's; users their own, giving
        the current one."""
        _require_self_or_admin(username, "change this password")
        password_hash = self._hash(password)
        if _caller() == username:
            if not current_password:
                raise InvalidParameterValue(
                    "The current password is required to change your own password."
                )
            if self.authenticate(username, current_password) is None:
                raise InvalidParameterValue("The current password does not match.")
        with self.store.write() as tx:
            tx.update_user(username, password_hash=password_hash)
        logger.info("password of user %s changed", username)

    def set_admin(self, username: str, is_admin: bool) -> None:
        """Make a user an administrator, or no longer one (administrators only)."""
        _require_admin("change who is an administrator")
        with self.store.write() as tx:
            tx.update_user(username, is_admin=is_admin)
        logger.info("user %s is %san administrator", username, "" if is_admin else "no longer ")

    def delete_user(self, username: str) -> None:
        """Delete a user with their tokens and grants (administrators, not themselves)."""
        _require_admin("delete users")
        if _caller() == username:
            raise InvalidParameterValue(
                "You cannot delete your own account: ask another administrator."
            )
        with self.store.write() as tx:
            tx.delete_user(username)
        logger.info("user %s deleted", username)

    # -- API tokens ----------------------------------------------------------------------

    def _owner(self, username: str | None) -> str:
        owner = username or _caller()
        if owner is None:
            raise InvalidParameterValue("Name the user whose tokens these are.")
        return owner

    def create_token(self, name: str, *, username: str | None = None) -> tuple[ApiToken, str]:
        """A new token of ``username`` (default: the caller) and its value, shown only here."""
        owner = self._owner(username)
        _require_self_or_admin(owner, "create tokens for this user")
        if not isinstance(name, str) or not name.strip() or len(name) > 256:
            raise InvalidParameterValue("A token needs a name of 1 to 256 characters.")
        value = new_token()
        with self.store.write() as tx:
            token = tx.insert_token(tx.user(owner), name.strip(), token_hash(value), self.clock())
        logger.info("API token %d (%s) created for user %s", token.id, token.name, owner)
        return token, value

    def list_tokens(self, username: str | None = None) -> list[ApiToken]:
        """The tokens of ``username`` (default: the caller), without their values."""
        owner = self._owner(username)
        _require_self_or_admin(owner, "list this user's tokens")
        with self.store.read() as tx:
            tx.user(owner)
            return tx.tokens(owner)

    def revoke_token(self, token_id: int) -> None:
        """Revoke a token (its owner or an administrator): it stops working at once."""
        with self.store.write() as tx:
            token = tx.token(token_id)
            _require_self_or_admin(token.username, "revoke this token")
            tx.delete_token(token_id)
        logger.info("API token %d of user %s revoked", token_id, token.username)
