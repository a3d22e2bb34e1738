"""Exports: spreadsheets, CSV and JSON, the chair's audit workbook and charts."""

from __future__ import annotations

import os
from datetime import timedelta

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("clean-exports")
@click.option("--hours", type=float, default=24.0, show_default=True,
              help="Remove background exports older than this.")  # fmt: skip
@with_appcontext
def clean_exports_command(hours: float) -> None:
    """Remove finished background exports and their records older than --hours."""
    from cspr.exports import jobs

    removed = jobs.clean_up(timedelta(hours=hours))
    click.echo(f"Removed {removed} old export{'' if removed == 1 else 's'}.")


def _settings(app: Flask) -> None:
    """Read the export settings from CSPR_* environment variables unless the app has them."""
    from cspr.exports.operations import DEFAULT_BACKGROUND_ROWS

    for key, default in (("EXPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS),
                         ("EXPORT_KEEP_HOURS", 24)):  # fmt: skip
        if key not in app.config:
            value = os.environ.get(f"CSPR_{key}", "").strip()
            try:
                app.config[key] = int(value) if value else default
            except ValueError as exc:
                raise RuntimeError(f"CSPR_{key} must be a whole number, not {value!r}") from exc


def init_app(app: Flask) -> None:
    """Register the export pages, the job runner, the dashboard charts and the clean-up command."""
    from cspr.exports import charts, jobs, routes

    _settings(app)
    app.register_blueprint(routes.bp)
    jobs.init_app(app)
    app.jinja_env.globals["dashboard_charts"] = charts.dashboard_charts
    app.cli.add_command(clean_exports_command)
