"""The SQL store of users, API tokens and grants, with transactions like the registry's.

:meth:`SqlAuthStore.write` and :meth:`SqlAuthStore.read` open a transaction; the methods of
:class:`SqlAuthTransaction` run inside it, so a grant and its audit event commit together.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from modelreg.auth.entities import ApiToken, Grant, ResourceKind, User
from modelreg.auth.errors import GrantAlreadyExists, TokenNotFound, UserAlreadyExists, UserNotFound
from modelreg.entities.permissions import Permission
from modelreg.errors import ExperimentNotFound, RegisteredModelNotFound
from modelreg.store.sql import events_store
from modelreg.store.sql.auth_tables import (
    api_tokens,
    experiment_permissions,
    registered_model_permissions,
    users,
)
from modelreg.store.sql.tables import experiments, registered_models
from modelreg.store.sql.transactions import TransactionalStore

__all__ = ["GRANT_TABLES", "SqlAuthStore", "SqlAuthTransaction"]

#: Each kind's grants table and the column there that names the resource.
GRANT_TABLES: dict[ResourceKind, tuple[sa.Table, sa.Column[int]]] = {
    "registered_model": (registered_model_permissions, registered_model_permissions.c.model_id),
    "experiment": (experiment_permissions, experiment_permissions.c.experiment_id),
}

_USER_COLUMNS = (users.c.id, users.c.username, users.c.is_admin, users.c.creation_time)
_TOKEN_COLUMNS = (
    api_tokens.c.id,
    users.c.username,
    api_tokens.c.name,
    api_tokens.c.creation_time,
)


_MAX_ID = 2**31 - 1


def _experiment_number(key: str) -> int | None:
    """The experiment id ``key`` names, or None when it cannot be one."""
    if key.isascii() and key.isdigit() and int(key) <= _MAX_ID:
        return int(key)
    return None


def _user(row: sa.Row[Any]) -> User:
    return User(int(row.id), row.username, bool(row.is_admin), int(row.creation_time))


def _token(row: sa.Row[Any]) -> ApiToken:
    return ApiToken(int(row.id), row.username, row.name, int(row.creation_time))


class SqlAuthStore(TransactionalStore["SqlAuthTransaction"]):
    """Users, tokens and grants over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__(engine, SqlAuthTransaction, counted=True)


