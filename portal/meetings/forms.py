"""One form per screen of the meetings module. Forms check what a field can check alone; the services check
the rest (a number already taken, an empty report on publishing) and their messages come back on the fields."""

from datetime import datetime, time

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from portal.core.formatting import PARIS, to_paris
from portal.core.forms import BaseForm, CheckboxListField, choices, max_length
from portal.core.urls import request_int
from portal.meetings.services.rencontres import AtelierData, FacilitatorData, RencontreData, TestimonyData

MARKDOWN_HINT = ("Mise en forme Markdown : « ## » pour un titre, « - » pour une liste, **gras**, *italique*, "
                 "tableaux avec « | ». Les images ne peuvent venir que du portail.")
EMPTY_TESTIMONY_ROWS = 1


def optional_int(value) -> int | None:
    """Select values: "" means "none"; anything not a number is treated as none (never a 500)."""
    if isinstance(value, int):
        return value
    try:
        return request_int(str(value or "").strip())  # bounded: a 400-digit number is "none" too
    except ValueError:
        return None


def _paris_moment(day, hour: time | None) -> datetime | None:
    """A day and a time typed in Paris time → an aware moment (stored UTC by the column)."""
    if day is None or hour is None:
        return None
    return datetime.combine(day, hour).replace(tzinfo=PARIS)


class RencontreForm(BaseForm):
    title = StringField("Titre", validators=[DataRequired(message="Indiquez le titre de la rencontre."),
                                             max_length(200)])
    ordinal = IntegerField("Numéro de la rencontre", validators=[
        Optional(), NumberRange(min=1, max=1000, message="Un nombre entre 1 et 1000.")],
        description="2 pour la « 2e rencontre » ; laissez vide si elle n'est pas numérotée.")
    starts_on = DateField("Date", validators=[InputRequired(message="Indiquez la date de la rencontre.")],
                          format="%Y-%m-%d")
    starts_time = TimeField("Heure de début", validators=[InputRequired(message="Indiquez l'heure de début.")],
                            description="Heure de Paris.")
    ends_time = TimeField("Heure de fin", validators=[Optional()], description="Heure de Paris, le même jour.")
    place = StringField("Lieu", validators=[Optional(), max_length(300)])
    organiser_id = SelectField("Organisation qui accueille", coerce=optional_int,
                               invalid_choice_message="Organisation inconnue : choisissez-la dans la liste.")
    description = TextAreaField("Présentation", validators=[Optional(), max_length(20_000)],
                                description=MARKDOWN_HINT, render_kw={"rows": 8})

    def setup(self, organisations) -> "RencontreForm":
        self.organiser_id.choices = choices([("", "— Aucune —"), *((o.id, o.name) for o in organisations)])
        return self

    def to_data(self) -> RencontreData:
        return RencontreData(
            title=self.title.data, ordinal=self.ordinal.data,
            starts_at=_paris_moment(self.starts_on.data, self.starts_time.data),
            ends_at=_paris_moment(self.starts_on.data, self.ends_time.data),
            place=self.place.data or "", organiser_id=self.organiser_id.data, description=self.description.data or "")

    def fill_from(self, rencontre) -> None:
        start = to_paris(rencontre.starts_at)
        self.title.data, self.ordinal.data = rencontre.title, rencontre.ordinal
        self.starts_on.data, self.starts_time.data = start.date(), start.time().replace(second=0, microsecond=0)
        self.ends_time.data = to_paris(rencontre.ends_at).time() if rencontre.ends_at else None
        self.place.data, self.organiser_id.data = rencontre.place, rencontre.organiser_id
        self.description.data = rencontre.description


class TestimonyRowForm(SubForm):
    """One testimony: a project and the structure that presented it. A line without a project is ignored."""

    project_id = SelectField("Projet", coerce=optional_int,
                             invalid_choice_message="Projet inconnu : choisissez-le dans la liste.")
    organisation_id = SelectField("Structure qui témoigne", coerce=optional_int,
                                  invalid_choice_message="Organisation inconnue : choisissez-la dans la liste.")


