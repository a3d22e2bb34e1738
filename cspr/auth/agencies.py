"""The managed list of agencies whose staff refer cases and fill in forms."""

from __future__ import annotations

from typing import Any

from cspr import audit
from cspr.auth.operations import AGENCIES, _require_admin
from cspr.exceptions import Refused
from cspr.storage import NotFound, get_store, transactional

MAX_NAME = 120


def list_agencies(active_only: bool = False) -> list[dict[str, Any]]:
    """Return the agencies sorted by name."""
    where = {"active": True} if active_only else None
    return get_store().find(AGENCIES, where=where, order_by="name_key")


def _clean_name(name: str, ignore_id: str | None = None) -> str:
    """Check an agency name is present, not too long and not already used."""
    name = " ".join(name.split())
    if not name:
        raise Refused("Enter the agency's name", field="name")
    if len(name) > MAX_NAME:
        raise Refused(f"Agency name must be {MAX_NAME} characters or fewer", field="name")
    existing = get_store().find_one(AGENCIES, {"name_key": name.lower()})
    if existing and existing["id"] != ignore_id:
        raise Refused("There is already an agency with this name", field="name")
    return name


@transactional
def add_agency(actor: dict[str, Any] | None, name: str) -> dict[str, Any]:
    """Add an agency to the list."""
    _require_admin(actor)
    name = _clean_name(name)
    agency = get_store().insert(AGENCIES, {"name": name, "name_key": name.lower(), "active": True})
    audit.record("create", "agency", agency["id"], details={"name": name}, user=actor)
    return agency


@transactional
def set_agency_active(actor: dict[str, Any], agency_id: str, active: bool) -> dict[str, Any]:
    """Retire an agency from the list, or bring it back; its records are kept."""
    _require_admin(actor)
    if get_store().get(AGENCIES, agency_id) is None:
        raise NotFound(agency_id)
    agency = get_store().update(AGENCIES, agency_id, {"active": active})
    audit.record("enable" if active else "disable", "agency", agency_id, user=actor)
    return agency


def find_agency_by_name(name: str) -> dict[str, Any] | None:
    """Return the agency with this name, ignoring case."""
    return get_store().find_one(AGENCIES, {"name_key": " ".join(name.split()).lower()})


def agency_names() -> dict[str, str]:
    """Map agency ids to names, for display."""
    return {a["id"]: a["name"] for a in list_agencies()}
