"""Email wording: plain-text templates admins can edit, rendered in a locked-down sandbox.

Templates see six placeholders and nothing else: no case data, no objects, no calls.
Anything more than placeholders, `if` blocks and a few text filters is refused when the
admin saves it, so an admin's template is data, never code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cspr import audit
from cspr.auth.roles import ADMIN
from cspr.exceptions import Forbidden, Refused
from cspr.storage import get_store, transactional

TEMPLATES = "mail_templates"
VARIABLES: dict[str, str] = {
    "reference": "the case reference, like CSPR-2026-0001",
    "stage": "the case's stage, like Rapid review",
    "deadline": "the deadline and its date (or when a link stops working)",
    "link": "the web address to open",
    "recipient_name": "the name of the person the email goes to",
    "partnership_name": "your partnership's name",
}
FILTERS = {"upper", "lower", "capitalize", "title", "trim", "default"}
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.Filter,
)
# Emails whose whole point is their link: their wording must keep {{ link }}.
LINK_KINDS = {"password_reset", "contributor_invitation"}
MAX_SUBJECT = 200
MAX_BODY = 5000

_FOOTER = (
    "\n\nThis email does not contain details of any child or incident. Do not reply "
    "with case details: sign in to the CSPR Toolkit instead.\n\n{{ partnership_name }}\n"
)


@dataclass(frozen=True)
class Wording:
    """One kind of email: what it is for, and its default subject and body."""

    title: str
    purpose: str
    subject: str
    body: str


KINDS: dict[str, Wording] = {
    "new_referral": Wording(
        "New referral",
        "Sent to the business unit when a referral opens a case.",
        "New referral: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nA new referral has been received and case "
        "{{ reference }} has been opened. It is at the {{ stage }} stage.\n\n"
        "Sign in to read the referral and decide the next step:\n{{ link }}" + _FOOTER,
    ),
    "decision_needed": Wording(
        "Decision needed",
        "Sent to the statutory partners when a case moves to consideration.",
        "Decision needed: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nCase {{ reference }} is now at the {{ stage }} stage. "
        "The statutory partners need to decide whether it is a serious child safeguarding "
        "case that must be notified to the National Panel.\n\nSign in to record your view:\n"
        "{{ link }}" + _FOOTER,
    ),
    "signoff_request": Wording(
        "Rapid review sign-off",
        "Sent to each statutory partner who has not yet signed off a sent rapid review.",
        "Sign-off needed: rapid review for case {{ reference }}",
        "Dear {{ recipient_name }},\n\nThe rapid review for case {{ reference }} has been "
        "sent and needs your sign-off.\n\nSign in to read it and sign it off:\n{{ link }}"
        + _FOOTER,
    ),
    "panel_response": Wording(
        "Panel response",
        "Sent to the statutory partners when the National Panel's response is recorded.",
        "Panel response recorded: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nThe National Panel's response for case {{ reference }} "
        "has been recorded. The case is at the {{ stage }} stage.\n\nSign in to read it and "
        "see whether the partners need to act:\n{{ link }}" + _FOOTER,
    ),
    "deadline_reminder": Wording(
        "Deadline reminder",
        "Sent to the business unit a set number of working days before a deadline.",
        "Deadline coming up: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nA deadline for case {{ reference }} is coming up:\n"
        "{{ deadline }}\n\nThe case is at the {{ stage }} stage. Sign in to see it:\n{{ link }}"
        + _FOOTER,
    ),
    "deadline_overdue": Wording(
        "Deadline overdue",
        "Sent to the business unit on each working day while a deadline is overdue.",
        "Overdue: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nA deadline for case {{ reference }} has passed and "
        "is not yet recorded as met:\n{{ deadline }}\n\nThe case is at the {{ stage }} stage. "
        "If the work is done, record the date on the case page:\n{{ link }}" + _FOOTER,
    ),
    "report_may_come_down": Wording(
        "Published report may come off the website",
        "Sent to the business unit once, when a published review has been on the website for the "
        "year it must stay there.",
        "Report may now come off the website: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nThe review for case {{ reference }} has been published "
        "for a year:\n{{ deadline }}\n\nNothing has to be done: whether it stays up is the "
        "partnership's choice. Sign in to see the case:\n{{ link }}" + _FOOTER,
    ),
    "action_overdue": Wording(
        "Action overdue",
        "Sent to the owning agency's staff and the business unit when an action in an action "
        "plan passes its due date, then every 20 working days while it stays overdue.",
        "Action overdue: {{ reference }}",
        "Dear {{ recipient_name }},\n\nAction {{ reference }} in an action plan has passed its "
        "due date and is not yet complete:\n{{ deadline }}\n\nSign in to post a progress "
        "update, or to send the evidence that it is complete:\n{{ link }}" + _FOOTER,
    ),
    "password_reset": Wording(
        "Password reset",
        "Sent when someone asks to reset their password.",
        "Reset your password",
        "Dear {{ recipient_name }},\n\nSomeone asked to reset the password for your account. "
        "If it was you, open this link to choose a new password:\n{{ link }}\n\nThe link works "
        "once and stops working at {{ deadline }}. If you did not ask, you can ignore this "
        "email: your password has not changed.\n\n{{ partnership_name }}\n",
    ),
    # Information requests to agencies for a rapid review (cspr/requests).
    "information_request": Wording(
        "Information request to an agency",
        "Sent to each contact at an agency when the business unit asks the agency for its "
        "summary for a rapid review.",
        "Information needed for a rapid review: case {{ reference }}",
        "Dear {{ recipient_name }},\n\nThe safeguarding partners are carrying out a rapid "
        "review of case {{ reference }}. Your agency is asked to send a summary of its "
        "involvement by {{ deadline }}.\n\nSign in to read the request and fill in the "
        "summary:\n{{ link }}" + _FOOTER,
    ),
    "information_request_reminder": Wording(
        "Information request reminder",
        "Sent to an agency's contacts a set number of working days before its summary is due, "
        "and when the business unit chases it.",
        "Reminder: information needed for case {{ reference }}",
        "Dear {{ recipient_name }},\n\nThis is a reminder that your agency's summary for the "
        "rapid review of case {{ reference }} is due by {{ deadline }}.\n\nSign in to fill it "
        "in or continue your agency's draft:\n{{ link }}" + _FOOTER,
    ),
    "information_request_overdue": Wording(
        "Information request overdue",
        "Sent to an agency's contacts on each working day while its summary is overdue.",
        "Overdue: information needed for case {{ reference }}",
        "Dear {{ recipient_name }},\n\nYour agency's summary for the rapid review of case "
        "{{ reference }} was due by {{ deadline }} and has not been received. The rapid review "
        "has a statutory deadline, so please send it as soon as you can, or tell the business "
        "unit if your agency had no involvement.\n\nSign in to send it:\n{{ link }}" + _FOOTER,
    ),
    "contributor_invitation": Wording(
        "Invitation to contribute",
        "Sent when the business unit invites someone without an account to send their "
        "agency's information for a rapid review.",
        "You are invited to contribute to a rapid review: case {{ reference }}",
        "Dear {{ recipient_name }},\n\n{{ partnership_name }} has asked your agency for "
        "information for the rapid review of case {{ reference }}, and has made you an "
        "account so that you can send it.\n\nOpen this link to choose your password:\n"
        "{{ link }}\n\nThe link works once and stops working at {{ deadline }}. Once you have "
        "chosen your password you will see the request and when it is due. If the link has "
        "stopped working, ask the partnership's business unit to send a new invitation."
        + _FOOTER,
    ),
    "test": Wording(
        "Test email",
        "Sent from the settings page to check that email works.",
        "Test email from {{ partnership_name }}",
        "Dear {{ recipient_name }},\n\nThis is a test email from the CSPR Toolkit. If you "
        "can read it, email is working.\n\n{{ link }}\n\n{{ partnership_name }}\n",
    ),
}


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    """Return the sandbox: plain text, no globals, nothing to reach out of it."""
    env = ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.tests = {}
    return env


def problems(source: str, what: str, limit: int) -> str:
    """Explain what is wrong with a template, or return "" when it is safe to use."""
    if not source.strip():
        return f"Enter the {what}"
    if len(source) > limit:
        return f"The {what} must be {limit} characters or fewer"
    try:
        tree = _environment().parse(source)
    except TemplateSyntaxError as exc:
        return f"The {what} cannot be read on line {exc.lineno}: {exc.message}"
    allowed = ", ".join("{{ " + name + " }}" for name in VARIABLES)
    for name in tree.find_all(nodes.Name):
        if name.name not in VARIABLES:
            used = "{{ " + name.name + " }}"
            return f"The {what} uses {used}, which is not allowed. Use only {allowed}"
    for used_filter in tree.find_all(nodes.Filter):
        if used_filter.name not in FILTERS:
            return f"The {what} uses the filter '{used_filter.name}', which is not allowed"
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            return (
                f"The {what} can only use the placeholders {allowed} and simple {{% if %}} blocks"
            )
    return ""


def _names(source: str) -> set[str]:
    """Return the placeholders a checked template uses."""
    tree = _environment().parse(source)
    return {node.name for node in tree.find_all(nodes.Name)}


def render(source: str, values: dict[str, str]) -> str:
    """Render a checked template with only the allowed placeholders."""
    safe = {name: str(values.get(name, "")) for name in VARIABLES}
    return _environment().from_string(source).render(**safe)


def current(kind: str) -> tuple[str, str]:
    """Return the subject and body in use for a kind: the admin's, or the default."""
    wording = KINDS[kind]
    saved = get_store().get(TEMPLATES, kind)
    if (
        saved
        and not problems(saved["subject"], "subject", MAX_SUBJECT)
        and not problems(saved["body"], "body", MAX_BODY)
    ):
        return saved["subject"], saved["body"]
    return wording.subject, wording.body