class SqlAuthTransaction:
    """The queries of authentication, all on one connection inside one transaction."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    def _execute(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        return self.connection.execute(statement)

    def record_event(self, **values: Any) -> int:
        """Append an event to the audit log (see ``events_store.record_event``)."""
        return events_store.record_event(self.connection, **values)

    # -- users ---------------------------------------------------------------------------

    def insert_user(self, username: str, password_hash: str, is_admin: bool, now: int) -> User:
        """Create a user; raises if the name is taken."""
        query = (
            sa.insert(users)
            .values(
                username=username,
                password_hash=password_hash,
                is_admin=is_admin,
                creation_time=now,
            )
            .returning(*_USER_COLUMNS)
        )
        try:
            with self.connection.begin_nested():
                return _user(self._execute(query).one())
        except sa.exc.IntegrityError:
            raise UserAlreadyExists(username) from None

    def find_user(self, username: str) -> User | None:
        """The user called ``username``, or None."""
        row = self._execute(sa.select(*_USER_COLUMNS).where(users.c.username == username)).first()
        return None if row is None else _user(row)

    def user(self, username: str) -> User:
        """The user called ``username``; raises if there is none."""
        found = self.find_user(username)
        if found is None:
            raise UserNotFound(username)
        return found

    def password_hash(self, username: str) -> str | None:
        """The stored hash of the user's password, or None when there is no such user."""
        query = sa.select(users.c.password_hash).where(users.c.username == username)
        found: str | None = self._execute(query).scalar()
        return found

    def users(self) -> list[User]:
        """Every user, by name."""
        return [_user(row) for row in self._execute(sa.select(*_USER_COLUMNS).order_by("username"))]

    def update_user(self, username: str, **values: Any) -> None:
        """Set columns of a user (``password_hash``, ``is_admin``); raises if there is none."""
        query = sa.update(users).where(users.c.username == username).values(**values)
        if self._execute(query).rowcount == 0:
            raise UserNotFound(username)

    def delete_user(self, username: str) -> None:
        """Delete a user with their tokens and grants; raises if there is none."""
        if self._execute(sa.delete(users).where(users.c.username == username)).rowcount == 0:
            raise UserNotFound(username)

    def admin_count(self) -> int:
        """How many users are administrators."""
        query = sa.select(sa.func.count()).select_from(users).where(users.c.is_admin)
        return int(self._execute(query).scalar_one())

    # -- API tokens ----------------------------------------------------------------------

    def insert_token(self, user: User, name: str, token_hash: str, now: int) -> ApiToken:
        """Record a new token of ``user`` by its hash."""
        query = (
            sa.insert(api_tokens)
            .values(user_id=user.id, name=name, token_hash=token_hash, creation_time=now)
            .returning(api_tokens.c.id)
        )
        token_id = int(self._execute(query).scalar_one())
        return ApiToken(token_id, user.username, name, now)

    def user_of_token(self, token_hash: str) -> User | None:
        """The owner of the token with this hash, or None."""
        query = (
            sa.select(*_USER_COLUMNS)
            .join_from(api_tokens, users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_hash)
        )
        row = self._execute(query).first()
        return None if row is None else _user(row)

    def _tokens(self) -> sa.Select[Any]:
        return sa.select(*_TOKEN_COLUMNS).join_from(
            api_tokens, users, users.c.id == api_tokens.c.user_id
        )

    def tokens(self, username: str) -> list[ApiToken]:
        """A user's tokens, oldest first."""
        query = self._tokens().where(users.c.username == username).order_by(api_tokens.c.id)
        return [_token(row) for row in self._execute(query)]

    def token(self, token_id: int) -> ApiToken:
        """The token with this id; raises if there is none."""
        if not 0 < token_id <= _MAX_ID:  # no such id fits the column: never a database error
            raise TokenNotFound(token_id)
        row = self._execute(self._tokens().where(api_tokens.c.id == token_id)).first()
        if row is None:
            raise TokenNotFound(token_id)
        return _token(row)

    def delete_token(self, token_id: int) -> None:
        """Revoke a token: its hash is forgotten."""
        self._execute(sa.delete(api_tokens).where(api_tokens.c.id == token_id))

    # -- grants --------------------------------------------------------------------------

    def resource_id(self, kind: ResourceKind, key: str) -> int:
        """The id of the model named ``key`` or of the experiment ``key``; raises if none."""
        if kind == "registered_model":
            query = sa.select(registered_models.c.id).where(registered_models.c.name == key)
            missing: Exception = RegisteredModelNotFound(key)
        else:
            number = _experiment_number(key)
            query = sa.select(experiments.c.experiment_id).where(
                experiments.c.experiment_id == (-1 if number is None else number)
            )
            missing = ExperimentNotFound(experiment_id=key)
        found = self._execute(query).scalar()
        if found is None:
            raise missing
        return int(found)

    def permission(self, kind: ResourceKind, key: str, username: str) -> Permission | None:
        """The permission granted to ``username`` on the resource, or None."""
        table, owner = GRANT_TABLES[kind]
        query = sa.select(table.c.permission).join_from(table, users, users.c.id == table.c.user_id)
        if kind == "registered_model":
            query = query.join(registered_models, registered_models.c.id == owner).where(
                registered_models.c.name == key
            )
        elif (number := _experiment_number(key)) is not None:
            query = query.where(owner == number)
        else:
            return None
        found = self._execute(query.where(users.c.username == username)).scalar()
        return None if found is None else Permission(found)

    def grant(self, kind: ResourceKind, key: str, resource_id: int, user: User) -> Grant | None:
        """The grant of ``user`` on the resource with id ``resource_id`` (named ``key``)."""
        table, owner = GRANT_TABLES[kind]
        query = sa.select(table.c.permission).where(
            owner == resource_id, table.c.user_id == user.id
        )
        found = self._execute(query).scalar()
        if found is None:
            return None
        return Grant(kind, key, user.id, user.username, Permission(found))

    def insert_grant(self, grant: Grant, resource_id: int) -> None:
        """Record a new grant; raises if the user already holds one on the resource."""
        table, owner = GRANT_TABLES[grant.kind]
        values = {owner.name: resource_id, "user_id": grant.user_id, "permission": grant.permission}
        try:
            with self.connection.begin_nested():
                self._execute(sa.insert(table).values(values))
        except sa.exc.IntegrityError:
            raise GrantAlreadyExists(grant.kind, grant.key, grant.username) from None

    def update_grant(self, grant: Grant, resource_id: int) -> None:
        """Change the permission of an existing grant."""
        table, owner = GRANT_TABLES[grant.kind]
        query = (
            sa.update(table)
            .where(owner == resource_id, table.c.user_id == grant.user_id)
            .values(permission=grant.permission)
        )
        self._execute(query)

    def delete_grant(self, kind: ResourceKind, resource_id: int, user: User) -> None:
        """Remove the user's grant on the resource."""
        table, owner = GRANT_TABLES[kind]
        self._execute(sa.delete(table).where(owner == resource_id, table.c.user_id == user.id))

    def grants_of(self, user: User) -> list[Grant]:
        """Every grant the user holds: models by name, then experiments by id."""
        found: list[Grant] = []
        for kind, (table, owner) in GRANT_TABLES.items():
            query = sa.select(table.c.permission).where(table.c.user_id == user.id)
            if kind == "registered_model":
                key: sa.ColumnElement[Any] = registered_models.c.name
                query = query.join_from(table, registered_models, registered_models.c.id == owner)
            else:
                key = owner
            rows = self._execute(query.add_columns(key.label("key")).order_by(key))
            found += [
                Grant(kind, str(row.key), user.id, user.username, Permission(row.permission))
                for row in rows
            ]
        return found
