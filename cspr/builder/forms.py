"""WTForms for the form builder's pages; values are checked again by the definition checks."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER, ROLES
from cspr.formengine.fieldtypes import registered
from cspr.formengine.fieldtypes.managed_choice import LISTS

AUDIENCE = [(role, ROLES[role]) for role in (AGENCY_USER, BUSINESS_UNIT, PARTNER, CHAIR)]
_TEXT = 5000


def _text(
    label: str, required: str | None = None, hint: str = "", long: bool = False
) -> StringField:
    """Make a text box (or area) with a length limit and, if given, a required message."""
    checks = [Length(max=_TEXT, message=f"{label} must be {_TEXT} characters or fewer")]
    if required:
        checks.insert(0, InputRequired(message=required))
    if long:
        return TextAreaField(label, description=hint, widget=GovTextArea(), validators=checks)
    return StringField(label, description=hint, widget=GovTextInput(), validators=checks)


class RevisionForm(FlaskForm):
    """A form that carries the working copy's revision, so stale edits are refused."""

    revision = HiddenField()


class NewFormForm(FlaskForm):
    """The first details of a new form."""

    title = _text("Title", "Enter the form's title", "Staff see this at the top of every page.")
    form_id = _text(
        "Form id",
        hint="Used in web addresses and exports. Leave blank to make one from the title. "
        "Use lower-case letters, digits, '-' or '_'.",
    )
    description = _text("Description", hint="Shown in the list of forms.", long=True)


class DetailsForm(RevisionForm):
    """A form's title, description, who may fill it in, and its declaration."""

    title = _text("Title", "Enter the form's title")
    description = _text("Description", long=True)
    audience = SelectMultipleField(
        "Who can fill in this form",
        description="Leave every box empty to let everyone except administrators fill it in.",
        choices=AUDIENCE,
        widget=GovCheckboxesInput(),
        validate_choice=True,
    )
    declaration_text = _text(
        "Declaration text", hint="Shown before sending, for example how the answers are used.",
        long=True,
    )
    declaration_label = _text(
        "What the person confirms", hint="The words beside the box they tick before sending."
    )


class PageForm(RevisionForm):
    """A page's title and description."""

    title = _text("Page title", "Enter the page title")
    description = _text("Description", hint="Optional words under the title.", long=True)


class NewFieldForm(RevisionForm):
    """A new question: its type, its label and what that type needs to start."""

    field_type = SelectField(
        "Type of question",
        choices=[],
        widget=GovSelect(),
    )
    label = _text("Question", "Enter the question", "For example, What is the child's name?")
    options = _text(
        "Options, one on each line",
        hint="Only for radios, checkboxes and drop-down lists.",
        long=True,
    )
    text = _text("Guidance text", hint="Only for guidance: the words to show.", long=True)
    first_question = _text(
        "First question in the group",
        hint="Only for repeating groups, for example Child's name. You can add more afterwards.",
    )
    item_label = _text(
        "What each item is called", hint="Only for repeating groups, for example Child."
    )


    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Offer every registered field type."""
        super().__init__(*args, **kwargs)
        self.field_type.choices = [(kind.name, kind.label) for kind in registered()]


class NewPageForm(NewFieldForm):
    """A new page with its first question (a page always has at least one)."""

    page_title = _text("Page title", "Enter the page title")


class FieldForm(RevisionForm):
    """Every setting a question can have; the page shows those that fit its type."""

    label = _text("Question", "Enter the question")
    hint = _text("Hint", hint="Optional help shown under the question.", long=True)
    name = _text(
        "Name in exports and templates",
        "Enter a name",
        "Lower-case letters, digits and underscores, starting with a letter. Changing it after "
        "publishing starts a new column in exports.",
    )
    page = SelectField("Page", choices=[], widget=GovSelect())
    required = BooleanField("The question must be answered", widget=GovCheckboxInput())
    error_name = _text(
        "How error messages name the answer",
        hint="For example, the child's date of birth. Leave blank to use the question.",
    )
    text = _text("Guidance text", long=True)
    min_length = _text("Fewest characters", hint="Leave blank for no limit.")
    max_length = _text("Most characters", hint="Leave blank for no limit.")
    min = _text("Smallest allowed", hint="Leave blank for no limit.")
    max = _text("Largest allowed", hint="Leave blank for no limit.")
    not_in_future = BooleanField("The date cannot be in the future", widget=GovCheckboxInput())
    not_in_past = BooleanField("The date cannot be in the past", widget=GovCheckboxInput())
    on_or_after = SelectField("On or after the answer to", choices=[], widget=GovSelect())
    on_or_before = SelectField("On or before the answer to", choices=[], widget=GovSelect())
    max_size_mb = _text("Largest file in MB", hint="Up to 100. Leave blank for 10.")
    accept = _text(
        "File types allowed",
        hint="Extensions separated by commas, like .pdf, .docx. Leave blank for documents and "
        "pictures.",
    )
    list = SelectField(  # noqa: A003 - the definition key is "list"
        "Which list the answer comes from",
        choices=[(kept.name, kept.title) for kept in LISTS.values()],
        widget=GovSelect(), validate_choice=False,  # the question's type checks it
    )
    allow_other = BooleanField(
        "People may type a name that is not in the list", widget=GovCheckboxInput()
    )
    min_items = _text("Fewest items", hint="Leave blank for none.")
    max_items = _text("Most items", hint="Leave blank for no limit (up to 1000).")
    item_label = _text("What each item is called", hint="For example, Child.")
    item_label_plural = _text("Plural", hint="For example, Children.")


class OptionForm(RevisionForm):
    """One option of a choice question."""

    label = _text("Option text", "Enter the option text")
    value = _text(
        "Stored value",
        hint="Leave blank to make one from the text. Exports and conditions use it.",
    )
    hint = _text("Hint", hint="Optional words under the option.")
    exclusive = BooleanField(
        "Chosen on its own, like 'None of these'",
        description="Ticking it clears the other boxes, and it cannot be sent with them.",
        widget=GovCheckboxInput(),
    )


class BindingForm(RevisionForm):
    """Which case fact a question is bound to, and whether it reads it, writes it or both."""

    fact = SelectField("Case fact", choices=[], widget=GovSelect(),
                       description="Only the facts that fit this type of question are listed.")
    use = RadioField(
        "What the question does with the case fact", choices=[], widget=GovRadioInput(),
        validators=[InputRequired(message="Select what the question does with the case fact")],
    )


class MoveBindingForm(RevisionForm):
    """Another question of the form to take a question's binding."""

    to = SelectField("Move the binding to", choices=[], widget=GovSelect(),
                     description="Only questions beside this one, of a type that fits the fact, "
                     "are listed.")


class ConditionForm(RevisionForm):
    """A condition picked from dropdowns: a question, a comparison, a value."""

    field = SelectField("Question", choices=[], widget=GovSelect())
    op = SelectField("Comparison", choices=[], widget=GovSelect())
    value = _text("Value")


class JsonForm(RevisionForm):
    """The whole definition as JSON, for the advanced editor."""

    definition = TextAreaField("Definition (JSON)", widget=GovTextArea())


class ImportForm(FlaskForm):
    """A form definition to import, uploaded or pasted."""

    upload = FileField("Upload a JSON file", widget=GovFileInput())
    definition = TextAreaField("Or paste the JSON", widget=GovTextArea())
