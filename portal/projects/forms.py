"""One form per screen of the projects module. Forms check what a field can check alone (required, length,
a real date, a known choice); the services check the rules between fields and against the database."""

from wtforms import FieldList, FormField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from portal.accounts.forms import email_field
from portal.accounts.models import TERRITORY_LABELS
from portal.core.forms import BaseForm, CheckboxListField, NumberRange, PartialDateField, choices, max_length
from portal.core.partial_dates import EXAMPLES
from portal.core.urls import request_int
from portal.projects.models import MemberRole, MilestoneKind, PartnerRole, Status, Visibility
from portal.projects.services import comments as comment_rules
from portal.projects.services import milestones as milestone_rules
from portal.projects.services import pages as page_rules
from portal.projects.services.pages import PartnerChoice, ProjectData

EMPTY_PARTNER_ROWS = 2
MARKDOWN_HINT = ("Mise en forme simple possible : **gras**, *italique*, listes commençant par « - », "
                 "titres commençant par « ## », liens [texte](https://…).")


def optional_int(value) -> int | None:
    """Select values: "" means "none"; anything not a number is treated as none (never a 500)."""
    if isinstance(value, int):
        return value
    try:
        return request_int(str(value or "").strip())
    except ValueError:
        return None


def organisation_choices(organisations, empty_label: str = "— Choisir une organisation —"):
    return choices([("", empty_label), *((org.id, org.name) for org in organisations)])


# --- the project page ---------------------------------------------------------------------------------

class PartnerRowForm(SubForm):
    """One line of the partners table. A line without an organisation is ignored (the spare lines)."""

    organisation_id = SelectField("Organisation partenaire", coerce=optional_int,
                                  invalid_choice_message="Organisation inconnue : choisissez-la dans la liste.")
    role = SelectField("Rôle", choices=choices(PartnerRole.pairs()), default=PartnerRole.OPERATIONNEL,
                       invalid_choice_message="Rôle inconnu.")


