"""Roles, statutory partners and the decorators that guard routes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, request, url_for

ADMIN = "admin"
BUSINESS_UNIT = "business_unit"
PARTNER = "partner"
CHAIR = "chair"
AGENCY_USER = "agency_user"

ROLES: dict[str, str] = {
    ADMIN: "Administrator",
    BUSINESS_UNIT: "Business unit",
    PARTNER: "Statutory partner",
    CHAIR: "Independent chair",
    AGENCY_USER: "Agency staff",
}

# How a sentence names everyone holding a role, and everyone else in the reader's own role.
ROLE_GROUPS: dict[str, tuple[str, str]] = {
    ADMIN: ("administrators", "other administrators"),
    BUSINESS_UNIT: ("the business unit", "the rest of the business unit"),
    PARTNER: ("the statutory partners", "the other statutory partners"),
    CHAIR: ("the independent chair", "any other independent chair or scrutineer"),
    AGENCY_USER: ("agency staff", "other agency staff"),
}

PARTNERS: dict[str, str] = {
    "local_authority": "Local authority",
    "police": "Police",
    "icb": "Integrated care board",
}

F = TypeVar("F", bound=Callable[..., Any])


def role_names(roles: Iterable[str]) -> str:
    """Name roles for people, not by their ids: "Agency staff, Business unit"."""
    return ", ".join(ROLES.get(role, str(role)) for role in roles)


def current_user() -> dict[str, Any] | None:
    """Return the signed-in user for this request, or None."""
    return cast(dict[str, Any] | None, g.get("user"))


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only users holding one of the roles; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
