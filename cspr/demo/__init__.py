"""The demo: a fictional partnership with cases at every stage, made through the real operations."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `flask --app app demo` command."""
    from cspr.demo.run import DEMO_PASSWORD, demo_command  # noqa: F401 - re-exported for tests

    app.cli.add_command(demo_command)
