"""Admin pages: the outbox, email wording with preview, and email settings with a test email."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from cspr import audit
from cspr.auth.roles import ADMIN, current_user, roles_required
from cspr.casework import clock
from cspr.exceptions import Refused
from cspr.forms_support import attach_error
from cspr.mail import bodies, notify, outbox, reminders, sender
from cspr.mail.forms import ButtonForm, SettingsForm, TemplateForm
from cspr.timeutil import UK

bp = Blueprint("mail_admin", __name__, url_prefix="/admin")


def _admin() -> dict[str, Any]:
    """Return the signed-in admin (roles_required has checked)."""
    user = current_user()
    assert user is not None
    return user


def when(moment: float | str | None) -> str:
    """Write a stored time in UK time, like 14:35 on 5 January 2027."""
    if moment in (None, ""):
        return ""
    if isinstance(moment, str):
        stamp = datetime.fromisoformat(moment)
    else:
        stamp = datetime.fromtimestamp(float(moment), UTC)
    local = stamp.astimezone(UK)
    return f"{local:%H:%M} on {clock.short_date(local.date())}"


def _wait(seconds: float) -> str:
    """Write a wait in minutes, or in whole hours once it is two hours or more."""
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute" + ("" if minutes == 1 else "s")
    return f"{round(minutes / 60)} hours"


def _sender_running() -> bool:
    """Say whether this server process has a background sender."""
    return sender.is_running(current_app)


@bp.route("/email")
@roles_required(ADMIN)
def email() -> ResponseReturnValue:
    """Show the outbox: every message's status, tries and last error."""
    status = request.args.get("status", "")
    if status and status not in outbox.STATUSES:
        abort(404)
    config = current_app.config
    schedule = outbox.backoff_schedule(
        int(config["MAIL_MAX_ATTEMPTS"]),
        float(config["MAIL_RETRY_BASE_SECONDS"]),
        float(config["MAIL_RETRY_MAX_SECONDS"]),
    )
    return render_template(
        "mail/outbox.html",
        title="Email",
        messages=outbox.list_messages(status or None),
        counts=outbox.counts(),
        statuses=outbox.STATUSES,
        status=status,
        when=when,
        kinds=bodies.KINDS,
        schedule=[_wait(s) for s in schedule],
        sender_running=_sender_running(),
        retry_form=ButtonForm(),
    )


@bp.route("/email/<message_id>/retry", methods=["POST"])
@roles_required(ADMIN)
def email_retry(message_id: str) -> ResponseReturnValue:
    """Put a failed message back in the queue."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    message = outbox.get_message(message_id)
    if message is None:
        abort(404)
    if message["kind"] == "password_reset":
        flash("Reset links are not sent again: ask the person to request a new link.", "error")
        return redirect(url_for("mail_admin.email"))
    outbox.retry(message_id)
    audit.record("retry", "email", message_id, user=_admin())
    flash(f"The email to {message['to']} will be tried again.", "success")
    return redirect(url_for("mail_admin.email"))


@bp.route("/email/templates")
@roles_required(ADMIN)
def email_templates() -> ResponseReturnValue:
    """List the kinds of email and whether their wording has been changed."""
    return render_template(
        "mail/templates.html",
        title="Email wording",
        kinds=bodies.KINDS,
        customised={kind: bodies.is_customised(kind) for kind in bodies.KINDS},
    )


def _paragraphs(text: str) -> list[list[str]]:
    """Split plain text into paragraphs of lines, to show it as HTML without inline styles."""
    return [block.split("\n") for block in text.strip().split("\n\n") if block.strip()]


@bp.route("/email/templates/<kind>", methods=["GET", "POST"])
@roles_required(ADMIN)
def email_template(kind: str) -> ResponseReturnValue:
    """Edit one kind of email's wording, preview it with made-up values, and save it."""
    if kind not in bodies.KINDS:
        abort(404)
    subject, body = bodies.current(kind)
    form = TemplateForm(data={"subject": subject, "body": body})
    preview: dict[str, Any] | None = None
    if form.validate_on_submit():
        new_subject, new_body = form.subject.data or "", form.body.data or ""
        try:
            if form.save.data:
                bodies.save(_admin(), kind, new_subject, new_body)
                title = bodies.KINDS[kind].title
                flash(f"The wording of the {title} email has been saved.", "success")
                return redirect(url_for("mail_admin.email_templates"))
            bodies.check(new_subject.strip(), new_body)
        except Refused as refused:
            attach_error(form, refused, "body")
        else:
            admin = _admin()
            values = bodies.sample_values(
                admin.get("name") or admin["email"],
                current_app.config["PARTNERSHIP_NAME"],
                current_app.config["BASE_URL"],
            )
            preview = {
                "subject": " ".join(bodies.render(new_subject, values).split()),
                "paragraphs": _paragraphs(bodies.render(new_body, values)),
            }
    return render_template(
        "mail/template_form.html",
        title=f"{bodies.KINDS[kind].title} email",
        form=form,
        kind=kind,
        wording=bodies.KINDS[kind],
        variables=bodies.VARIABLES,
        preview=preview,
        customised=bodies.is_customised(kind),
        default_form=ButtonForm(),
    )


@bp.route("/email/templates/<kind>/default", methods=["POST"])
@roles_required(ADMIN)
def email_template_default(kind: str) -> ResponseReturnValue:
    """Go back to the shipped wording."""
    if kind not in bodies.KINDS or not ButtonForm().validate_on_submit():
        abort(404 if kind not in bodies.KINDS else 400)
    bodies.restore_default(_admin(), kind)
    flash(f"The {bodies.KINDS[kind].title} email uses the standard wording again.", "success")
    return redirect(url_for("mail_admin.email_template", kind=kind))


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(ADMIN)
def settings() -> ResponseReturnValue:
    """Choose when deadline reminders go out, and send a test email."""
    form = SettingsForm(data={"days": str(reminders.reminder_days())})
    if form.validate_on_submit():
        try:
            days = reminders.set_reminder_days(_admin(), form.days.data or "")
        except Refused as refused:
            attach_error(form, refused, "days")
        else:
            flash(f"Reminders will go out {days} working days before each deadline.", "success")
            return redirect(url_for("mail_admin.settings"))
    return render_template(
        "mail/settings.html",
        title="Settings",
        form=form,
        test_form=ButtonForm(),
    )


@bp.route("/settings/test-email", methods=["POST"])
@roles_required(ADMIN)
def settings_test_email() -> ResponseReturnValue:
    """Queue a test email to the admin and try to send it straight away."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    admin = _admin()
    message = notify.queue_test_email(admin)
    audit.record("test_email", "email", message["id"], user=admin)
    outcome = sender.send_now(message["id"])
    if outcome["status"] == outbox.SENT:
        flash(f"A test email has been sent to {admin['email']}.", "success")
    else:
        problem = outcome["last_error"] or "it is waiting to be sent"
        flash(
            f"The test email to {admin['email']} could not be sent yet ({problem}). "
            "It stays in the outbox and will be tried again.",
            "error",
        )
    return redirect(url_for("mail_admin.settings"))
