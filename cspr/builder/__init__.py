"""No-code form builder for administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the builder's pages (admins only)."""
    from cspr.builder import routes_parts, routes_preview  # noqa: F401  (they add routes)
    from cspr.builder.routes import bp

    app.register_blueprint(bp)