class ProjectForm(BaseForm):
    title = StringField("Titre", validators=[DataRequired(message="Indiquez le titre du projet."),
                                             max_length(page_rules.TITLE_MAX)])
    summary = TextAreaField("Résumé en une ou deux phrases", validators=[
        DataRequired(message="Résumez le projet en une ou deux phrases."), max_length(page_rules.SUMMARY_MAX)],
        description="Affiché dans l'annuaire des projets.", render_kw={"rows": 2})
    description = TextAreaField("Description", validators=[Optional(), max_length(page_rules.DESCRIPTION_MAX)],
                                description=MARKDOWN_HINT, render_kw={"class": "markdown", "rows": 14})
    carrier_id = SelectField("Organisation porteuse", coerce=optional_int, validators=[
        DataRequired(message="Choisissez l'organisation qui porte le projet.")],
        invalid_choice_message="Organisation inconnue : choisissez-la dans la liste.")
    status = SelectField("État", choices=choices(Status.pairs()), default=Status.EN_COURS,
                         invalid_choice_message="État inconnu.")
    start = PartialDateField("Début", validators=[Optional()],
                             description=f"Une année, un mois ou un jour : {EXAMPLES}.")
    end = PartialDateField("Fin", validators=[Optional()], description="Laissez vide si l'action continue.")
    territory_kind = SelectField("Type de territoire", choices=choices([("", "Non précisé"),
                                                                        *TERRITORY_LABELS.items()]),
                                 invalid_choice_message="Type de territoire inconnu.")
    communes = StringField("Communes", validators=[Optional(), max_length(2000)],
                           description="Séparées par des virgules, par exemple : Belley, Virieu-le-Grand.")
    visibility = RadioField("Qui peut voir cette page ?", choices=choices(Visibility.pairs()),
                            default=Visibility.NETWORK, invalid_choice_message="Visibilité inconnue.")
    themes = CheckboxListField("Thèmes", coerce=int, invalid_value_message="Thème inconnu.",
                               invalid_choice_message="Thème inconnu : il a peut-être été retiré de la liste.")
    publics = CheckboxListField("Publics", coerce=int, invalid_value_message="Public inconnu.",
                                invalid_choice_message="Public inconnu : il a peut-être été retiré de la liste.")
    partners = FieldList(FormField(PartnerRowForm), label="Partenaires", min_entries=1)
    reason = StringField("Pourquoi cette modification ? (facultatif)", validators=[Optional(), max_length(500)],
                         description="Par exemple : « nouveau public accueilli depuis septembre ». "
                                     "Ce motif apparaît dans l'historique.")
    version = HiddenField()

    def setup(self, organisations, themes, publics, carrier_choices=None) -> "ProjectForm":
        """Fill the choices from the database, and keep spare partner lines to fill in."""
        self.carrier_id.choices = organisation_choices(carrier_choices if carrier_choices is not None
                                                       else organisations)
        for row in self.partners:
            row.organisation_id.choices = organisation_choices(organisations, "— Aucune —")
        self._number_rows()
        self.themes.choices = choices((theme.id, theme.name) for theme in themes)
        self.publics.choices = choices((public.id, public.name) for public in publics)
        return self

    def add_partner_rows(self, organisations, count: int = EMPTY_PARTNER_ROWS) -> None:
        for _ in range(count):
            self.partners.append_entry()
            self.partners[-1].organisation_id.choices = organisation_choices(organisations, "— Aucune —")
        self._number_rows()

    def _number_rows(self) -> None:
        """« Organisation partenaire 2 », « Rôle du partenaire 2 »: each line's fields say which line."""
        for number, row in enumerate(self.partners, start=1):
            row.organisation_id.label.text = f"Organisation partenaire {number}"
            row.role.label.text = f"Rôle du partenaire {number}"

    def validate_end(self, field):
        problem = page_rules.end_before_start(self.start.data, field.data)
        if problem:
            raise ValidationError(problem)

    def expected_version(self) -> int | None:
        return optional_int(self.version.data)

    def set_version(self, version: int) -> None:
        """After a stale save: the next save is made knowingly over the version now shown."""
        self.version.data = str(version)
        self.version.raw_data = [str(version)]

    def to_data(self) -> ProjectData:
        return ProjectData(
            title=self.title.data, summary=self.summary.data or "", description=self.description.data or "",
            carrier_id=self.carrier_id.data, status=self.status.data, start=self.start.data, end=self.end.data,
            territory_kind=self.territory_kind.data or None,
            communes=(self.communes.data or "").split(","),
            visibility=self.visibility.data,
            partners=[PartnerChoice(row.organisation_id.data, row.role.data)
                      for row in self.partners if row.organisation_id.data],
            theme_ids=list(self.themes.data or []), public_ids=list(self.publics.data or []),
        )

    def fill_from(self, project, organisations, only: set[str] | None = None) -> None:
        """Show the page as it is now (all fields, or ``only`` those), and its version."""
        values = {
            "title": project.title, "summary": project.summary, "description": project.description,
            "carrier_id": project.carrier_id, "status": project.status, "start": project.start,
            "end": project.end, "territory_kind": project.territory_kind or "",
            "communes": ", ".join(project.commune_names), "visibility": project.visibility,
            "themes": [theme.id for theme in project.themes], "publics": [public.id for public in project.publics],
        }
        for name, value in values.items():
            if only is None or name in only:
                field = getattr(self, name)
                field.data, field.raw_data = value, []  # shown instead of what was posted
        if only is None or "partners" in only:
            self._fill_partners(project, organisations)
        self.set_version(project.version)

    def _fill_partners(self, project, organisations) -> None:
        while len(self.partners):
            self.partners.pop_entry()
        for partner in project.partners:
            self.partners.append_entry({"organisation_id": partner.organisation_id, "role": partner.role})
            self.partners[-1].organisation_id.choices = organisation_choices(organisations, "— Aucune —")
        self.add_partner_rows(organisations)


# --- milestones, comments, members ----------------------------------------------------------------------

