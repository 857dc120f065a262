"""The base form every screen uses: French messages, whitespace stripped, service errors on fields."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError


def _strip(value):
    return value.strip() if isinstance(value, str) else value


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
                options["filters"] = [_strip, *filters]
                validators = list(unbound_field.kwargs.get("validators") or ())
                options["validators"] = [*validators, _no_control_characters]
            return unbound_field.bind(form=form, **options)

    def add_error(self, field_name: str, message: str) -> None:
        """Put an error found by a service next to the field it concerns."""
        getattr(self, field_name).errors.append(message)


def max_length(limit: int) -> Length:
    return Length(max=limit, message=f"{limit} caractères au plus.")


def required_message(label: str = "Ce champ") -> str:
    return f"{label} est obligatoire."


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' option objects."""
    return [SelectChoice(value, label) for value, label in pairs]
