"""The ledger's vocabulary and rules, as pure functions over entries (no database).

The same functions serve three purposes: they check a new entry before it is written (the services
load the project's entries once), they keep a running balance while a large file is imported (no
query per row), and the tests cross-check them against the SQL aggregation the pages use.

Meaning of the amounts, per funder and fiscal year:

- requested = Σ demande, refused = Σ refus
- granted   = Σ accord + Σ avenant (an avenant is a signed change of the granted amount)
- paid      = Σ versement, still to pay = granted − paid
- an annulled entry counts for nothing. An annulation carries the funder, fiscal year and amount of
  the entry it annuls (so the log reads on its own), and counts for nothing itself.

Every rule about a new entry looks only at the entries of the same fiscal year with the same funder
or with none (budgets, and annulations of budgets): the services load just those rows.

Per fiscal year: budget = Σ budget (one active budget per year: a new one needs the old one annulled),
reste à financer = budget − Σ granted over every funder.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from portal.core.choices import LabelledChoice
from portal.core.formatting import format_cents


class EntryKind(LabelledChoice):
    BUDGET = "budget", "Budget prévisionnel"
    DEMANDE = "demande", "Demande"
    ACCORD = "accord", "Accord"
    VERSEMENT = "versement", "Versement"
    AVENANT = "avenant", "Avenant"
    REFUS = "refus", "Refus"
    ANNULATION = "annulation", "Annulation"


# Who records what (DESIGN.md): the carrier plans and asks, the funder decides and pays.
CARRIER_KINDS = frozenset({EntryKind.BUDGET, EntryKind.DEMANDE})
FUNDER_KINDS = frozenset({EntryKind.ACCORD, EntryKind.VERSEMENT, EntryKind.AVENANT, EntryKind.REFUS})


class PaymentKind(LabelledChoice):
    ACOMPTE = "acompte", "Acompte"
    SOLDE = "solde", "Solde"


# Sane bounds: an action of the network never costs ten million euros a year; a typing slip
# (an extra zero or two) is caught before it reaches a ledger that cannot be edited.
MAX_AMOUNT_CENTS = 10_000_000_00
FIRST_FISCAL_YEAR = 1990
YEARS_AHEAD = 5


class LedgerRuleError(Exception):
    """A rule refused the entry; ``field`` names the form field the French message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class EntryFacts:
    """What the rules need to know of one entry. ``key`` identifies it within its project (the
    database id once written; any unique value before)."""

    key: int
    kind: EntryKind
    fiscal_year: int
    amount_cents: int
    funder_id: int | None = None
    payment_kind: PaymentKind | None = None
    annuls_key: int | None = None


@dataclass
class FunderYearBalance:
    funder_id: int
    fiscal_year: int
    requested: int = 0
    granted: int = 0
    paid: int = 0
    refused: int = 0
    soldes: int = 0  # active versements marked « solde »: after one, nothing more is paid

    @property
    def still_to_pay(self) -> int:
        return self.granted - self.paid

    @property
    def is_empty(self) -> bool:
        return not (self.requested or self.granted or self.paid or self.refused)


@dataclass
class YearBalance:
    fiscal_year: int
    budget: int | None = None
    requested: int = 0
    granted: int = 0
    paid: int = 0
    funders: list[FunderYearBalance] = field(default_factory=list)

    @property
    def still_to_fund(self) -> int | None:
        """Reste à financer: the budget not yet covered by grants (None when no budget is set)."""
        return None if self.budget is None else self.budget - self.granted


# --- the state of a ledger ------------------------------------------------------------------------

