"""Forms for uploading templates and editing a case's pseudonym register."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from cspr.documents.pseudonyms import KINDS, MAX_LENGTH


class UploadForm(FlaskForm):
    """A Word template to add as a new template or as a new version of one."""

    template_id = SelectField(
        "Which template is this?",
        description="Choose a template to replace its version in use, or add a new one.",
        choices=[],
        widget=GovSelect(),
        validate_choice=False,
    )
    title = StringField(
        "Title of the new template",
        description="Only for a new template. For example, Letter to the family: review published",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Title must be 120 characters or fewer")],
    )
    to_family = RadioField(
        "Is this a letter to the child's family?",
        description="A letter to the family is not made while the case has a hold on "
        "contacting the family, or until the partnership's contact for families is set.",
        choices=[("yes", "Yes, it is written to the family"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether this is a letter to the family")],
    )
    file = FileField(
        "Upload the Word template",
        description="A Word document (.docx), 5 MB or smaller.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Check and upload", widget=GovSubmitInput())


class PseudonymForm(FlaskForm):
    """One real name and the pseudonym that replaces it in anonymised documents."""

    real = StringField(
        "Real name",
        description="As it is written in the forms, for example Jane Exampleton",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the real name"),
            Length(max=MAX_LENGTH, message=f"Real name must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    pseudonym = StringField(
        "Pseudonym",
        description="For example Mother, or Social worker 1",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the pseudonym"),
            Length(max=MAX_LENGTH, message=f"Pseudonym must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    kind = RadioField(
        "Who is this?",
        choices=list(KINDS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select who the person is")],
    )
    submit = SubmitField("Add to the register", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """What to do with one candidate found in an anonymised document."""

    text = HiddenField()
    kind = HiddenField()
    choice = RadioField(
        "What should happen to it?",
        choices=[
            ("pseudonym", "It identifies someone: add it to the register with a pseudonym"),
            ("withheld", "It identifies someone: add it to the register as [withheld]"),
            ("not_identifying", "It does not identify anyone in this case"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select what should happen to it")],
    )
    pseudonym = StringField(
        "Pseudonym",
        description="Only when adding it with a pseudonym, for example Neighbour or Teacher 1",
        widget=GovTextInput(),
        validators=[
            Length(max=MAX_LENGTH, message=f"Pseudonym must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    submit = SubmitField("Save this decision", widget=GovSubmitInput())


class FinalReportForm(FlaskForm):
    """The final report of a local review, as a Word document, and the reviewer's confirmation."""

    file = FileField(
        "Upload the final report",
        description="The Word version (.docx), 20 MB or smaller. It is checked for names and "
        "other details that may identify someone before it is kept.",
        widget=GovFileInput(),
    )
    confirmed = BooleanField(
        "I have looked at everything listed above and none of it identifies anyone",
        description="The report is then kept, with your name as the person who checked it.",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Check and upload", widget=GovSubmitInput())
