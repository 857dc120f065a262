"""The « Financements » tab, from the pages: each kind recorded through its form, refusals next to the
field, annulations, the log, the chart and its table, exports, and who may do what."""

import json
from datetime import date

import pytest

from portal.core.db import db
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryKind
from portal.funding.services.ledger import append
from portal.projects.models import Visibility
from tests.funding.conftest import counted_statements
from tests.support.factories import make_project

K = EntryKind


def tab_url(world) -> str:
    return f"/projets/{world.project.id}/financements"


def form_url(world, kind: str) -> str:
    return f"{tab_url(world)}/nouveau/{kind}"


def fill(**fields) -> dict:
    return {"fiscal_year": "2024", "event_date": "2024-03-15", **fields}


def last_entry(world) -> LedgerEntry:
    return db.session.execute(db.select(LedgerEntry).where(LedgerEntry.project_id == world.project.id)
                              .order_by(LedgerEntry.seq.desc()).limit(1)).scalar_one()


# --- recording each kind from its form ---------------------------------------------------------------

@pytest.mark.parametrize("who,kind,fields,expected", [
    ("carrier_member", "budget", {"amount": "42 000"}, (K.BUDGET, 42_000_00, None)),
    ("carrier_member", "demande", {"amount": "15 000,50 €", "funder_id": "caf"}, (K.DEMANDE, 15_000_50, "caf")),
    ("caf_member", "accord", {"amount": "12000", "funder_id": "caf", "decision_date": "2024-03-01",
                              "reference": "Convention 2024-17"}, (K.ACCORD, 12_000_00, "caf")),
    ("caf_member", "refus", {"amount": "3 000", "funder_id": "caf"}, (K.REFUS, 3_000_00, "caf")),
    ("coordinator", "demande", {"amount": "1 234,56", "funder_id": "departement"},
     (K.DEMANDE, 1_234_56, "departement")),
])
def test_each_kind_is_recorded_from_its_form(world, client, login, who, kind, fields, expected):
    login(getattr(world, who))
    if "funder_id" in fields:
        fields["funder_id"] = str(getattr(world, fields["funder_id"]).id)
    response = client.post(form_url(world, kind), data=fill(**fields))
    assert response.status_code == 302, response.page_text
    entry = last_entry(world)
    assert (entry.entry_kind, entry.amount_cents, entry.funder) == (
        expected[0], expected[1], getattr(world, expected[2]) if expected[2] else None)
    assert entry.recorded_by == getattr(world, who)
    page = client.get(response.headers["Location"])
    assert f"{expected[0].label} enregistré (écriture n° {entry.seq})" in page
    assert getattr(world, who).full_name in page  # the log shows who recorded the line


def test_payments_and_amendments_from_their_forms(world, client, login):
    world.entry(K.ACCORD, 10_000_00)
    login(world.caf_member)
    caf = str(world.caf.id)
    assert client.post(form_url(world, "versement"), data=fill(
        amount="4000", funder_id=caf, payment_kind="acompte")).status_code == 302
    assert last_entry(world).payment_kind == "acompte"
    assert client.post(form_url(world, "avenant"), data=fill(amount="-1 500", funder_id=caf)).status_code == 302
    assert last_entry(world).amount_cents == -1_500_00
    response = client.post(form_url(world, "versement"), data=fill(amount="5 000", funder_id=caf,
                                                                   payment_kind="solde"))
    assert response.status_code == 200
    assert "Ce versement dépasse ce qui reste à verser pour 2024 : 4\u202f500,00\u00a0€ au plus." in response
    assert 'id="amount-erreur"' in response.page_text  # next to the field


def test_an_amendment_or_annulation_below_what_was_paid_is_refused_on_the_page(world, client, login):
    accord = world.entry(K.ACCORD, 10_000_00)
    world.entry(K.VERSEMENT, 7_000_00)
    login(world.caf_member)
    response = client.post(form_url(world, "avenant"), data=fill(amount="-3 500", funder_id=str(world.caf.id)))
    assert "Cet avenant ramènerait le montant accordé à 6\u202f500,00\u00a0€, sous les 7\u202f000,00\u00a0€ " \
           "déjà versés." in response
    assert 'id="amount-erreur"' in response.page_text
    response = client.post(f"{tab_url(world)}/{accord.id}/annuler", data={"note": "Erreur"})
    assert response.status_code == 200 and "annulez d'abord les versements concernés" in response
    assert 'id="note-erreur"' in response.page_text


