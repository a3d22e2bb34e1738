"""Documents: Word letters and reports from sandboxed docxtpl templates."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the document pages (filled in as the capability is built)."""
