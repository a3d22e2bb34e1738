"""No-code form builder for administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the builder's pages (admins only)."""
    from cspr.builder import (  # noqa: F401  (they add routes)
        routes_bindings,
        routes_conditions,
        routes_parts,
        routes_preview,
    )
    from cspr.builder.routes import bp

    app.register_blueprint(bp)
