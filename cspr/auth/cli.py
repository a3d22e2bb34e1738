"""Command-line account management: `flask --app app init` and `flask --app app users ...`."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from cspr.auth import agencies, operations
from cspr.auth.roles import PARTNERS, ROLES
from cspr.exceptions import Refused

users_cli = AppGroup("users", help="Create and list user accounts.")
agencies_cli = AppGroup("agencies", help="Manage the list of agencies.")
DEFAULT_ADMIN_EMAIL = "admin@example.org"


def _fail(message: str) -> None:
    """Print a plain-English error and stop with a non-zero exit code."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Prepare the data directory and make the first admin account if there is none."""
    from cspr.storage import get_store

    store = get_store()
    click.echo(f"Data directory ready: {store.data_dir}")
    if operations.has_admin():
        click.echo("An administrator account already exists; no new account was made.")
        return
    email = os.environ.get("CSPR_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL
    password = os.environ.get("CSPR_ADMIN_PASSWORD") or None
    try:
        user, one_time = operations.create_user(
            None, email, "admin", "Administrator", password=password
        )
    except Refused as refused:
        _fail(f"Could not create the first admin account: {refused.message}")
        return
    click.echo(f"First administrator account created: {user['email']}")
    if one_time:
        click.echo(
            f"One-time password (shown only now; you must change it when you sign in): {one_time}"
        )


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)), help="The user's role.")
@click.option("--agency", "agency_name", default=None, help="Agency name (for agency_user).")
@click.option(
    "--partner", default=None, type=click.Choice(sorted(PARTNERS)), help="Statutory partner."
)
@click.option("--name", default="", help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(
    email: str,
    role: str,
    agency_name: str | None,
    partner: str | None,
    name: str,
    password_stdin: bool,
) -> None:
    """Create a user account."""
    agency_id = None
    if agency_name:
        agency = agencies.find_agency_by_name(agency_name)
        if agency is None:
            _fail(
                f"There is no agency called {agency_name!r}. "
                "Add it with: flask --app app agencies add NAME"
            )
            return
        agency_id = agency["id"]
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, _ = operations.create_user(None, email, role, name, agency_id, partner, password)
    except Refused as refused:
        _fail(refused.message)
        return
    click.echo(f"Created {user['email']} ({ROLES[user['role']]}).")


@users_cli.command("list")
def list_users_command() -> None:
    """List user accounts."""
    names = agencies.agency_names()
    for user in operations.list_users():
        extra = names.get(user.get("agency_id") or "", "") or PARTNERS.get(
            user.get("partner") or "", ""
        )
        status = "disabled" if user.get("disabled") else "active"
        click.echo(f"{user['email']}\t{user['role']}\t{extra}\t{status}")


@users_cli.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Give a user a new one-time password and sign them out everywhere."""
    from cspr.storage import get_store

    user = get_store().find_one(operations.USERS, {"email": operations.normalise_email(email)})
    if user is None:
        _fail(f"There is no account for {email}")
        return
    one_time = operations.reset_password(None, user["id"])
    click.echo(
        f"One-time password for {user['email']} (they must change it at sign-in): {one_time}"
    )


@agencies_cli.command("add")
@click.argument("name")
def add_agency_command(name: str) -> None:
    """Add an agency to the list."""
    try:
        agency = agencies.add_agency(None, name)
    except Refused as refused:
        _fail(refused.message)
        return
    click.echo(f"Added agency {agency['name']}.")


@agencies_cli.command("list")
def list_agencies_command() -> None:
    """List agencies."""
    for agency in agencies.list_agencies():
        click.echo(f"{agency['name']}\t{'active' if agency.get('active') else 'retired'}")


@click.command("purge-sessions")
@with_appcontext
def purge_sessions_command() -> None:
    """Remove sign-in sessions that have been idle past the limit."""
    from cspr.auth.sessions import purge_expired

    removed = purge_expired()
    click.echo(f"Removed {removed} expired sign-in session{'' if removed == 1 else 's'}.")


def init_app(app: Flask) -> None:
    """Register the account commands."""
    app.cli.add_command(init_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(agencies_cli)
    app.cli.add_command(purge_sessions_command)
