"""Exports: spreadsheets, CSV and JSON, the chair's audit workbook and charts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the export pages (filled in as the capability is built)."""
