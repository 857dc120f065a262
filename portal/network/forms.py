"""The admin form of the network's name and logo."""

from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Optional

from portal.core.forms import BaseForm, max_length


class IdentityForm(BaseForm):
    name = StringField("Nom du réseau", validators=[Optional(), max_length(200)],
                       description="Affiché dans l'en-tête du portail et sur la première page des comptes rendus. "
                                   "Vide : le nom configuré à l'installation.")
    logo = FileField("Logo", description="Image PNG ou JPEG, 1 Mo au plus ; placée sur la première page des PDF.")
    remove_logo = BooleanField("Retirer le logo actuel")