class AtelierForm(BaseForm):
    number = IntegerField("Numéro de l'atelier", validators=[
        InputRequired(message="Indiquez le numéro de l'atelier."),
        NumberRange(min=1, max=1000, message="Un nombre entre 1 et 1000.")])
    theme = StringField("Thème", validators=[DataRequired(message="Indiquez le thème de l'atelier."),
                                             max_length(200)])
    facilitator_ids = SelectMultipleField("Co-animation : personnes du portail", coerce=int,
                                          description="Elles pourront rédiger le compte rendu avec la coordination. "
                                                      "Ctrl ou Cmd pour en choisir plusieurs.",
                                          render_kw={"size": 6})
    facilitator_names = TextAreaField("Co-animation : autres personnes", validators=[Optional(), max_length(2000)],
                                      description="Une personne par ligne (sans compte sur le portail).",
                                      render_kw={"rows": 3})
    testimonies = FieldList(FormField(TestimonyRowForm), label="Témoignages", min_entries=0)
    participant_user_ids = SelectMultipleField("Participants : personnes du portail", coerce=int,
                                               render_kw={"size": 6})
    participant_organisation_ids = CheckboxListField("Participants : organisations représentées", coerce=int)
    other_participants = IntegerField("Autres participants (nombre)", default=0, validators=[
        Optional(), NumberRange(min=0, max=100_000, message="Un nombre positif.")])

    def setup(self, users, organisations, projects) -> "AtelierForm":
        people = [(user.id, f"{user.full_name} ({user.organisation.display_name})") for user in users]
        self.facilitator_ids.choices = choices(people)
        self.participant_user_ids.choices = choices(people)
        self.participant_organisation_ids.choices = choices((o.id, o.name) for o in organisations)
        self._organisations, self._projects = organisations, projects
        for row in self.testimonies:
            self._row_choices(row)
        return self

    def _row_choices(self, row) -> None:
        row.project_id.choices = choices([("", "— Aucun —"), *((p.id, p.title) for p in self._projects)])
        row.organisation_id.choices = choices([("", "— Choisir —"), *((o.id, o.name) for o in self._organisations)])

    def add_testimony_rows(self, count: int = EMPTY_TESTIMONY_ROWS) -> None:
        for _ in range(count):
            self.testimonies.append_entry()
            self._row_choices(self.testimonies[-1])
        for number, row in enumerate(self.testimonies, start=1):
            row.project_id.label.text = f"Témoignage {number} : projet"
            row.organisation_id.label.text = f"Témoignage {number} : structure qui témoigne"

    def validate_testimonies(self, field) -> None:
        for row in field:
            if row.project_id.data and not row.organisation_id.data:
                row.organisation_id.errors = [*row.organisation_id.errors, "Choisissez la structure qui témoigne."]
                raise ValueError("Chaque témoignage nomme la structure qui l'a présenté.")

    def to_data(self) -> AtelierData:
        names = [line.strip() for line in (self.facilitator_names.data or "").split("\n") if line.strip()]
        return AtelierData(
            number=self.number.data, theme=self.theme.data,
            facilitators=[FacilitatorData(user_id=user_id) for user_id in self.facilitator_ids.data or []]
            + [FacilitatorData(name=name) for name in names],
            testimonies=[TestimonyData(row.project_id.data, row.organisation_id.data)
                         for row in self.testimonies if row.project_id.data],
            participant_user_ids=list(self.participant_user_ids.data or []),
            participant_organisation_ids=list(self.participant_organisation_ids.data or []),
            other_participants=self.other_participants.data or 0)

    def fill_from(self, atelier) -> None:
        self.number.data, self.theme.data = atelier.number, atelier.theme
        self.facilitator_ids.data = [f.user_id for f in atelier.facilitators if f.user_id]
        self.facilitator_names.data = "\n".join(f.name for f in atelier.facilitators if f.user_id is None)
        self.participant_user_ids.data = [user.id for user in atelier.participant_users]
        self.participant_organisation_ids.data = [org.id for org in atelier.participant_organisations]
        self.other_participants.data = atelier.other_participants
        while len(self.testimonies):
            self.testimonies.pop_entry()
        for testimony in atelier.testimonies:
            self.testimonies.append_entry({"project_id": testimony.project_id,
                                           "organisation_id": testimony.organisation_id})
            self._row_choices(self.testimonies[-1])


class NewReportForm(BaseForm):
    """Start the compte rendu of an atelier, or of the whole rencontre (no atelier)."""

    atelier_id = SelectField("Compte rendu de", coerce=optional_int,
                             invalid_choice_message="Atelier inconnu : choisissez-le dans la liste.")
    title = StringField("Titre (compte rendu de toute la rencontre)", validators=[Optional(), max_length(200)])

    def setup(self, ateliers) -> "NewReportForm":
        self.atelier_id.choices = choices([("", "Toute la rencontre"), *((a.id, a.heading) for a in ateliers)])
        return self


class DraftForm(BaseForm):
    """The editor: the Markdown body, saved as a draft, previewed, or published (coordinators)."""

    title = StringField("Titre", validators=[Optional(), max_length(200)],
                        description="Pour le compte rendu d'une rencontre entière.")
    body = TextAreaField("Texte du compte rendu", description=MARKDOWN_HINT,
                         render_kw={"rows": 24, "class": "markdown", "spellcheck": "true"})
    is_public = BooleanField("Public : lisible et téléchargeable sans compte, par toute personne qui a le lien")
    lock_version = HiddenField()

    def expected_version(self) -> int | None:
        return optional_int(self.lock_version.data)

    def fill_from(self, report) -> None:
        self.title.data, self.body.data, self.is_public.data = report.title, report.body, report.is_public
        self.set_version(report.lock_version)

    def set_version(self, version: int) -> None:
        self.lock_version.data = str(version)
        self.lock_version.raw_data = [str(version)]


class PublishForm(BaseForm):
    change_note = StringField("Ce qui a changé depuis la version précédente", validators=[Optional(),
                                                                                        max_length(500)],
                              description="Quelques mots, lus par les partenaires dans la liste des versions.")
