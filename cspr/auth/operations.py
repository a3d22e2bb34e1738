"""The verbs of accounts: sign in, create and change users, passwords and agencies."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

from cspr import audit
from cspr.auth import passwords, sessions
from cspr.auth.roles import ADMIN, AGENCY_USER, PARTNER, PARTNERS, ROLES
from cspr.exceptions import Forbidden, Refused
from cspr.storage import NotFound, get_store, transactional, within_transaction

USERS = "users"
AGENCIES = "agencies"
ATTEMPTS = "sign_in_attempts"
SIGN_IN_FAILED = "Enter a correct email address and password"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalise_email(email: str) -> str:
    """Return an email address trimmed and in lower case, as accounts are keyed."""
    return email.strip().lower()


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    """Return a user without the password hash, for display."""
    return {key: value for key, value in user.items() if key != "password_hash"}


def _require_admin(actor: dict[str, Any] | None) -> None:
    """Refuse anyone but an admin; None means the server's own command line."""
    if actor is not None and actor.get("role") != ADMIN:
        raise Forbidden("Only administrators can manage accounts")


# --- Sign-in -------------------------------------------------------------------------------


def _attempt_key(email: str) -> str:
    """Key failures by a hash of the email, so unknown emails lock out the same way as real ones."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def _lockout_message(locked_until: str) -> str:
    """Explain a lock-out and when it ends."""
    minutes = current_app.config["LOCKOUT_MINUTES"]
    return (
        "You have entered incorrect details too many times. "
        f"Try again in {minutes} minutes, or ask an administrator to reset your password"
    )


@transactional
def _record_failure(email: str) -> None:
    """Count a failed sign-in and lock the email out after too many."""
    store = get_store()
    key = _attempt_key(email)
    limit = int(current_app.config["LOGIN_MAX_FAILURES"])
    minutes = int(current_app.config["LOCKOUT_MINUTES"])

    def bump(record: dict[str, Any]) -> dict[str, Any]:
        record["failures"] = int(record.get("failures", 0)) + 1
        if record["failures"] >= limit:
            until = datetime.now(UTC) + timedelta(minutes=minutes)
            record["locked_until"] = until.isoformat(timespec="seconds")
            record["failures"] = 0
        return record

    current = store.get(ATTEMPTS, key)
    if current is None:
        updated = store.insert(ATTEMPTS, bump({"id": key, "failures": 0}))
    else:
        updated = store.update(ATTEMPTS, key, bump(current))
    if updated.get("locked_until") and updated.get("failures") == 0:
        audit.record("sign_in_locked_out", "account", details={"email": email})


def locked_until(email: str) -> str | None:
    """Return when the email's lock-out ends, or None if it is not locked out."""
    record = get_store().get(ATTEMPTS, _attempt_key(email))
    if not record or not record.get("locked_until"):
        return None
    if datetime.fromisoformat(record["locked_until"]) <= datetime.now(UTC):
        return None
    return str(record["locked_until"])


@transactional
def clear_failures(email: str) -> None:
    """Forget failed sign-ins for the email."""
    store = get_store()
    key = _attempt_key(email)
    if store.get(ATTEMPTS, key) is not None:
        store.delete(ATTEMPTS, key)


def sign_in(email: str, password: str, client: str, user_agent: str) -> dict[str, Any]:
    """Check the credentials and start a session; raise Refused with a plain reason."""
    email = normalise_email(email)
    until = locked_until(email)
    if until:
        raise Refused(_lockout_message(until), field="email")
    store = get_store()
    user = store.find_one(USERS, {"email": email})
    usable = user is not None and not user.get("disabled")
    stored_hash = user.get("password_hash") if usable and user else None
    # The password is checked (slowly, by design) outside the store's lock; the sign-in then
    # goes ahead only if the account is as it was when checked.
    if not passwords.verify_password(stored_hash, password) or user is None:
        _failed(email)
        raise Refused(SIGN_IN_FAILED, field="email")
    changes: dict[str, Any] = {"last_sign_in_at": now_iso()}
    if passwords.needs_rehash(user["password_hash"]):
        changes["password_hash"] = passwords.hash_password(password)
    return _signed_in(user, changes, client, user_agent)


