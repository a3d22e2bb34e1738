"""`flask --app app tokens create|revoke|list`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from cspr.api import tokens
from cspr.exceptions import Refused

tokens_cli = AppGroup("tokens", help="Create, list and revoke API tokens.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--label", default="", help="What the token is for.")
def create_command(email: str, label: str) -> None:
    """Create a token for EMAIL; the token is printed alone on the last line."""
    try:
        token, record = tokens.create_token(email, label)
    except Refused as refused:
        click.echo(f"Error: {refused.message}", err=True)
        sys.exit(1)
    click.echo(f"Token {record['short_id']} created for {email}. Keep it secret; it is shown once:")
    click.echo(token)


@tokens_cli.command("revoke")
@click.argument("token_or_id")
def revoke_command(token_or_id: str) -> None:
    """Revoke a token, given the token or its short id."""
    try:
        record = tokens.revoke_token(token_or_id)
    except Refused as refused:
        click.echo(f"Error: {refused.message}", err=True)
        sys.exit(1)
    click.echo(f"Token {record['short_id']} revoked.")


@tokens_cli.command("list")
def list_command() -> None:
    """List tokens: short id, user, status, created."""
    for record in tokens.list_tokens():
        status = "revoked" if record.get("revoked") else "active"
        click.echo(f"{record['short_id']}\t{record['email']}\t{status}\t{record['created_at']}")


def init_app(app: Flask) -> None:
    """Register the token commands."""
    app.cli.add_command(tokens_cli)
