"""``ServerAuth``: the pieces of a server's authentication, opened once from its settings.

It holds the accounts, the access control the services check permissions with, the grants,
and the signer of the UI's sessions; :meth:`ServerAuth.principal_of` turns what a request
presents into the principal it acts as.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from modelreg.auth.access_control import SqlAccessControl
from modelreg.auth.accounts import AccountService
from modelreg.auth.entities import User
from modelreg.auth.grants import GrantService
from modelreg.auth.sessions import SessionSigner, SessionSubject
from modelreg.backend import store_uri
from modelreg.clock import Clock, system_clock
from modelreg.config import ADMIN_USERNAME_ENV, SECRET_KEY_ENV, Settings
from modelreg.identity import Principal
from modelreg.server.auth.credentials import BasicCredentials, BearerToken, parse_authorization
from modelreg.store.sql import create_store_engine
from modelreg.store.sql.auth_store import SqlAuthStore

__all__ = ["ServerAuth", "open_server_auth"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerAuth:
    """Accounts, permissions and sessions of one server."""

    store: SqlAuthStore
    accounts: AccountService
    access: SqlAccessControl
    grants: GrantService
    sessions: SessionSigner
    clock: Clock

    def principal_of(
        self, authorization: str | None, session: str | None = None
    ) -> Principal | None:
        """Who presents the ``Authorization`` header (else the session cookie), or None."""
        user: User | None = None
        if authorization:
            credentials = parse_authorization(authorization)
            if isinstance(credentials, BasicCredentials):
                user = self.accounts.authenticate(credentials.username, credentials.password)
            elif isinstance(credentials, BearerToken):
                user = self.accounts.user_of_token(credentials.token)
        elif session:
            subject = self.sessions.read(session, self.clock())
            if subject is not None:
                user = self.accounts.user_of_session(subject.username, subject.fingerprint)
        return None if user is None else Principal(user.username, user.is_admin)

    def open_session(self, username: str, password: str) -> str | None:
        """A session cookie value for a correct user name and password, else None."""
        user = self.accounts.authenticate(username, password)
        fingerprint = None if user is None else self.accounts.session_fingerprint(username)
        if fingerprint is None:
            return None
        return self.sessions.sign(SessionSubject(username, fingerprint), self.clock())

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()


def _secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    logger.warning(
        "%s is not set: UI sessions are signed with a random key of this process, so they end "
        "when it restarts and are not shared with other workers or replicas.",
        SECRET_KEY_ENV,
    )
    return secrets.token_urlsafe(32)


def open_server_auth(settings: Settings, *, clock: Clock = system_clock) -> ServerAuth | None:
    """The authentication of a server with ``settings.auth`` on (None when it is off).

    The administrator named by the settings is created if no user has that name yet.
    """
    if not settings.auth:
        return None
    store = SqlAuthStore(create_store_engine(store_uri(settings.tracking_uri)))
    accounts = AccountService(store, clock=clock)
    access = SqlAccessControl(store, settings.default_permission, clock=clock)
    auth = ServerAuth(
        store=store,
        accounts=accounts,
        access=access,
        grants=GrantService(store, access, clock=clock),
        sessions=SessionSigner(_secret_key(settings)),
        clock=clock,
    )
    if settings.admin_username and settings.admin_password:
        if accounts.ensure_admin(settings.admin_username, settings.admin_password) is not None:
            logger.info("created the administrator %s", settings.admin_username)
    elif accounts.admin_count() == 0:
        logger.warning(
            "authentication is on but there is no administrator: set %s and its password, "
            "or run `modelreg users create NAME --admin`.",
            ADMIN_USERNAME_ENV,
        )
    return auth
