"""Forms for managing users and agencies."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from cspr.auth.roles import PARTNERS, ROLES

# Made before UserForm's fields so that WTForms, which orders fields by creation, puts it first.
_EMAIL_FIELD = StringField(
    "Email address",
    description="The person signs in with this address.",
    widget=GovTextInput(),
    validators=[
        InputRequired(message="Enter the person's email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
    ],
)


class UserForm(FlaskForm):
    """A user's name, role and, where it applies, agency or statutory partner."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    role = RadioField(
        "Role",
        description="What the person does in the review process.",
        choices=list(ROLES.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    agency_id = SelectField(
        "Agency",
        description="Only for agency staff: they see their own agency's referrals.",
        choices=[],
        widget=GovSelect(),
        validate_choice=False,
    )
    partner = SelectField(
        "Statutory partner",
        description="Only for statutory partners.",
        choices=[("", "Not a statutory partner"), *PARTNERS.items()],
        widget=GovSelect(),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewUserForm(UserForm):
    """A new user: the same fields plus an email address."""

    email = _EMAIL_FIELD
    submit = SubmitField("Create account", widget=GovSubmitInput())


class AgencyForm(FlaskForm):
    """An agency's name."""

    name = StringField(
        "Agency name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the agency's name")],
    )
    submit = SubmitField("Add agency", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class DecisionRulesForm(FlaskForm):
    """How the partners decide notifiability, and how many must sign off a rapid review."""

    rule = RadioField(
        "How do the statutory partners decide that a case is notifiable?",
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how the partners' decision is made")],
    )
    signoffs = RadioField(
        "How many partners must sign off a rapid review?",
        choices=[("3", "All three partners"), ("2", "Two of the three"), ("1", "Any one partner")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how many partners must sign off")],
    )
    submit = SubmitField("Save the rules", widget=GovSubmitInput())


def _box(label: str, hint: str = "") -> StringField:
    """Return one text box of the partnership details page (checked by the operation)."""
    return StringField(label, description=hint, widget=GovTextInput())


class PartnershipForm(FlaskForm):
    """The partnership's name, address, email and phone, and the contact for families."""

    name = _box("Partnership name", "As it should appear at the top of letters and reports.")
    address_line1 = _box("Address line 1")
    address_line2 = _box("Address line 2 (optional)")
    address_town = _box("Town or city")
    address_county = _box("County (optional)")
    address_postcode = _box("Postcode")
    email = _box("Contact email address", "The partnership's general address, such as "
                 "safeguarding.partnership@example.org")
    phone = _box("Contact telephone number")
    contact_name = _box("Full name")
    contact_role = _box("Job title", "For example, Family liaison officer")
    contact_email = _box("Email address")
    contact_phone = _box("Telephone number")
    submit = SubmitField("Save the partnership's details", widget=GovSubmitInput())
