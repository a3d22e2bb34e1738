"""Helpers shared by WTForms forms: attaching operation errors to fields."""

from __future__ import annotations

from flask_wtf import FlaskForm

from cspr.exceptions import Refused


def attach_error(form: FlaskForm, refused: Refused, default_field: str) -> None:
    """Show an operation's refusal against the field it concerns."""
    name = refused.field if refused.field in form._fields else default_field
    field = form._fields[name]
    field.errors = [*field.errors, refused.message]
    form._errors = None  # WTForms caches form.errors; rebuild it with the new message