class LedgerState:
    """A project's ledger folded into balances, entry by entry. ``check`` tells whether one more entry
    would break a rule, in constant time, so a file of tens of thousands of rows is checked without a
    query or a rescan per row; the web services build it once from the project's entries."""

    def __init__(self, entries: Iterable[EntryFacts] = ()):
        self.by_key: dict[int, EntryFacts] = {}
        self.annulled: set[int] = set()
        self.balances: dict[tuple[int, int], FunderYearBalance] = {}
        self.budgets: dict[int, int] = defaultdict(int)
        for entry in entries:
            self.add(entry)

    @classmethod
    def from_balances(cls, balances: Iterable[FunderYearBalance], budgets: dict[int, int],
                      known: Iterable[EntryFacts] = (), annulled: Iterable[int] = ()) -> "LedgerState":
        """A state seeded with balances the database summed, plus the few entries a check must see
        by themselves (the one an annulation reverses): the web services' way, O(1) in Python."""
        state = cls()
        state.balances = {(b.funder_id, b.fiscal_year): b for b in balances}
        state.budgets.update(budgets)
        state.by_key = {entry.key: entry for entry in known}
        state.annulled = set(annulled)
        return state

    def add(self, entry: EntryFacts) -> None:
        """Fold one entry in (already checked, or read back from the database)."""
        self.by_key[entry.key] = entry
        if entry.kind is EntryKind.ANNULATION:
            target = self.by_key.get(entry.annuls_key)
            if target is not None and target.key not in self.annulled:
                self.annulled.add(target.key)
                self._count(target, -1)
        else:
            self._count(entry, +1)

    def append(self, entry: EntryFacts, today: date) -> None:
        self.check(entry, today)
        self.add(entry)

    def _count(self, entry: EntryFacts, sign: int) -> None:
        if entry.kind is EntryKind.BUDGET:
            self.budgets[entry.fiscal_year] += sign * entry.amount_cents
            return
        key = (entry.funder_id, entry.fiscal_year)
        balance = self.balances.setdefault(key, FunderYearBalance(entry.funder_id, entry.fiscal_year))
        amount = sign * entry.amount_cents
        if entry.kind is EntryKind.DEMANDE:
            balance.requested += amount
        elif entry.kind in (EntryKind.ACCORD, EntryKind.AVENANT):
            balance.granted += amount
        elif entry.kind is EntryKind.VERSEMENT:
            balance.paid += amount
            balance.soldes += sign if entry.payment_kind is PaymentKind.SOLDE else 0
        elif entry.kind is EntryKind.REFUS:
            balance.refused += amount

    def has_budget(self, fiscal_year: int) -> bool:
        return self.budgets.get(fiscal_year, 0) > 0  # budgets are positive: a sum of 0 means all annulled

    # --- checks --------------------------------------------------------------------------------

    def check(self, entry: EntryFacts, today: date) -> None:
        """Refuse ``entry`` (LedgerRuleError) when appending it would break a rule."""
        check_shape(entry, today)
        if entry.kind is EntryKind.ANNULATION:
            self._check_annulation(entry)
            return
        balance = self.balances.get((entry.funder_id, entry.fiscal_year))
        if entry.kind is EntryKind.BUDGET and self.has_budget(entry.fiscal_year):
            raise LedgerRuleError(f"Un budget est déjà enregistré pour {entry.fiscal_year} : annulez-le avant "
                                  "d'en saisir un nouveau.", "fiscal_year")
        if entry.kind is EntryKind.VERSEMENT:
            _check_payment(balance, entry)
        elif entry.kind is EntryKind.AVENANT:
            _check_amendment(balance, entry)

    def _check_annulation(self, entry: EntryFacts) -> None:
        target = self.by_key.get(entry.annuls_key)
        if target is None:
            raise LedgerRuleError("Cette écriture n'appartient pas au journal de ce projet.", "annuls_entry_id")
        if target.kind is EntryKind.ANNULATION:
            raise LedgerRuleError("Une annulation ne s'annule pas : enregistrez à nouveau l'écriture.",
                                  "annuls_entry_id")
        if target.key in self.annulled:
            raise LedgerRuleError("Cette écriture est déjà annulée.", "annuls_entry_id")
        if target.kind in (EntryKind.ACCORD, EntryKind.AVENANT):
            _check_grant_withdrawal(self.balances[(target.funder_id, target.fiscal_year)], target)


# --- balances ----------------------------------------------------------------------------------

def funder_balances(entries: Iterable[EntryFacts]) -> dict[tuple[int, int], FunderYearBalance]:
    """Requested, granted, paid and refused per (funder, fiscal year); pairs left empty by annulations
    are dropped, as the SQL aggregation has no row for them."""
    return {key: b for key, b in LedgerState(entries).balances.items() if not b.is_empty}


def year_balances(entries: Iterable[EntryFacts]) -> list[YearBalance]:
    """Each fiscal year with its budget, its funders' balances and what is still to fund, oldest first."""
    state = LedgerState(entries)
    years: dict[int, YearBalance] = {}
    for fiscal_year, budget in state.budgets.items():
        if state.has_budget(fiscal_year):
            years[fiscal_year] = YearBalance(fiscal_year, budget=budget)
    for balance in sorted(state.balances.values(), key=lambda b: b.funder_id):
        if balance.is_empty:
            continue
        year = years.setdefault(balance.fiscal_year, YearBalance(balance.fiscal_year))
        year.funders.append(balance)
        year.requested += balance.requested
        year.granted += balance.granted
        year.paid += balance.paid
    return [years[y] for y in sorted(years)]


