"""Email: a durable outbox, a sender, notifications and working-day reminders."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the mail commands and hooks (filled in as the capability is built)."""
