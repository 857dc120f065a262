"""The ledger's rules as pure functions: balances, and what a new entry may not do."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.funding.rules import (
    MAX_AMOUNT_CENTS,
    EntryFacts,
    EntryKind,
    LedgerRuleError,
    LedgerState,
    PaymentKind,
    check_append,
    funder_balances,
    year_balances,
)

TODAY = date(2024, 6, 1)
CAF, CD = 10, 20
K = EntryKind


class Ledger:
    """A tiny builder: numbered facts appended through the rules, as the services will do."""

    def __init__(self):
        self.entries: list[EntryFacts] = []

    def facts(self, kind, amount=0, funder=CAF, year=2024, payment=None, annuls=None) -> EntryFacts:
        funder = None if kind is K.BUDGET else funder
        if kind is K.VERSEMENT and payment is None:
            payment = PaymentKind.ACOMPTE
        if kind is K.ANNULATION:  # an annulation carries the funder, year and amount of what it annuls
            target = next(e for e in self.entries if e.key == annuls)
            amount, funder, year = target.amount_cents, target.funder_id, target.fiscal_year
        return EntryFacts(len(self.entries) + 1, kind, year, amount, funder, payment, annuls)

    def add(self, kind, amount=0, **options) -> EntryFacts:
        entry = self.facts(kind, amount, **options)
        check_append(self.entries, entry, TODAY)
        self.entries.append(entry)
        return entry

    def refused(self, kind, amount=0, **options) -> LedgerRuleError:
        with pytest.raises(LedgerRuleError) as caught:
            self.add(kind, amount, **options)
        return caught.value


@pytest.fixture
def ledger():
    return Ledger()


def test_balances_per_funder_and_year(ledger):
    ledger.add(K.BUDGET, 50_000_00)
    ledger.add(K.DEMANDE, 20_000_00)
    ledger.add(K.DEMANDE, 15_000_00, funder=CD)
    ledger.add(K.ACCORD, 18_000_00)
    ledger.add(K.AVENANT, 1_000_00)
    ledger.add(K.VERSEMENT, 9_000_00)
    ledger.add(K.REFUS, 15_000_00, funder=CD)
    caf = funder_balances(ledger.entries)[(CAF, 2024)]
    assert (caf.requested, caf.granted, caf.paid, caf.still_to_pay) == (20_000_00, 19_000_00, 9_000_00, 10_000_00)
    assert funder_balances(ledger.entries)[(CD, 2024)].refused == 15_000_00
    [year] = year_balances(ledger.entries)
    assert (year.budget, year.granted, year.paid, year.still_to_fund) == (50_000_00, 19_000_00, 9_000_00, 31_000_00)
    assert [b.funder_id for b in year.funders] == [CAF, CD]


def test_a_year_without_budget_has_nothing_to_fund(ledger):
    ledger.add(K.ACCORD, 1_000_00, year=2023)
    [year] = year_balances(ledger.entries)
    assert year.budget is None and year.still_to_fund is None


def test_annulled_entries_count_for_nothing(ledger):
    accord = ledger.add(K.ACCORD, 10_000_00)
    budget = ledger.add(K.BUDGET, 30_000_00)
    ledger.add(K.ANNULATION, annuls=accord.key)
    ledger.add(K.ANNULATION, annuls=budget.key)
    assert funder_balances(ledger.entries) == {}
    assert year_balances(ledger.entries) == []


def test_no_payment_beyond_what_is_granted(ledger):
    error = ledger.refused(K.VERSEMENT, 100_00)
    assert "enregistrez d'abord l'accord" in error.message
    ledger.add(K.ACCORD, 10_000_00)
    ledger.add(K.VERSEMENT, 6_000_00)
    error = ledger.refused(K.VERSEMENT, 4_000_01)
    assert error.field == "amount"
    assert "4\u202f000,00\u00a0€ au plus" in error.message
    ledger.add(K.VERSEMENT, 4_000_00, payment=PaymentKind.SOLDE)


def test_payments_are_per_funder_and_per_year(ledger):
    ledger.add(K.ACCORD, 10_000_00, year=2023)
    ledger.refused(K.VERSEMENT, 1_000_00, year=2024)
    ledger.refused(K.VERSEMENT, 1_000_00, funder=CD, year=2023)


def test_nothing_is_paid_after_the_solde(ledger):
    ledger.add(K.ACCORD, 10_000_00)
    solde = ledger.add(K.VERSEMENT, 5_000_00, payment=PaymentKind.SOLDE)
    assert ledger.refused(K.VERSEMENT, 1_000_00).field == "payment_kind"
    ledger.add(K.ANNULATION, annuls=solde.key)  # a solde recorded by mistake can be annulled
    ledger.add(K.VERSEMENT, 1_000_00)


def test_no_amendment_below_what_was_paid(ledger):
    assert "un avenant modifie un accord existant" in ledger.refused(K.AVENANT, 500_00).message
    ledger.add(K.ACCORD, 10_000_00)
    ledger.add(K.VERSEMENT, 8_000_00)
    error = ledger.refused(K.AVENANT, -2_000_01)
    assert "sous les 8\u202f000,00\u00a0€ déjà versés" in error.message
    ledger.add(K.AVENANT, -2_000_00)
    assert funder_balances(ledger.entries)[(CAF, 2024)].still_to_pay == 0


def test_annulations(ledger):
    accord = ledger.add(K.ACCORD, 10_000_00)
    payment = ledger.add(K.VERSEMENT, 3_000_00)
    error = ledger.refused(K.ANNULATION, annuls=accord.key)
    assert "annulez d'abord les versements" in error.message and error.field == "annuls_entry_id"
    annulation = ledger.add(K.ANNULATION, annuls=payment.key)
    assert "déjà annulée" in ledger.refused(K.ANNULATION, annuls=payment.key).message
    assert "ne s'annule pas" in ledger.refused(K.ANNULATION, annuls=annulation.key).message
    ledger.add(K.ANNULATION, annuls=accord.key)


def test_an_entry_of_another_ledger_cannot_be_annulled(ledger):
    ledger.add(K.ACCORD, 10_000_00)
    stranger = EntryFacts(999, K.ANNULATION, 2024, 0, annuls_key=12345)
    with pytest.raises(LedgerRuleError, match="n'appartient pas au journal de ce projet"):
        check_append(ledger.entries, stranger, TODAY)


def test_one_active_budget_per_year(ledger):
    budget = ledger.add(K.BUDGET, 30_000_00)
    ledger.add(K.BUDGET, 32_000_00, year=2025)
    assert ledger.refused(K.BUDGET, 35_000_00).field == "fiscal_year"
    ledger.add(K.ANNULATION, annuls=budget.key)
    ledger.add(K.BUDGET, 35_000_00)
    assert [y.budget for y in year_balances(ledger.entries)] == [35_000_00, 32_000_00]


@pytest.mark.parametrize("kind,amount,options,field,message", [
    (K.ACCORD, 0, {}, "amount", "positif"),
    (K.DEMANDE, -5_00, {}, "amount", "positif"),
    (K.BUDGET, MAX_AMOUNT_CENTS + 1, {}, "amount", "un zéro de trop"),
    (K.AVENANT, 0, {}, "amount", "une hausse ou une baisse"),
    (K.ACCORD, 100_00, {"year": 1989}, "fiscal_year", "entre 1990 et 2029"),
    (K.ACCORD, 100_00, {"year": 2030}, "fiscal_year", "entre 1990 et 2029"),
    (K.ACCORD, 100_00, {"funder": None}, "funder_id", "Choisissez le financeur"),
    (K.ACCORD, 100_00, {"payment": PaymentKind.SOLDE}, "payment_kind", "Seul un versement"),
])
def test_shape_of_an_entry(ledger, kind, amount, options, field, message):
    error = ledger.refused(kind, amount, **options)
    assert error.field == field and message in error.message


def test_a_budget_has_no_funder():
    entry = EntryFacts(1, K.BUDGET, 2024, 100_00, funder_id=CAF)
    with pytest.raises(LedgerRuleError, match="pas de financeur"):
        check_append([], entry, TODAY)


def test_a_payment_says_whether_it_is_the_solde():
    entry = EntryFacts(1, K.VERSEMENT, 2024, 100_00, funder_id=CAF)
    with pytest.raises(LedgerRuleError, match="acompte ou du solde"):
        check_append([], entry, TODAY)


# --- property: whatever is attempted, what the rules accept stays sane ------------------------------

attempts = st.lists(st.tuples(
    st.sampled_from(list(EntryKind)),
    st.integers(min_value=-3_000_00, max_value=12_000_00),
    st.sampled_from([CAF, CD]),
    st.sampled_from([2023, 2024]),
    st.sampled_from(list(PaymentKind)),
    st.integers(min_value=1, max_value=40),
), max_size=40)


@settings(max_examples=200, deadline=None)
@given(attempts)
def test_accepted_entries_never_pay_more_than_granted(steps):
    state, accepted = LedgerState(), []
    for key, (kind, amount, funder, year, payment, target) in enumerate(steps, start=1):
        entry = EntryFacts(key, kind, year, amount, None if kind in (K.BUDGET, K.ANNULATION) else funder,
                           payment if kind is K.VERSEMENT else None, target if kind is K.ANNULATION else None)
        if kind is K.ANNULATION and target in state.by_key:
            annulled = state.by_key[target]
            entry = EntryFacts(key, kind, annulled.fiscal_year, annulled.amount_cents, annulled.funder_id,
                               annuls_key=target)
        try:
            state.append(entry, TODAY)
        except LedgerRuleError:
            continue
        accepted.append(entry)
        for balance in funder_balances(accepted).values():
            assert 0 <= balance.paid <= balance.granted
    # The incremental state and a fresh fold of the accepted entries agree.
    assert {k: b for k, b in state.balances.items() if not b.is_empty} == funder_balances(accepted)
