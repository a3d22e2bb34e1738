"""Documents: Word letters and reports from sandboxed docxtpl templates."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the document pages, the template pages and the case page's documents section."""
    from cspr.documents import admin_routes, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin_routes.bp)
    app.add_template_global(routes.case_documents, "case_documents")