def check_append(existing: Iterable[EntryFacts], entry: EntryFacts, today: date) -> None:
    """Refuse ``entry`` when appending it to ``existing`` (the project's ledger) would break a rule."""
    LedgerState(existing).check(entry, today)


# --- checks that need nothing but the entry, or one balance ------------------------------------------

def check_shape(entry: EntryFacts, today: date) -> None:
    """Amount bounds and sign, funder, year, payment kind."""
    _check_amount(entry)
    _check_fiscal_year(entry.fiscal_year, today)
    if entry.kind is EntryKind.BUDGET and entry.funder_id is not None:
        raise LedgerRuleError("Un budget prévisionnel n'a pas de financeur.", "funder_id")
    if entry.kind in FUNDER_KINDS | {EntryKind.DEMANDE} and entry.funder_id is None:
        raise LedgerRuleError("Choisissez le financeur.", "funder_id")
    if entry.kind is EntryKind.VERSEMENT and entry.payment_kind is None:
        raise LedgerRuleError("Précisez s'il s'agit d'un acompte ou du solde.", "payment_kind")
    if entry.kind is not EntryKind.VERSEMENT and entry.payment_kind is not None:
        raise LedgerRuleError("Seul un versement est un acompte ou un solde.", "payment_kind")


def _check_amount(entry: EntryFacts) -> None:
    amount = entry.amount_cents
    if entry.kind is EntryKind.ANNULATION:
        return  # the service copies the annulled entry's amount
    if entry.kind is EntryKind.AVENANT:
        if amount == 0:
            raise LedgerRuleError("Un avenant change le montant accordé : indiquez une hausse ou une baisse "
                                  "(par exemple -500 pour une baisse de 500 €).", "amount")
    elif amount <= 0:
        raise LedgerRuleError("Le montant doit être positif.", "amount")
    if abs(amount) > MAX_AMOUNT_CENTS:
        raise LedgerRuleError(f"Le montant ne peut dépasser {format_cents(MAX_AMOUNT_CENTS)} : "
                              "vérifiez qu'il n'y a pas un zéro de trop.", "amount")


def _check_fiscal_year(year: int, today: date) -> None:
    last = today.year + YEARS_AHEAD
    if not FIRST_FISCAL_YEAR <= year <= last:
        raise LedgerRuleError(f"L'exercice doit être compris entre {FIRST_FISCAL_YEAR} et {last}.", "fiscal_year")


def _check_payment(balance: FunderYearBalance | None, entry: EntryFacts) -> None:
    if balance is None or balance.granted <= 0:
        raise LedgerRuleError(f"Rien n'est accordé par ce financeur pour {entry.fiscal_year} : "
                              "enregistrez d'abord l'accord.", "amount")
    if balance.soldes:
        raise LedgerRuleError(f"Le solde de {entry.fiscal_year} a déjà été versé par ce financeur.", "payment_kind")
    if entry.amount_cents > balance.still_to_pay:
        raise LedgerRuleError(f"Ce versement dépasse ce qui reste à verser pour {entry.fiscal_year} : "
                              f"{format_cents(balance.still_to_pay)} au plus.", "amount")


def _check_amendment(balance: FunderYearBalance | None, entry: EntryFacts) -> None:
    if balance is None or balance.granted <= 0:
        raise LedgerRuleError(f"Aucun accord de ce financeur pour {entry.fiscal_year} : un avenant modifie "
                              "un accord existant.", "funder_id")
    if balance.granted + entry.amount_cents < balance.paid:
        raise LedgerRuleError(f"Cet avenant ramènerait le montant accordé à "
                              f"{format_cents(balance.granted + entry.amount_cents)}, sous les "
                              f"{format_cents(balance.paid)} déjà versés.", "amount")


def _check_grant_withdrawal(balance: FunderYearBalance, target: EntryFacts) -> None:
    """Annulling an accord or an avenant changes the granted amount: it may not fall below what was paid."""
    remaining = balance.granted - target.amount_cents
    if remaining < balance.paid:
        raise LedgerRuleError(f"Sans cette écriture, le montant accordé ({format_cents(remaining)}) serait "
                              f"inférieur aux {format_cents(balance.paid)} déjà versés : annulez d'abord "
                              "les versements concernés.", "annuls_entry_id")