@transactional
def _failed(email: str) -> None:
    """Count and audit a failed sign-in."""
    _record_failure(email)
    audit.record("sign_in_failed", "account", details={"email": email})


@transactional
def _signed_in(checked: dict[str, Any], changes: dict[str, Any], client: str,
               user_agent: str) -> dict[str, Any]:  # fmt: skip
    """Start the session of an account whose password was just checked, if it is unchanged."""
    store = get_store()
    user = store.get(USERS, checked["id"])
    if user is None or user.get("disabled") or user["password_hash"] != checked["password_hash"]:
        raise Refused(SIGN_IN_FAILED, field="email")
    clear_failures(user["email"])
    user = store.update(USERS, user["id"], changes)
    sessions.start(user, client, user_agent)
    audit.record("sign_in", "account", user["id"], user=user)
    return user


def sign_out(user: dict[str, Any] | None) -> None:
    """End the current session."""
    sessions.end()
    if user:
        audit.record("sign_out", "account", user["id"], user=user)


# --- Users ---------------------------------------------------------------------------------


def _check_role_fields(role: str, agency_id: str | None, partner: str | None) -> dict[str, Any]:
    """Validate a role with its agency or statutory partner and return the fields to store."""
    if role not in ROLES:
        raise Refused("Select a role", field="role")
    fields: dict[str, Any] = {"role": role, "agency_id": None, "partner": None}
    if role == AGENCY_USER:
        if not agency_id:
            raise Refused("Select the agency this person works for", field="agency_id")
        agency = get_store().get(AGENCIES, agency_id)
        if agency is None or not agency.get("active", True):
            raise Refused("Select an agency from the list", field="agency_id")
        fields["agency_id"] = agency_id
    if role == PARTNER:
        if partner not in PARTNERS:
            raise Refused("Select which statutory partner this person represents", field="partner")
        fields["partner"] = partner
    return fields


def create_user(
    actor: dict[str, Any] | None,
    email: str,
    role: str,
    name: str = "",
    agency_id: str | None = None,
    partner: str | None = None,
    password: str | None = None,
) -> tuple[dict[str, Any], str | None]:
    """Create an account; return it and the one-time password when none was given."""
    _require_admin(actor)
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise Refused(
            "Enter an email address in the correct format, like name@example.org", "email"
        )
    one_time = None
    if password is None:
        one_time = passwords.one_time_password()
    else:
        problems = passwords.password_problems(
            password, email, current_app.config["PARTNERSHIP_NAME"]
        )
        if problems:
            raise Refused(problems[0], field="password")
    hashed = passwords.hash_password(password or one_time or "")  # slow: before the lock
    with get_store().transaction():
        store = get_store()
        if store.find_one(USERS, {"email": email}) is not None:
            raise Refused("An account with this email address already exists", field="email")
        fields = _check_role_fields(role, agency_id, partner)
        user = store.insert(
            USERS,
            {
                "email": email,
                "name": name.strip() or email,
                **fields,
                "password_hash": hashed,
                "must_change_password": one_time is not None,
                "disabled": False,
            },
        )
        details = {"email": email, "role": role}
        audit.record("create", "user", user["id"], details=details, user=actor)
    return public_user(user), one_time


def update_user(
    actor: dict[str, Any],
    user_id: str,
    role: str,
    name: str,
    agency_id: str | None = None,
    partner: str | None = None,
) -> dict[str, Any]:
    """Change a user's name, role, agency or statutory partner."""
    _require_admin(actor)
    with get_store().transaction():
        return _update_user(actor, user_id, role, name, agency_id, partner)


@within_transaction
def _update_user(actor: dict[str, Any], user_id: str, role: str, name: str,
                 agency_id: str | None, partner: str | None) -> dict[str, Any]:  # fmt: skip
    """Change a user's details (in the caller's transaction)."""
    store = get_store()
    user = store.get(USERS, user_id)
    if user is None:
        raise NotFound(user_id)
    fields = _check_role_fields(role, agency_id, partner)
    if user["id"] == actor["id"] and role != ADMIN:
        raise Refused("You cannot remove your own administrator role", field="role")
    if user["role"] == ADMIN and role != ADMIN and _active_admins(store) <= 1:
        raise Refused("There must be at least one active administrator", field="role")
    updated = store.update(USERS, user_id, {**fields, "name": name.strip() or user["email"]})
    changed = {k: v for k, v in fields.items() if user.get(k) != v}
    audit.record("update", "user", user_id, details={"changed": changed}, user=actor)
    return public_user(updated)


