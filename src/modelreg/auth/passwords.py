"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile).

Hashes are PHC strings that carry their own parameters and salt, so stronger parameters can
be introduced later: :func:`needs_rehash` tells when a stored hash should be replaced at the
next successful login. Each function takes the hasher to use (``STANDARD`` by default), so
tests can trade strength for speed.
"""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from modelreg.auth.errors import WeakPassword

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "STANDARD",
    "checked_password",
    "fingerprint",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 8
#: Beyond this a password is more likely a pasted file than a secret (and hashing it costs).
MAX_PASSWORD_LENGTH = 1024

#: argon2-cffi's defaults: RFC 9106's low-memory profile (t=3, m=64 MiB, p=4).
STANDARD = PasswordHasher()


def checked_password(password: object) -> str:
    """``password``, if it is long enough to be worth hashing; else WeakPassword."""
    if not isinstance(password, str) or not password:
        raise WeakPassword("a password is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"use at most {MAX_PASSWORD_LENGTH} characters")
    return password


def hash_password(password: str, hasher: PasswordHasher = STANDARD) -> str:
    """The Argon2id hash of a checked password."""
    return hasher.hash(checked_password(password))


def verify_password(password_hash: str, password: str, hasher: PasswordHasher = STANDARD) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, hasher: PasswordHasher = STANDARD) -> bool:
    """Whether the hash was made with other parameters than the hasher's."""
    return hasher.check_needs_rehash(password_hash)


def fingerprint(password_hash: str) -> str:
    """A short digest of a password hash: a login session is bound to it, so changing the
    password ends the sessions opened with the old one."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]
