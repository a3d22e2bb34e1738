"""Invited contributors: agency staff without an account, asked in by the business unit.

The business unit invites a person by email to a named agency, for one information request.
An account is made for them as staff of that agency, and the email carries a single-use link
that expires after 7 days, to choose a password. As with password reset links (see
mail/password_reset.py), the link's token is random, only its hash is stored, and the token
itself waits in this process's memory (mail/held_links.py) until the email is sent once: a
copy of the data directory, secret key included, holds nothing that makes a working link.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from cspr import audit
from cspr.auth.operations import (
    EMAIL_PATTERN,
    USERS,
    create_user,
    normalise_email,
)
from cspr.auth.roles import AGENCY_USER
from cspr.casework import clock
from cspr.exceptions import Refused
from cspr.mail import bodies, held_links, outbox
from cspr.mail.notify import absolute_url, base_values
from cspr.mail.password_reset import hash_new_password, set_password_from_link, token_hash
from cspr.requests import notices, operations, records
from cspr.storage import NotFound, get_store, transactional, within_transaction
from cspr.timeutil import UK

INVITATIONS = "contributor_invitations"
KIND = "contributor_invitation"
LINK_PLACEHOLDER = "[invitation link]"
VALID_DAYS = 7
MAX_NAME = 120


class _Spent(Exception):
    """The link was used, replaced or expired while we looked."""


def link_for(token: str) -> str:
    """Return the full invitation link for a token, for the sender to put in the email."""
    return absolute_url("requests.use_invitation", token=token)


def _expiry_text(expires_at: float) -> str:
    """Write when a link stops working, in UK time, like 14:35 on Tuesday 5 January 2027."""
    moment = datetime.fromtimestamp(expires_at, UTC).astimezone(UK)
    return f"{moment:%H:%M} on {clock.long_date(moment.date())}"


def _pending(user_id: str) -> list[dict[str, Any]]:
    """Return a person's invitations that have not been used or replaced."""
    return get_store().find(INVITATIONS, where={"user_id": user_id, "used_at": None})


def accepted(user_id: str) -> bool:
    """Say whether a person has ever chosen a password through an invitation."""
    return bool(get_store().find(INVITATIONS, predicate=lambda i: i["user_id"] == user_id
                                 and i.get("outcome") == "accepted", limit=1))  # fmt: skip


def invited_not_accepted(user: dict[str, Any]) -> bool:
    """Say whether an account was made by invitation and its owner has not yet come in."""
    found = get_store().find(INVITATIONS, where={"user_id": user["id"]}, limit=1)
    return bool(found) and not accepted(user["id"])


Invitee = tuple[str, str, dict[str, Any] | None]


def check_invitee(request: dict[str, Any], email: str, name: str) -> Invitee:
    """Check who is being invited to a request; return email, name and any existing account."""
    email = normalise_email(email)
    if not email:
        raise Refused("Enter the email address of the person to invite", "invite_email")
    if not EMAIL_PATTERN.match(email):
        raise Refused("Enter an email address in the correct format, like name@example.org",
                      "invite_email")  # fmt: skip
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise Refused(f"The name must be {MAX_NAME} characters or fewer", "invite_name")
    existing = get_store().find_one(USERS, {"email": email})
    if existing is not None and not (
        existing["role"] == AGENCY_USER and existing.get("agency_id") == request["agency_id"]
    ):
        raise Refused(f"{email} already has an account that is not staff of "
                      f"{request['agency_name']}. Ask an administrator",
                      "invite_email")  # fmt: skip
    return email, name, existing