def _active_admins(store: Any) -> int:
    """Count administrators who can still sign in."""
    return int(store.count(USERS, {"role": ADMIN, "disabled": False}))


@transactional
def set_disabled(actor: dict[str, Any], user_id: str, disabled: bool) -> dict[str, Any]:
    """Disable or re-enable an account; disabling signs it out everywhere."""
    _require_admin(actor)
    store = get_store()
    user = store.get(USERS, user_id)
    if user is None:
        raise NotFound(user_id)
    if disabled and user["id"] == actor["id"]:
        raise Refused("You cannot disable your own account")
    if disabled and user["role"] == ADMIN and _active_admins(store) <= 1:
        raise Refused("There must be at least one active administrator")
    updated = store.update(USERS, user_id, {"disabled": disabled})
    if disabled:
        sessions.end_all(user_id)
    audit.record("disable" if disabled else "enable", "user", user_id, user=actor)
    return public_user(updated)


def reset_password(actor: dict[str, Any] | None, user_id: str) -> str:
    """Give the user a new one-time password and sign them out everywhere; return it."""
    _require_admin(actor)
    one_time = passwords.one_time_password()
    hashed = passwords.hash_password(one_time)  # slow: before the lock
    with get_store().transaction():
        store = get_store()
        user = store.get(USERS, user_id)
        if user is None:
            raise NotFound(user_id)
        store.update(USERS, user_id, {"password_hash": hashed, "must_change_password": True})
        ended = sessions.end_all(user_id)
        clear_failures(user["email"])
        details = {"sessions_ended": ended}
        audit.record("reset_password", "user", user_id, details=details, user=actor)
    return one_time


def change_password(user: dict[str, Any], current: str, new: str, confirm: str) -> None:
    """Change the user's own password after checking the current one."""
    stored = get_user_record(user["id"])  # checked slowly here, compared again under the lock
    if not passwords.verify_password(stored["password_hash"], current):
        raise Refused("Your current password is not correct", field="current_password")
    problems = passwords.password_problems(
        new, stored["email"], current_app.config["PARTNERSHIP_NAME"]
    )
    if problems:
        raise Refused(problems[0], field="new_password")
    if new != confirm:
        raise Refused("The passwords do not match", field="confirm_password")
    if passwords.verify_password(stored["password_hash"], new):
        raise Refused("Your new password must be different from your current one", "new_password")
    hashed = passwords.hash_password(new)  # slow: before the lock
    with get_store().transaction():
        store = get_store()
        again = store.get(USERS, user["id"])
        if again is None or again["password_hash"] != stored["password_hash"]:
            raise Refused("Your password was changed somewhere else just now. Sign in again and "
                          "try once more", field="current_password")  # fmt: skip
        store.update(USERS, user["id"], {"password_hash": hashed, "must_change_password": False})
        # Whoever else is signed in as this person, perhaps with the old password, is signed out.
        ended = sessions.end_all(user["id"], keep_current=True)
        audit.record("change_password", "user", user["id"], {"sessions_ended": ended}, user=user)


def get_user_record(user_id: str) -> dict[str, Any]:
    """Return an account as stored, password hash included (for checks in this module)."""
    stored = get_store().get(USERS, user_id)
    if stored is None:
        raise NotFound(user_id)
    return stored


def list_users() -> list[dict[str, Any]]:
    """Return every account without password hashes, sorted by email."""
    return [public_user(u) for u in get_store().find(USERS, order_by="email")]


def get_user(user_id: str) -> dict[str, Any] | None:
    """Return one account without its password hash."""
    user = get_store().get(USERS, user_id)
    return public_user(user) if user else None


def has_admin() -> bool:
    """Say whether any administrator account exists."""
    return get_store().count(USERS, {"role": ADMIN}) > 0