def is_customised(kind: str) -> bool:
    """Say whether an admin has changed a kind's wording."""
    return get_store().get(TEMPLATES, kind) is not None


def compose(kind: str, values: dict[str, str]) -> tuple[str, str]:
    """Return the finished subject (one line) and body for a kind of email."""
    subject_source, body_source = current(kind)
    subject = " ".join(render(subject_source, values).split())[:MAX_SUBJECT]
    return subject, render(body_source, values)


def check(subject: str, body: str) -> None:
    """Refuse a subject or body that is empty, too long, unreadable or reaches too far."""
    for source, what, field, limit in (
        (subject, "subject", "subject", MAX_SUBJECT),
        (body, "body", "body", MAX_BODY),
    ):
        problem = problems(source, what, limit)
        if problem:
            raise Refused(problem, field)


@transactional
def save(actor: dict[str, Any], kind: str, subject: str, body: str) -> None:
    """Save an admin's wording for a kind, after checking it."""
    if actor.get("role") != ADMIN:
        raise Forbidden("Only administrators change email wording")
    if kind not in KINDS:
        raise Refused("There is no such kind of email")
    subject, body = subject.strip(), body.replace("\r\n", "\n").strip() + "\n"
    check(subject, body)
    if kind in LINK_KINDS and "link" not in _names(body):
        raise Refused(f"The {KINDS[kind].title.lower()} email must include {{{{ link }}}}", "body")
    store = get_store()
    if store.get(TEMPLATES, kind) is None:
        store.insert(TEMPLATES, {"id": kind, "subject": subject, "body": body})
    else:
        store.update(TEMPLATES, kind, {"subject": subject, "body": body})
    audit.record("update", "email_template", kind, user=actor)


@transactional
def restore_default(actor: dict[str, Any], kind: str) -> None:
    """Go back to the shipped wording for a kind."""
    if actor.get("role") != ADMIN:
        raise Forbidden("Only administrators change email wording")
    store = get_store()
    if kind in KINDS and store.get(TEMPLATES, kind) is not None:
        store.delete(TEMPLATES, kind)
        audit.record("delete", "email_template", kind, user=actor)


def sample_values(recipient_name: str, partnership: str, base_url: str) -> dict[str, str]:
    """Return made-up values for previews: no real case is ever shown."""
    return {
        "reference": "CSPR-2026-0001",
        "stage": "Rapid review",
        "deadline": "Rapid review: due Tuesday 5 January 2027",
        "link": base_url.rstrip("/") + "/cases/EXAMPLE",
        "recipient_name": recipient_name,
        "partnership_name": partnership,
    }
