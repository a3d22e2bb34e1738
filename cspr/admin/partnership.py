"""The partnership's details that letters use: its name, postal address, contact email and
phone, and the named contact for families.

An administrator sets them on the Partnership details page (under Settings); until then the
name comes from the server's CSPR_PARTNERSHIP_NAME. A letter to a family always says who the
family can contact and how, so family letters need the contact for families to be set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from cspr import audit
from cspr.auth.roles import ADMIN
from cspr.exceptions import Forbidden, Refused
from cspr.formengine.fieldtypes.parts import POSTCODE_PATTERN, normalise_postcode
from cspr.formengine.fieldtypes.text import EMAIL_MAX_LENGTH, EMAIL_PATTERN, PHONE_PATTERN
from cspr.storage import get_store, transactional

SETTING = "partnership.details"
ADDRESS_PARTS = ("line1", "line2", "town", "county", "postcode")
CONTACT_PARTS = ("name", "role", "email", "phone")
MAX_TEXT = 120
# Every value the page takes, by the name of its box.
FIELDS = ("name", *(f"address_{p}" for p in ADDRESS_PARTS), "email", "phone",
          *(f"contact_{p}" for p in CONTACT_PARTS))  # fmt: skip


@dataclass(frozen=True)
class Details:
    """The partnership's details as letters use them."""

    name: str
    address: dict[str, str] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    family_contact: dict[str, str] = field(default_factory=dict)

    @property
    def address_lines(self) -> list[str]:
        """Return the postal address a line each, leaving out empty parts."""
        return [self.address[p] for p in ADDRESS_PARTS if self.address.get(p)]

    @property
    def family_contact_set(self) -> bool:
        """Say whether a family can be told who to contact, and how."""
        contact = self.family_contact
        return bool(contact.get("name") and (contact.get("email") or contact.get("phone")))

    def values(self) -> dict[str, str]:
        """Return the details by the name of each box on the page."""
        found = {"name": self.name, "email": self.email, "phone": self.phone}
        found |= {f"address_{p}": self.address.get(p, "") for p in ADDRESS_PARTS}
        found |= {f"contact_{p}": self.family_contact.get(p, "") for p in CONTACT_PARTS}
        return found


class DetailsRefused(Refused):
    """The details were not saved; every problem is named, each by the box it is about."""

    def __init__(self, problems: dict[str, str]) -> None:
        first = next(iter(problems))
        super().__init__(problems[first], first)
        self.problems = problems


def details() -> Details:
    """Return the partnership's details: as an administrator set them, or from the server."""
    stored = get_store().get_setting(SETTING)
    if not isinstance(stored, dict):
        return Details(name=str(current_app.config["PARTNERSHIP_NAME"]))
    return Details(
        name=str(stored.get("name") or current_app.config["PARTNERSHIP_NAME"]),
        address=dict(stored.get("address") or {}),
        email=str(stored.get("email") or ""),
        phone=str(stored.get("phone") or ""),
        family_contact=dict(stored.get("family_contact") or {}),
    )


def _tidy(values: dict[str, Any]) -> dict[str, str]:
    """Trim every value and close up runs of spaces; a postcode is written the usual way."""
    tidy = {name: " ".join(str(values.get(name) or "").split()) for name in FIELDS}
    if tidy["address_postcode"]:
        tidy["address_postcode"] = normalise_postcode(tidy["address_postcode"])
    return tidy


def problems(values: dict[str, str]) -> dict[str, str]:
    """Say what is wrong with tidied details, each problem by the box it is about."""
    found: dict[str, str] = {}
    if not values["name"]:
        found["name"] = "Enter the partnership's name"
    for name, value in values.items():
        if len(value) > MAX_TEXT and name not in ("email", "contact_email"):
            found.setdefault(name, f"This must be {MAX_TEXT} characters or fewer")
    if any(values[f"address_{p}"] for p in ADDRESS_PARTS):
        for part, message in (("line1", "Enter the first line of the address"),
                              ("town", "Enter the town or city"),
                              ("postcode", "Enter the postcode")):  # fmt: skip
            if not values[f"address_{part}"]:
                found.setdefault(f"address_{part}", message)
    postcode = values["address_postcode"]
    if postcode and not re.search(POSTCODE_PATTERN, postcode):
        found.setdefault("address_postcode", "Enter a real postcode, like EY1 2AB")
    contact = any(values[f"contact_{p}"] for p in CONTACT_PARTS)
    if contact and not values["contact_name"]:
        found["contact_name"] = "Enter the name of the person families can contact"
    if contact and not values["contact_role"]:
        found["contact_role"] = "Enter the job title of the person families can contact"
    if contact and not (values["contact_email"] or values["contact_phone"]):
        found["contact_email"] = ("Enter an email address or a telephone number for the person "
                                  "families can contact")  # fmt: skip
    for box in ("email", "contact_email"):
        value = values[box]
        if value and (len(value) > EMAIL_MAX_LENGTH or not re.search(EMAIL_PATTERN, value)):
            found.setdefault(box, "Enter an email address in the right format, like "
                                  "name@example.org")  # fmt: skip
    for box in ("phone", "contact_phone"):
        if values[box] and not re.search(PHONE_PATTERN, values[box]):
            found.setdefault(box, "Enter a telephone number, like 01632 960 001")
    return found


@transactional
def save(actor: dict[str, Any] | None, values: dict[str, Any]) -> Details:
    """Save the partnership's details (an administrator; None is the demo), audited."""
    if actor is not None and actor.get("role") != ADMIN:
        raise Forbidden("Only administrators can change the partnership's details")
    tidy = _tidy(values)
    found = problems(tidy)
    if found:
        raise DetailsRefused(found)
    before = details().values()
    record = {
        "name": tidy["name"],
        "address": {p: tidy[f"address_{p}"] for p in ADDRESS_PARTS if tidy[f"address_{p}"]},
        "email": tidy["email"],
        "phone": tidy["phone"],
        "family_contact": {p: tidy[f"contact_{p}"] for p in CONTACT_PARTS
                           if tidy[f"contact_{p}"]},  # fmt: skip
    }
    get_store().set_setting(SETTING, record)
    changed = sorted(name for name in FIELDS if before.get(name, "") != tidy[name])
    audit.record("update", "settings", "partnership", {"changed": changed}, user=actor)
    return details()
