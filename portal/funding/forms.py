"""The funding screens' forms: one per kind of entry (each shows only the fields that kind has), the
annulation, and the network page's filters."""

from datetime import date

from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import DateInput

from portal.core.formatting import AmountError, parse_amount
from portal.core.forms import BaseForm, NumberRange, PartialDateField, choices, max_length
from portal.core.partial_dates import Precision
from portal.funding.rules import FIRST_FISCAL_YEAR, EntryKind, PaymentKind
from portal.funding.services.ledger import NOTE_LIMIT
from portal.projects.forms import optional_int

FIELD_ORDER = ("funder_id", "payment_kind", "fiscal_year", "decision_date", "event_date", "amount", "reference",
               "note")
DATE_MESSAGE = "Indiquez une date valide, par exemple 15/03/2024."


class AmountField(StringField):
    """An amount typed the French or the plain way (« 1 234,56 € », « 1234.56 »), kept as cents."""

    def __init__(self, label, signed: bool = False, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        # Always required (and marked so): BaseForm passes the validators list explicitly.
        kwargs["validators"] = [InputRequired(message="Indiquez le montant."), *(kwargs.get("validators") or ())]
        super().__init__(label, **kwargs)
        self.signed = signed
        self.cents: int | None = None

    def pre_validate(self, form):
        self.cents = None
        if not self.data:
            raise ValidationError("Indiquez le montant.")
        try:
            cents = parse_amount(self.data)
        except AmountError as error:
            raise ValidationError(str(error)) from None
        if cents < 0 and not self.signed:
            raise ValidationError("Le montant doit être positif.")
        self.cents = cents


class DayField(PartialDateField):
    """A day, from the browser's date picker (2024-03-15) or typed the French way (15/03/2024): the
    partial dates' reader, which must find a day, not a month or a year."""

    widget = DateInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            # Keep « Le 31 février 2024 n'existe pas… »; replace the advice to write « 2009 » or « mars 2009 ».
            raise ValueError(str(error) if "n'existe pas" in str(error) else DATE_MESSAGE) from None
        if self.data is not None:
            if self.data.precision != Precision.DAY:
                raise ValueError(DATE_MESSAGE)
            self.data = self.data.start

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""


def _date_field(label: str, required: bool = True, description: str | None = None) -> DayField:
    validators = [InputRequired(message=DATE_MESSAGE)] if required else [Optional()]
    return DayField(label, validators=validators, description=description)


class EntryForm(BaseForm):
    """The fields every kind has; subclasses add or relabel their own."""

    kind: EntryKind
    funder_id = SelectField("Financeur", coerce=optional_int, validators=[
        DataRequired(message="Choisissez le financeur.")],
        invalid_choice_message="Choisissez le financeur dans la liste.")
    fiscal_year = IntegerField("Exercice", validators=[
        InputRequired(message="Indiquez l'exercice, par exemple 2024."),
        NumberRange(min=FIRST_FISCAL_YEAR, max=2100, message="Indiquez une année, par exemple 2024.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    event_date = _date_field("Date")
    amount = AmountField("Montant (€)", description="Par exemple 12 500 ou 12 500,50.")
    reference = StringField("Référence", validators=[Optional(), max_length(200)])
    note = TextAreaField("Note", validators=[Optional(), max_length(NOTE_LIMIT)])

    def __init__(self, *args, funders: list[tuple[int | str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if "funder_id" in self:
            self.funder_id.choices = choices(funders)
        if not self.is_submitted():
            self.fiscal_year.data = self.fiscal_year.data or date.today().year
            self.event_date.data = self.event_date.data or date.today()

    def fields_in_order(self) -> list:
        """The fields to show, in the order people fill them (subclasses redefine some fields, which
        would otherwise move them to the end)."""
        return [self[name] for name in FIELD_ORDER if name in self]


class BudgetForm(EntryForm):
    kind = EntryKind.BUDGET
    funder_id = None
    event_date = _date_field("Date du budget", description="Le jour où ce budget a été établi ou voté.")
    amount = AmountField("Coût prévu de l'action pour l'exercice (€)", description="Par exemple 42 000.")
    reference = StringField("Référence", validators=[Optional(), max_length(200)],
                            description="Facultatif : n° de la délibération du conseil d'administration...")


class DemandeForm(EntryForm):
    kind = EntryKind.DEMANDE
    funder_id = SelectField("Financeur sollicité", coerce=optional_int, validators=[
        DataRequired(message="Choisissez le financeur.")],
        invalid_choice_message="Choisissez le financeur dans la liste.",
        description="Le financeur voit alors les financements du projet, s'il voit le projet : pour un projet "
                    "réservé à ses partenaires, ajoutez-le aussi comme partenaire « Financeur » sur la fiche.")
    event_date = _date_field("Date de dépôt de la demande")
    amount = AmountField("Montant demandé (€)")
    reference = StringField("N° de dossier", validators=[Optional(), max_length(200)])


class AccordForm(EntryForm):
    kind = EntryKind.ACCORD
    decision_date = _date_field("Date de la décision", description="Date de la délibération ou de la commission.")
    event_date = _date_field("Date de notification ou de la convention")
    amount = AmountField("Montant accordé (€)")
    reference = StringField("N° de convention ou de délibération", validators=[Optional(), max_length(200)])


class VersementForm(EntryForm):
    kind = EntryKind.VERSEMENT
    payment_kind = RadioField("Type de versement", choices=choices(
        (kind.value, kind.label) for kind in PaymentKind), validators=[InputRequired(
            message="Précisez s'il s'agit d'un acompte ou du solde.")],
        invalid_choice_message="Précisez s'il s'agit d'un acompte ou du solde.",
        description="Après le solde, plus rien n'est versé pour cet exercice.")
    event_date = _date_field("Date du versement")
    amount = AmountField("Montant versé (€)")
    reference = StringField("Référence du virement", validators=[Optional(), max_length(200)])


class AvenantForm(EntryForm):
    kind = EntryKind.AVENANT
    event_date = _date_field("Date de l'avenant")
    amount = AmountField("Changement du montant accordé (€)", signed=True,
                         description="Une hausse (1 500) ou une baisse (-1 500) du montant accordé.")
    reference = StringField("N° de l'avenant", validators=[Optional(), max_length(200)])


class RefusForm(EntryForm):
    kind = EntryKind.REFUS
    event_date = _date_field("Date de la décision de refus")
    amount = AmountField("Montant refusé (€)")
    reference = StringField("Référence de la décision", validators=[Optional(), max_length(200)])


ENTRY_FORMS: dict[EntryKind, type[EntryForm]] = {form.kind: form for form in (
    BudgetForm, DemandeForm, AccordForm, VersementForm, AvenantForm, RefusForm)}


class AnnulationForm(BaseForm):
    note = TextAreaField("Motif de l'annulation", validators=[
        DataRequired(message="Indiquez le motif de l'annulation."), max_length(NOTE_LIMIT)],
        description="Par exemple : « versement saisi deux fois ». L'écriture reste visible, barrée.")


class NetworkFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    fiscal_year = SelectField("Exercice", coerce=str, validators=[Optional()])
    funder_id = SelectField("Financeur", coerce=str, validators=[Optional()])
