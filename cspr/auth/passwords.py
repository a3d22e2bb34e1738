"""Password hashing (Argon2) and the NCSC-style password policy: length and a deny-list."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when an email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against a stored hash, taking the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Say whether a stored hash uses weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the deny-list: the 30,000 most common passwords known to zxcvbn."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str = "", partnership: str = "") -> list[str]:
    """Return what is wrong with a proposed password, in plain English (empty when it is fine)."""
    if len(password) < MIN_LENGTH:
        return [f"Password must be {MIN_LENGTH} characters or more"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    lowered = password.lower()
    stripped = lowered.strip("0123456789!?.@#$%&*_- ")
    if lowered in common_passwords() or (stripped and stripped in common_passwords()):
        return ["That password is too common. Choose a password that is harder to guess"]
    if len(set(lowered)) < 4:
        return ["Password is too easy to guess. Do not repeat the same few characters"]
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return ["Password must not contain your email address"]
    if partnership and partnership.lower() in lowered:
        return ["Password must not contain the partnership's name"]
    return []


def one_time_password() -> str:
    """Return a random password for first sign-in, easy to read aloud and type."""
    words = [secrets.token_hex(2) for _ in range(4)]
    return "-".join(words)