@pytest.mark.parametrize("kind,fields,field,message", [
    ("budget", {"amount": "douze mille"}, "amount", "Montant illisible"),
    ("budget", {"amount": "-5"}, "amount", "Le montant doit être positif."),
    ("budget", {"amount": "20 000 000"}, "amount", "vérifiez qu'il n'y a pas un zéro de trop"),
    ("budget", {"amount": "100", "fiscal_year": "1800"}, "fiscal_year", "Indiquez une année"),
    ("budget", {"amount": "100", "event_date": "31/02/2024"}, "event_date", "Le 31 février 2024 n'existe pas"),
    ("budget", {"amount": "100", "event_date": "mars 2024"}, "event_date", "Indiquez une date valide"),
    ("budget", {"amount": "100", "event_date": "hier"}, "event_date", "Indiquez une date valide"),
    ("budget", {"amount": "100", "event_date": "1985-01-01"}, "event_date", "La date doit être comprise"),
    ("demande", {"amount": "100"}, "funder_id", "Choisissez le financeur."),
])
def test_bad_input_gets_a_french_message_next_to_the_field(world, client, login, kind, fields, field, message):
    login(world.coordinator)
    response = client.post(form_url(world, kind), data=fill(**fields))
    assert response.status_code == 200
    assert message in response
    assert f'id="{field}-erreur"' in response.page_text
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 0


def test_a_second_budget_for_a_year_is_refused_until_the_first_is_annulled(world, client, login):
    budget = world.entry(K.BUDGET, 30_000_00)
    login(world.carrier_member)
    response = client.post(form_url(world, "budget"), data=fill(amount="35 000"))
    assert "Un budget est déjà enregistré pour 2024" in response
    response = client.post(f"{tab_url(world)}/{budget.id}/annuler", data={"note": "Budget révisé en juin"})
    assert response.status_code == 302
    assert client.post(form_url(world, "budget"), data=fill(amount="35 000")).status_code == 302


def test_annulation_from_the_page(world, client, login):
    world.entry(K.ACCORD, 10_000_00)
    payment = world.entry(K.VERSEMENT, 2_000_00)
    login(world.caf_member)
    page = client.get(tab_url(world))
    assert f"/financements/{payment.id}/annuler" in page.page_text
    assert "Le formulaire contient 1 erreur" in client.post(f"{tab_url(world)}/{payment.id}/annuler",
                                                            data={"note": ""})
    response = client.post(f"{tab_url(world)}/{payment.id}/annuler", data={"note": "Saisi deux fois"})
    assert response.status_code == 302
    page = client.get(tab_url(world))
    assert "annule l'écriture n° 2" in page and "annulée" in page and "Saisi deux fois" in page
    assert f"/financements/{payment.id}/annuler" not in page.page_text  # no second annulation offered
    assert client.post(f"{tab_url(world)}/{payment.id}/annuler", data={"note": "encore"}).status_code == 200


def test_an_entry_of_another_project_answers_404(world, client, login):
    other = make_project(author=world.carrier_member, title="Donnant-donnant")
    foreign = world.entry(K.BUDGET, 1_000_00, project=other)
    login(world.coordinator)
    assert client.get(f"{tab_url(world)}/{foreign.id}/annuler").status_code == 404


# --- who sees and records what --------------------------------------------------------------------

@pytest.mark.parametrize("who,tab,kinds", [
    ("coordinator", 200, {"budget", "demande", "accord", "versement", "avenant", "refus"}),
    ("carrier_member", 200, {"budget", "demande", "accord", "versement", "avenant", "refus"}),
    ("co_porteur_member", 200, {"budget", "demande", "accord", "versement", "avenant", "refus"}),
    ("caf_member", 200, {"accord", "versement", "avenant", "refus"}),
    ("departement_member", 404, set()),  # not yet asked for money: sees nothing of this project
    ("operational_member", 200, set()),
    ("stranger_member", 404, set()),
])
def test_access_matrix(world, client, login, who, tab, kinds):
    login(getattr(world, who))
    assert client.get(tab_url(world)).status_code == tab
    for kind in ("budget", "demande", "accord", "versement", "avenant", "refus"):
        expected = 200 if kind in kinds else (403 if tab == 200 else 404)
        assert client.get(form_url(world, kind)).status_code == expected, kind


def test_a_demande_makes_the_funder_a_reader_and_recorder(world, client, login):
    """On a project the whole network sees; a project kept to its partners needs the funder added
    as a partner (the project's visibility rule comes first)."""
    shared = make_project(author=world.carrier_member, title="Donnant-donnant", visibility=Visibility.NETWORK)
    login(world.departement_member)
    assert client.get(f"/projets/{shared.id}/financements").status_code == 404
    world.entry(K.DEMANDE, 5_000_00, funder=world.departement, project=shared)
    world.entry(K.DEMANDE, 5_000_00, funder=world.departement)
    assert client.get(f"/projets/{shared.id}/financements").status_code == 200
    assert client.get(f"/projets/{shared.id}/financements/nouveau/accord").status_code == 200
    assert client.get(tab_url(world)).status_code == 404


