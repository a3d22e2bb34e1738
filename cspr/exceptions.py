"""Exceptions that operations raise for routes and commands to turn into messages."""

from __future__ import annotations


class Refused(Exception):
    """An operation refused bad input; the message is written for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(Exception):
    """The acting user may not do this."""
