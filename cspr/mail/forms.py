"""Forms for email wording, email settings and resetting a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length


class TemplateForm(FlaskForm):
    """An email's subject and body, with preview and save buttons."""

    subject = StringField("Subject", widget=GovTextInput())
    body = TextAreaField("Body", widget=GovTextArea())
    preview = SubmitField("Preview", widget=GovSubmitInput())
    save = SubmitField("Save", widget=GovSubmitInput())


class SettingsForm(FlaskForm):
    """How many working days before a deadline the reminder goes out."""

    days = StringField(
        "How many working days before a deadline should the business unit be reminded?",
        description="For example, 2. Overdue deadlines are also reminded each working day.",
        widget=GovTextInput(),
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class RequestResetForm(FlaskForm):
    """The email address of the account to reset."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())
