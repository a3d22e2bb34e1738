"""The audit trail page: admins and the chair read, filter and export every recorded action."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the audit trail pages."""
    from cspr.audit_trail.routes import bp

    app.register_blueprint(bp)
