"""Say in words who may see a sent form, worked out from the access rule itself (can_see)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from cspr.auth.roles import ROLE_GROUPS, ROLES
from cspr.formengine.operations import can_see

# Stand-ins for "someone else": ids no account or agency ever has (ours are random tokens).
SOMEONE_ELSE = "\0someone-else"
ANOTHER_AGENCY = "\0another-agency"


def and_list(parts: list[str]) -> str:
    """Join phrases as English does: "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def _someone(role: str, agency_id: str | None) -> dict[str, Any]:
    """Make a stand-in account of a role, in an agency, that did not send the form."""
    return {"id": SOMEONE_ELSE, "role": role, "agency_id": agency_id, "name": ""}


def roles_that_see(sent: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return (roles whose every member sees the form, roles that see it in its agency only)."""
    everyone, same_agency = [], []
    for role in ROLES:
        if can_see(_someone(role, ANOTHER_AGENCY), sent):
            everyone.append(role)
        elif sent.get("agency_id") and can_see(_someone(role, sent["agency_id"]), sent):
            same_agency.append(role)
    return everyone, same_agency


def who_can_see(
    sender: dict[str, Any], sent: dict[str, Any], case_team: Collection[str] = ()
) -> str:
    """Say who may now see a form the sender sent; case_team: the roles working on its case."""
    everyone, same_agency = roles_that_see(sent)

    def name(role: str) -> str:
        whole, rest = ROLE_GROUPS[role]
        return rest if role == sender["role"] else whole

    groups = ["you"]
    for role in same_agency:
        if role == sender["role"] and sent.get("agency_id") == sender.get("agency_id"):
            groups.append("colleagues in your agency")
        else:
            groups.append(f"{name(role)} in the agency that sent it")
    team = [role for role in everyone if role in case_team]
    if team and len(team) == len(set(case_team)):
        groups.append(f"everyone working on the case ({and_list([name(r) for r in team])})")
        everyone = [role for role in everyone if role not in team]
    groups += [name(role) for role in everyone]
    if len(groups) == 1:
        return "Only you can see it."
    text = and_list(groups)
    return f"{text[0].upper()}{text[1:]} can now see it."