def test_a_funder_records_for_itself_only(world, client, login):
    login(world.caf_member)
    page = client.get(form_url(world, "accord"))
    assert f'<option selected value="{world.caf.id}">' in page.page_text or f'value="{world.caf.id}"' in page.page_text
    assert f'value="{world.departement.id}"' not in page.page_text
    response = client.post(form_url(world, "accord"), data=fill(amount="100", funder_id=str(world.departement.id),
                                                                decision_date="2024-03-01"))
    assert response.status_code == 200 and "Not a valid choice" not in response
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 0


def test_annulation_rights(world, client, login):
    accord = world.entry(K.ACCORD, 1_000_00, actor=world.caf_member)
    budget = world.entry(K.BUDGET, 1_000_00, actor=world.carrier_member)
    login(world.carrier_member)
    assert client.get(f"{tab_url(world)}/{accord.id}/annuler").status_code == 403
    assert client.get(f"{tab_url(world)}/{budget.id}/annuler").status_code == 200


def test_anonymous_people_are_sent_to_log_in(world, client):
    assert client.get(tab_url(world)).status_code == 302
    assert client.post(form_url(world, "budget"), data=fill(amount="1")).status_code == 302


def test_forms_need_their_csrf_token(world, client, login):
    login(world.carrier_member)
    response = client.post(form_url(world, "budget"), data=fill(amount="100"), csrf=False)
    assert response.status_code == 400


# --- what the tab shows ---------------------------------------------------------------------------

def test_balances_chart_and_table_beside_it(world, client, login):
    world.entry(K.BUDGET, 50_000_00)
    world.entry(K.ACCORD, 20_000_00)
    world.entry(K.VERSEMENT, 5_000_00)
    login(world.carrier_member)
    page = client.get(tab_url(world))
    assert "Reste à financer : 30\u202f000,00\u00a0€" in page
    assert 'role="img"' in page.page_text and "<title id=\"graphique-financements-title\">" in page.page_text
    assert "Les chiffres du graphique" in page
    assert "2024 : accordé 20\u202f000 €, versé 5\u202f000 €." in page
    assert "style=" not in page.page_text and "<script>" not in page.page_text


def test_the_log_is_paginated_newest_first(world, client, login):
    for number in range(30):
        world.entry(K.DEMANDE, 100_00 + number)
    login(world.carrier_member)
    first = client.get(tab_url(world))
    assert 'id="ecriture-30"' in first.page_text and 'id="ecriture-5"' not in first.page_text
    assert "Page 1 sur 2" in first
    second = client.get(f"{tab_url(world)}?page=2")
    assert 'id="ecriture-5"' in second.page_text and 'id="ecriture-30"' not in second.page_text


def test_the_tab_runs_a_bounded_number_of_queries_whatever_the_ledger(world, client, login):
    """2,000 entries over ten years and two funders: the page's queries do not grow with them."""
    for number in range(1, 2001):
        append(world.project.id, {"kind": "demande", "funder_id": world.caf.id if number % 2 else world.departement.id,
                                  "fiscal_year": 2015 + number % 10, "event_date": date(2020, 1, 1),
                                  "amount_cents": number})
    db.session.flush()
    login(world.coordinator)
    with counted_statements() as statements:
        response = client.get(tab_url(world))
    assert response.status_code == 200 and "Page 1 sur 80" in response
    assert len(statements) <= 10, statements


# --- exports --------------------------------------------------------------------------------------

def test_the_ledger_downloads_as_csv_and_json(world, client, login):
    world.entry(K.ACCORD, 12_345_67, reference="Conv. 17")
    login(world.caf_member)
    csv_response = client.get(f"{tab_url(world)}.csv")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="financements-projet-' in csv_response.headers["Content-Disposition"]
    text = csv_response.get_data().decode("utf-8")
    assert text.startswith("\ufeffProjet;Porteur;") and ";12345,67;" in text
    document = json.loads(client.get(f"{tab_url(world)}.json").get_data())
    [project] = document["projects"]
    assert project["entries"][0]["amount_cents"] == 12_345_67 and project["entries"][0]["reference"] == "Conv. 17"
    assert project["balances"][0]["granted_cents"] == 12_345_67


def test_a_restricted_project_leaks_nothing(world, client, login):
    login(world.stranger_member)
    for suffix in ("", ".csv", ".json", "/nouveau/budget"):
        assert client.get(f"{tab_url(world)}{suffix}").status_code == 404


def test_a_network_project_shows_its_funding_to_its_organisations_only(world, client, login):
    public = make_project(author=world.carrier_member, title="Donnant-donnant", visibility=Visibility.NETWORK)
    login(world.stranger_member)
    assert client.get(f"/projets/{public.id}").status_code == 200
    assert client.get(f"/projets/{public.id}/financements").status_code == 404
