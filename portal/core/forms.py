"""The base form every screen uses: French messages, whitespace stripped, service errors on fields."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField, validators
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.partial_dates import PartialDate, PartialDateError, parse_partial_date
from portal.core.text import multiline


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _unix_newlines(value):
    return multiline(value) if isinstance(value, str) else value


def _no_control_characters(form, field):
    """Control characters (other than tab and line breaks) are never meant: refuse them clearly."""
    data = field.data
    if isinstance(data, str) and any(ord(ch) < 32 and ch not in "\t\r\n" or ord(ch) == 127 for ch in data):
        raise ValidationError("Ce champ contient des caractères invisibles non autorisés.")


class BaseForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                filters = list(unbound_field.kwargs.get("filters", ()))
                if issubclass(unbound_field.field_class, TextAreaField):
                    filters.insert(0, _unix_newlines)
                options["filters"] = [_strip, *filters]
                validators = list(unbound_field.kwargs.get("validators") or ())
                options["validators"] = [*validators, _no_control_characters]
            return unbound_field.bind(form=form, **options)

    def add_error(self, field_name: str | None, message: str) -> None:
        """Put an error found by a service next to the field it concerns (the form's own list if none)."""
        if field_name is None or not hasattr(self, field_name):
            self.form_errors.append(message)
            return
        field = getattr(self, field_name)
        field.errors = [*field.errors, message]

    def error_items(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, first message) of every failing field, rows of field lists included:
        what the error summary at the top of a form links to."""
        items = [("", "Formulaire", message) for message in self.form_errors]
        for field in self:
            items.extend(_field_error_items(field))
        return items


def _field_error_items(field) -> list[tuple[str, str, str]]:
    if field.type == "FieldList":
        items = []
        for entry in field:
            items.extend(_field_error_items(entry))
        messages = [error for error in field.errors if isinstance(error, str)]
        return items + [(field.id, str(field.label.text), message) for message in messages[:1]]
    if field.type == "FormField":
        return [item for subfield in field for item in _field_error_items(subfield)]
    return [(field.id, str(field.label.text), str(field.errors[0]))] if field.errors else []


class NumberRange(validators.NumberRange):
    """WTForms' NumberRange, safe for any integer typed: its check calls math.isnan(), which raises
    OverflowError (a 500) on an integer too long for a float ("9" repeated 400 times); such a number is
    out of any range, and said so like the others."""

    def __call__(self, form, field):
        if isinstance(field.data, int) and abs(field.data) > 2**53:
            raise ValidationError(self.message or "Nombre hors limites.")
        super().__call__(form, field)


def max_length(limit: int) -> Length:
    return Length(max=limit, message=f"{limit} caractères au plus.")


def required_message(label: str = "Ce champ") -> str:
    return f"{label} est obligatoire."


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' option objects."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (rendered inside a fieldset by the ``choice_group`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartialDateField(StringField):
    """A date as people know it: « 2009 », « mars 2009 », « 03/2009 », « 15/03/2009 »; ``data`` is a
    ``PartialDate`` (or None when left empty), and an impossible date gets a French message here."""

    def process_formdata(self, valuelist):
        self.raw_data = valuelist
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = parse_partial_date(text)
            except PartialDateError as error:
                raise ValueError(str(error)) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.as_input() if isinstance(self.data, PartialDate) else ""