class MilestoneForm(BaseForm):
    # InputRequired, not DataRequired: the latter would replace "31 février n'existe pas" by "required".
    when = PartialDateField("Date", validators=[InputRequired(message="Indiquez la date, même approximative.")],
                            description=f"Une année, un mois ou un jour : {EXAMPLES}.")
    kind = SelectField("Type de jalon", choices=choices(MilestoneKind.pairs()), default=MilestoneKind.AUTRE,
                       invalid_choice_message="Type de jalon inconnu.")
    title = StringField("Titre", validators=[DataRequired(message="Donnez un titre au jalon."),
                                             max_length(milestone_rules.TITLE_MAX)],
                        description="Par exemple : « Réorientation : donner envie de partager ».")
    text = TextAreaField("Ce qui s'est passé (facultatif)", validators=[Optional(),
                                                                     max_length(milestone_rules.TEXT_MAX)],
                         description=MARKDOWN_HINT, render_kw={"rows": 6})

    def to_data(self) -> milestone_rules.MilestoneData:
        return milestone_rules.MilestoneData(kind=self.kind.data, title=self.title.data, when=self.when.data,
                                             text=self.text.data or "")


class CommentForm(BaseForm):
    body = TextAreaField("Votre message", validators=[DataRequired(message="Écrivez votre message."),
                                                      max_length(comment_rules.BODY_MAX)],
                         description=MARKDOWN_HINT, render_kw={"rows": 4})


class MemberForm(BaseForm):
    user_id = SelectField("Personne", coerce=optional_int, validators=[
        DataRequired(message="Choisissez une personne.")],
        invalid_choice_message="Choisissez une personne d'une organisation du projet.")
    role = SelectField("Rôle dans le projet", choices=choices(MemberRole.pairs()),
                       invalid_choice_message="Rôle inconnu.")


class MemberRoleForm(BaseForm):
    role = SelectField("Rôle dans le projet", choices=choices(MemberRole.pairs()),
                       invalid_choice_message="Rôle inconnu.")


class InvitePersonForm(BaseForm):
    full_name = StringField("Nom et prénom", validators=[DataRequired(message="Indiquez le nom."), max_length(120)])
    email = email_field("Adresse e-mail de la personne")
    role = SelectField("Rôle dans le projet", choices=choices(MemberRole.pairs()),
                       default=MemberRole.PERSONNE_CONCERNEE, invalid_choice_message="Rôle inconnu.")

class ConfirmForm(BaseForm):
    """A bare form for a button (delete, remove): it only carries the CSRF token."""


class TaxonomyEntryForm(BaseForm):
    name = StringField("Nom", validators=[DataRequired(message="Indiquez un nom."), max_length(80)])


# --- the directory (GET: no CSRF, bad values ignored) ---------------------------------------------------

class DirectoryForm(BaseForm):
    class Meta:
        csrf = False

    mots = StringField("Mots", validators=[Optional(), max_length(200)],
                    description="Cherchés dans les titres, résumés et descriptions.", render_kw={"type": "search"})
    theme = SelectField("Thème", coerce=optional_int, validate_choice=False)
    public = SelectField("Public", coerce=optional_int, validate_choice=False)
    territoire = SelectField("Territoire", choices=choices([("", "Tous"), *TERRITORY_LABELS.items()]),
                             validate_choice=False)
    commune = SelectField("Commune", validate_choice=False)
    organisation = SelectField("Organisation", coerce=optional_int, validate_choice=False)
    etat = SelectField("État", choices=choices([("", "Tous"), *Status.pairs()]), validate_choice=False)
    annee = IntegerField("Actif en", validators=[Optional(), NumberRange(min=1900, max=2100,
                                                                        message="Une année entre 1900 et 2100.")],
                        render_kw={"inputmode": "numeric", "placeholder": "année"})

    def setup(self, options: dict) -> "DirectoryForm":
        self.theme.choices = choices([("", "Tous"), *((t.id, t.name) for t in options["themes"])])
        self.public.choices = choices([("", "Tous"), *((p.id, p.name) for p in options["publics"])])
        self.commune.choices = choices([("", "Toutes"), *((name, name) for name in options["communes"])])
        self.organisation.choices = choices([("", "Toutes"), *((o.id, o.name) for o in options["organisations"])])
        return self
