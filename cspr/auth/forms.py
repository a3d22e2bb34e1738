"""Sign-in and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    """Email and password."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


# Made before the forms below, so that WTForms (which orders fields by creation) asks for the
# current password first on the change-password page.
_CURRENT_PASSWORD = PasswordField(
    "Current password",
    widget=GovPasswordInput(),
    validators=[InputRequired(message="Enter your current password")],
)


class NewPasswordForm(FlaskForm):
    """The new password, twice (used by the password reset link)."""

    new_password = PasswordField(
        "New password",
        description="Use 12 characters or more. A few unrelated words together work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your new password again")],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    """Current password, then the new one twice."""

    current_password = _CURRENT_PASSWORD
    submit = SubmitField("Change password", widget=GovSubmitInput())
