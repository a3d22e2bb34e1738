"""The JSON API: bearer tokens, forms, schemas, submissions, cases and the OpenAPI document."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API routes (exempt from CSRF: they take bearer tokens, never cookies)."""
    from cspr.api import cases, cli  # noqa: F401 - cases adds its routes to bp when imported
    from cspr.api.routes import bp
    from cspr.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    cli.init_app(app)
