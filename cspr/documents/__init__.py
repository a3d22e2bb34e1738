"""Documents: Word letters and reports from sandboxed docxtpl templates."""

from __future__ import annotations

from flask import Flask

from cspr.config import _env_bool, _env_int
from cspr.signals import case_page_panels


def init_app(app: Flask) -> None:
    """Register the document pages, the template pages and the case page's documents section."""
    from cspr.documents import admin_routes, review_routes, routes

    # Limits on filling in one template (see isolation.py); generous for any real letter.
    app.config.setdefault("DOCUMENT_RENDER_ISOLATED", _env_bool("CSPR_DOCUMENT_ISOLATED", True))
    app.config.setdefault("DOCUMENT_RENDER_SECONDS", _env_int("CSPR_DOCUMENT_SECONDS", 30))
    app.config.setdefault("DOCUMENT_RENDER_MEMORY_MB", _env_int("CSPR_DOCUMENT_MEMORY_MB", 512))

    assert review_routes.bp is routes.bp  # its pages are on the documents blueprint
    app.register_blueprint(routes.bp)
    app.register_blueprint(admin_routes.bp)
    # Signals belong to the process, not the app; connecting the same function again is a no-op.
    case_page_panels.connect(routes.case_documents)
