"""Commands for cron: `flask --app app mail send`, `mail status` and `reminders`."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from cspr.mail import outbox, reminders, sender

mail_cli = AppGroup("mail", help="Send queued email and see the outbox.")


def _summary(result: sender.PassResult) -> str:
    """Say what a delivery pass did in one line."""
    return (
        f"Sent {len(result.sent)} email(s); {len(result.retrying)} will be tried again; "
        f"{len(result.failed)} failed for good."
    )


@mail_cli.command("send")
@click.option("--retry-now", is_flag=True, help="Also try messages still waiting to retry.")
@with_appcontext
def send_command(retry_now: bool) -> None:
    """Send every queued email that is due (safe to run alongside the server's sender)."""
    result = sender.deliver_due(retry_now=retry_now)
    click.echo(_summary(result))
    for error in sorted(set(result.errors)):
        click.echo(f"Problem: {error}", err=True)


@mail_cli.command("status")
@with_appcontext
def status_command() -> None:
    """Count the outbox's messages in each status."""
    counts = outbox.counts()
    click.echo(", ".join(f"{label}: {counts[key]}" for key, label in outbox.STATUSES.items()))


@click.command("reminders")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Work out reminders as if today were this date (YYYY-MM-DD).",
)
@click.option("--send", is_flag=True, help="Send the queued email straight afterwards.")
@with_appcontext
def reminders_command(today: datetime | None, send: bool) -> None:
    """Queue deadline reminders that are due and not yet sent (safe to run every few minutes)."""
    run = reminders.run_reminders(today.date() if today else None)
    click.echo(
        f"Checked {run.checked} open case(s) for {run.today.isoformat()}, reminding "
        f"{run.days_before} working day(s) ahead: queued {run.messages} email(s) "
        f"for {len(run.queued)} new reminder(s)."
    )
    if send:
        click.echo(_summary(sender.deliver_due()))


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(mail_cli)
    app.cli.add_command(reminders_command)
