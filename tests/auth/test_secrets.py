"""Passwords (Argon2id), API tokens (random, kept as SHA-256) and session values (HMAC)."""

from __future__ import annotations

import hashlib

import pytest
from argon2 import PasswordHasher

from modelreg.auth import passwords
from modelreg.auth.errors import WeakPassword
from modelreg.auth.sessions import SessionSigner, SessionSubject
from modelreg.auth.tokens import TOKEN_PREFIX, new_token, token_hash

NOW = 1_700_000_000_000


def test_a_password_verifies_against_its_hash_and_no_other() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse battery ")
    assert not passwords.verify_password("not a hash", "correct horse battery")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert passwords.hash_password("same password") != passwords.hash_password("same password")


@pytest.mark.parametrize("weak", ["", "short", "x" * 1025])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassword):
        passwords.hash_password(weak)


def test_hashes_made_with_weaker_parameters_need_rehashing() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("some password")
    assert passwords.verify_password(weak, "some password")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("some password"))


def test_the_fingerprint_changes_with_the_password_hash() -> None:
    first = passwords.hash_password("first password")
    second = passwords.hash_password("second password")
    assert passwords.fingerprint(first) == passwords.fingerprint(first)
    assert passwords.fingerprint(first) != passwords.fingerprint(second)


def test_tokens_are_prefixed_random_and_stored_as_sha256() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) == len(TOKEN_PREFIX) + 43
    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token not in token_hash(token)


def test_a_session_value_reads_back_as_its_subject() -> None:
    signer = SessionSigner("key")
    subject = SessionSubject("alice", "f" * 32)
    assert signer.read(signer.sign(subject, NOW), NOW + 1000) == subject


def test_forged_foreign_or_expired_session_values_read_as_nothing() -> None:
    signer = SessionSigner("key", max_age_ms=60_000)
    value = signer.sign(SessionSubject("alice", "f" * 32), NOW)
    payload, _, signature = value.partition(".")
    forged = SessionSigner("key").sign(SessionSubject("admin", "f" * 32), NOW).split(".")[0]
    assert signer.read(f"{forged}.{signature}", NOW) is None
    assert signer.read(f"{payload}.{signature[:-2]}", NOW) is None
    assert SessionSigner("another key").read(value, NOW) is None
    assert signer.read(value, NOW + 60_001) is None
    assert signer.read(value, NOW - 1) is None
    for garbage in (None, "", ".", "abc", "a.b.c"):
        assert signer.read(garbage, NOW) is None
