"""Error pages in the GOV.UK style, with no stack trace shown to users."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from cspr.auth.roles import ADMIN, AGENCY_USER, ROLES, current_user

MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        "Sorry, there is a problem with your request",
        "The page could not process what was sent. Go back, reload the page and try again.",
    ),
    403: (
        "You do not have permission to see this page",
        "If you think you should have access, ask your partnership's administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you "
        "copied the entire address.",
    ),
    405: ("Sorry, that action is not allowed here", "Go back and use the buttons on the page."),
    413: (
        "The file or form you sent is too large",
        "Go back and send a smaller file. Files must be {limit} MB or smaller.",
    ),
    429: (
        "Too many attempts",
        "You have tried this too many times in a short while. Wait a few minutes, then try again.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Anything you had already saved has been kept.",
    ),
}


# A refusal worded for the reader's role. Administrators are kept from case data by design,
# so asking an administrator would be no help to them; agency staff ask the business unit.
ADMIN_FORBIDDEN = (
    "Administrators do not see cases, forms sent by others, or exports. This is by design: "
    "children's details stay with the people working on the cases.",
    "You can manage accounts, agencies, forms, document templates, email and settings, and "
    "read the audit trail. If you also work on cases, sign in with a separate account that has "
    "that role.",
)
FORBIDDEN = "Your account has the {role} role, and this page is for another role."
WHO_TO_ASK: dict[str, str] = {
    AGENCY_USER: "If you need to know more about a referral your agency made, contact the "
    "partnership's business unit.",
}
ASK_ADMIN = "If you need this page for your work, ask your partnership's administrator."


def forbidden_message() -> tuple[str, str | None]:
    """Word the 'no permission' page for the signed-in user's role: (why, what next)."""
    user = current_user()
    if user is None:
        return MESSAGES[403][1], None
    role = str(user.get("role"))
    if role == ADMIN:
        return ADMIN_FORBIDDEN
    why = FORBIDDEN.format(role=ROLES.get(role, "another").lower())
    return why, WHO_TO_ASK.get(role, ASK_ADMIN)


def render_error(status: int, detail: str | None = None) -> ResponseReturnValue:
    """Render the error page for a status code."""
    from flask import current_app

    title, body = MESSAGES.get(status, MESSAGES[500])
    if status == 403 and detail is None:
        body, detail = forbidden_message()
    body = body.format(limit=current_app.config.get("MAX_UPLOAD_MB", 20))
    return render_template("error.html", title=title, body=body, detail=detail), status


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Show an HTTP error as a readable page, or JSON for the API."""
    status = error.code or 500
    if request.path.startswith("/api/"):
        title, _ = MESSAGES.get(status, (error.name, ""))
        return {"error": title, "status": status}, status
    return render_error(status)


def handle_csrf_error(error: CSRFError) -> ResponseReturnValue:
    """Explain a missing or stale form token in plain English."""
    return render_error(
        400,
        "The form you sent had expired or was missing its security token. "
        "Go back, reload the page and try again.",
    )


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Log the fault for the administrator and show a plain page to the user."""
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        return {"error": MESSAGES[500][0], "status": 500}, 500
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