def invite(actor: dict[str, Any], request_id: str, email: str, name: str) -> tuple[
        dict[str, Any], str | None]:  # fmt: skip
    """Invite someone to answer a request for their agency; return them and the email's id.

    A new person gets an account at the agency and an invitation link. Someone invited before
    who has not come in yet gets a new link (the old one stops working). Someone who already
    uses the toolkit for that agency is simply made a contact and sent the request.
    """
    operations.require_business_unit(actor)
    request = operations.get_for_case_team(actor, request_id, action="")
    email, name, existing = check_invitee(request, email, name)
    if existing is None:
        # The password made here is never shown: the person chooses their own through the link.
        existing, _ = create_user(None, email, AGENCY_USER, name or email, request["agency_id"])
    elif not invited_not_accepted(existing):
        with get_store().transaction():
            operations.add_contact(actor, request_id, existing["id"],
                                   f"{existing['name']} added as a contact")  # fmt: skip
            updated = get_store().get(records.REQUESTS, request_id) or request
            notices.tell_contacts(updated, [existing["id"]])
        return existing, None
    return existing, _issue(actor, request_id, existing)


@transactional
def _issue(actor: dict[str, Any], request_id: str, user: dict[str, Any]) -> str:
    """Record an invitation, make the person a contact and queue the email with its link."""
    store = get_store()
    request = operations.add_contact(actor, request_id, user["id"],
                                     f"{user['name']} invited to contribute")  # fmt: skip
    for earlier in _pending(user["id"]):
        store.update(INVITATIONS, earlier["id"], {"used_at": time.time(), "outcome": "replaced"})
    token = secrets.token_urlsafe(32)
    expires_at = time.time() + VALID_DAYS * 24 * 3600
    store.insert(INVITATIONS, {
        "id": token_hash(token), "user_id": user["id"], "agency_id": request["agency_id"],
        "request_id": request_id, "invited_by": actor["id"], "expires_at": expires_at,
        "used_at": None, "outcome": None,
    })  # fmt: skip
    audit.record("invite", "user", user["id"],
                 {"email": user["email"], "agency": request["agency_name"],
                  "request": request_id}, user=actor)  # fmt: skip
    recipient = outbox.Recipient(user["id"], user["email"], user.get("name") or user["email"])
    values = {**base_values(recipient), "reference": request["reference"],
              "link": LINK_PLACEHOLDER, "deadline": _expiry_text(expires_at)}  # fmt: skip
    subject, body = bodies.compose(KIND, values)
    # Held before it is queued, so this process's sender, woken by the queuing, finds it.
    message_id = "m-" + secrets.token_hex(20)
    held_links.hold(message_id, token, expires_at)
    try:
        outbox.queue(recipient, KIND, subject, body, reference=request["reference"],
                     link_held_until=expires_at, message_id=message_id)  # fmt: skip
    except Exception:
        held_links.forget(message_id)
        raise
    return message_id


# --- Using the link -------------------------------------------------------------------------


def user_for_token(token: str) -> dict[str, Any] | None:
    """Return the account an invitation link is for, if the link can still be used."""
    if not token or len(token) > 200:
        return None
    record = get_store().get(INVITATIONS, token_hash(token))
    if record is None or record.get("used_at") or float(record["expires_at"]) <= time.time():
        return None
    user = get_store().get(USERS, record["user_id"])
    if user is None or user.get("disabled"):
        return None
    return user


def accept(token: str, new: str, confirm: str) -> dict[str, Any]:
    """Choose a password through an invitation link, spending the link."""
    user = user_for_token(token)
    if user is None:
        raise Refused("This invitation link has expired or has already been used", "new_password")
    hashed = hash_new_password(user, new, confirm)  # slow: before the lock
    with get_store().transaction():
        _finish(token, user, hashed)
    return user


@within_transaction
def _finish(token: str, user: dict[str, Any], hashed: str) -> None:
    """Spend the link and set the password (in the caller's transaction)."""

    def use(record: dict[str, Any]) -> dict[str, Any]:
        if record.get("used_at") or float(record["expires_at"]) <= time.time():
            raise _Spent
        record.update(used_at=time.time(), outcome="accepted")
        return record

    store = get_store()
    try:
        store.update(INVITATIONS, token_hash(token), use)
    except (_Spent, NotFound):
        raise Refused("This invitation link has expired or has already been used",
                      "new_password") from None  # fmt: skip
    set_password_from_link(user, hashed)
    audit.record("accept_invitation", "user", user["id"], user=user)
