"""One form per screen of the accounts module."""

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal.accounts.models import ORGANISATION_KIND_LABELS, ROLE_LABELS, TERRITORY_LABELS
from portal.accounts.passwords import MAX_LENGTH, password_problem
from portal.core.forms import BaseForm, choices, max_length
from portal.core.siret import clean_siret, is_valid_siret

EMAIL_MESSAGE = "Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."


def email_field(label: str = "Adresse e-mail") -> EmailField:
    return EmailField(label, validators=[
        DataRequired(message="Indiquez votre adresse e-mail."),
        max_length(254),
        Email(message=EMAIL_MESSAGE, check_deliverability=False),
    ], render_kw={"autocomplete": "email"})


def new_password_fields():
    """The pair of fields that chooses a password, with the rules checked on the first one."""
    password = PasswordField("Nouveau mot de passe", validators=[
        DataRequired(message="Choisissez un mot de passe."),
        Length(max=MAX_LENGTH, message=f"{MAX_LENGTH} caractères au plus."),
    ], render_kw={"autocomplete": "new-password"}, description="Au moins 10 caractères.")
    confirm = PasswordField("Confirmez le mot de passe", validators=[
        DataRequired(message="Recopiez le mot de passe."),
        EqualTo("password", message="Les deux mots de passe ne sont pas identiques."),
    ], render_kw={"autocomplete": "new-password"})
    return password, confirm


class NewPasswordMixin:
    def validate_password(self, field):
        problem = password_problem(field.data or "", getattr(self, "email_for_rules", ""))
        if problem:
            raise ValidationError(problem)


def current_password_field(label: str = "Mot de passe", message: str = "Indiquez votre mot de passe.") -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(message=message),
        Length(max=MAX_LENGTH, message=f"{MAX_LENGTH} caractères au plus."),
    ], render_kw={"autocomplete": "current-password"})


def code_field(label: str, description: str, numeric: bool = False) -> StringField:
    """A one-time code: the browser and the phone may fill it in (autocomplete one-time-code)."""
    render_kw = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
    if numeric:
        render_kw["inputmode"] = "numeric"
    return StringField(label, validators=[DataRequired(message="Indiquez le code."), max_length(40)],
                       render_kw=render_kw, description=description)


class LoginForm(BaseForm):
    email = email_field()
    password = current_password_field()
    next = HiddenField()


class LoginCodeForm(BaseForm):
    code = code_field("Code à 6 chiffres ou code de secours",
                      "Le code affiché en ce moment par votre application d'authentification, "
                      "ou l'un de vos codes de secours.")


class EnableSecondFactorForm(BaseForm):
    code = code_field("Code à 6 chiffres", "Le code affiché par l'application après avoir ajouté Passerelle.",
                      numeric=True)


class ReauthenticateForm(BaseForm):
    password = current_password_field()
    next = HiddenField()


class ReauthenticateWithCodeForm(ReauthenticateForm):
    code = code_field("Code à 6 chiffres ou code de secours", "Le code affiché par votre application "
                      "d'authentification, ou l'un de vos codes de secours.")


class ChangeEmailForm(BaseForm):
    email = email_field("Nouvelle adresse e-mail")


class ForgotPasswordForm(BaseForm):
    email = email_field()


class ResetPasswordForm(NewPasswordMixin, BaseForm):
    password, confirm = new_password_fields()


class AcceptInvitationForm(NewPasswordMixin, BaseForm):
    full_name = StringField("Nom et prénom", validators=[
        DataRequired(message="Indiquez votre nom."), max_length(120)], render_kw={"autocomplete": "name"})
    password, confirm = new_password_fields()


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = current_password_field("Mot de passe actuel", "Indiquez votre mot de passe actuel.")
    password, confirm = new_password_fields()


def _choices(labels: dict):
    return choices((str(value), label) for value, label in labels.items())


class OrganisationForm(BaseForm):
    name = StringField("Nom", validators=[DataRequired(message="Indiquez le nom."), max_length(200)])
    short_name = StringField("Nom court", validators=[Optional(), max_length(60)],
                             description="Par exemple « CS Belley » ; affiché dans les listes.")
    kind = SelectField("Type", choices=_choices(ORGANISATION_KIND_LABELS),
                       validators=[DataRequired(message="Choisissez un type.")])
    commune = StringField("Commune", validators=[Optional(), max_length(120)])
    territory = SelectField("Territoire", choices=choices([("", "Non précisé"), *TERRITORY_LABELS.items()]),
                            validators=[Optional()])
    siret = StringField("SIRET", validators=[Optional(), max_length(40)],
                        description="14 chiffres ; nécessaire pour les exports de subventions.")

    def validate_siret(self, field):
        if not field.data:
            return
        siret = clean_siret(field.data)
        if not is_valid_siret(siret):
            raise ValidationError("Ce SIRET n'est pas valide : 14 chiffres dont le dernier est une clé de contrôle.")
        field.data = siret


class InvitationForm(BaseForm):
    email = email_field("Adresse e-mail de la personne")
    full_name = StringField("Nom et prénom", validators=[DataRequired(message="Indiquez le nom."), max_length(120)])
    organisation_id = SelectField("Organisation", coerce=int, validators=[
        DataRequired(message="Choisissez une organisation.")])
    role = SelectField("Rôle", choices=_choices(ROLE_LABELS))


class RoleForm(BaseForm):
    role = SelectField("Rôle", choices=_choices(ROLE_LABELS))


class ActivationForm(BaseForm):
    """A bare form whose only purpose is to carry the CSRF token of a button."""

    active = BooleanField()


class NotificationsForm(BaseForm):
    notify_comments = BooleanField(
        "M'envoyer un e-mail pour chaque nouveau commentaire sur les projets dont je fais partie")
    notify_reports = BooleanField("M'envoyer un e-mail quand la coordination publie un compte rendu de rencontre")


class AnonymiseForm(BaseForm):
    confirm = BooleanField(
        "Je confirme que cette personne a quitté le réseau et que l'anonymisation est définitive",
        validators=[DataRequired(message="Cochez la case pour confirmer l'anonymisation.")])
