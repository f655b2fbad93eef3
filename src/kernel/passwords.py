"""Password hashing with Argon2id."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_PASSWORD_LENGTH = 8
# Hashing cost grows with length; no one types more, so longer input is refused unhashed.
MAX_PASSWORD_LENGTH = 256


def _hasher() -> PasswordHasher:
    params = current_app.config.get("PASSWORD_HASH_PARAMS", {}) if has_app_context() else {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def hash_passwords(passwords: Sequence[str]) -> list[str]:
    """Hash many passwords (an import) on every core: argon2 is slow on purpose, and it
    releases the GIL while it works, so threads run side by side."""
    hasher = _hasher()  # read the app's settings here: the threads have no app context
    if len(passwords) < 2:
        return [hasher.hash(password) for password in passwords]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(hasher.hash, passwords))


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    return None
