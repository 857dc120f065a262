"""The journal's filters: a GET form whose values stay in the URL, so a filtered view can be shared."""

from wtforms import DateField, StringField
from wtforms.validators import Optional, ValidationError

from portal.core.forms import BaseForm, max_length


class JournalFilterForm(BaseForm):
    class Meta:
        csrf = False  # it only reads

    action = StringField("Action", name="action", validators=[Optional(), max_length(60)],
                         description="Début du code, par exemple « login » ou « user.role ».")
    actor = StringField("Auteur", name="auteur", validators=[Optional(), max_length(120)],
                        description="Nom, adresse e-mail ou numéro de compte.")
    target = StringField("Cible", name="cible", validators=[Optional(), max_length(120)],
                         description="Une partie suffit, par exemple « user:12 ».")
    since = DateField("Du", name="du", validators=[Optional()])
    until = DateField("Au", name="au", validators=[Optional()])
    address = StringField("Adresse IP", name="adresse", validators=[Optional(), max_length(64)],
                          description="Début de l'adresse, par exemple « 192.0.2. ».")

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("La date de fin doit être le même jour que la date de début ou après.")

    def valid_values(self) -> dict:
        """The filters that passed validation, by attribute name (a wrong one is shown, not applied)."""
        return {attribute: field.data for attribute, field in self._fields.items()
                if not field.errors and field.data not in (None, "")}

    def url_arguments(self) -> dict:
        """The filters as they appear in the URL, to keep them on the pagination links."""
        return {field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0]}
