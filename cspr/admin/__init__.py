"""Administration: users, agencies and (later) forms, templates and settings."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the admin pages."""
    from cspr.admin.routes import bp

    app.register_blueprint(bp)
