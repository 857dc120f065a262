"""Funding journeys in a real browser: a funder records a payment with the keyboard alone and reads it
in the log; a carrier's mistaken entry is annulled; the chart and its table are there for everyone."""

import re
from datetime import date

from playwright.sync_api import expect

from portal.accounts.models import OrganisationKind
from portal.funding.rules import EntryKind
from portal.funding.services.ledger import NewEntry, record_entry
from portal.projects.models import PartnerRole
from tests.browser.helpers import assert_no_serious_violations, login_as, press_on, tab_to
from tests.support.factories import make_organisation, make_project, make_user


def funded_project(live_server, label: str):
    """A project carried by a social centre, with the CAF as funder and an accord of 12 000 €."""
    with live_server.database():
        carrier = make_organisation(f"Centre social — {label}")
        caf = make_organisation(f"CAF — {label}", kind=OrganisationKind.CAF)
        carrier_member = make_user(organisation=carrier, full_name="Sophie Garnier")
        caf_member = make_user(organisation=caf, full_name="Claudy Debaix")
        project = make_project(carrier, carrier_member, title=f"Entracte {label}",
                               partners=[(caf, PartnerRole.FINANCEUR)])
        record_entry(project, caf_member, NewEntry(
            kind=EntryKind.ACCORD, fiscal_year=2024, event_date=date(2024, 3, 15), amount_cents=12_000_00,
            funder=caf, decision_date=date(2024, 3, 1), reference="Convention 2024-17"))
        return project.id, carrier_member, caf_member


def test_a_funder_records_a_payment_with_the_keyboard_alone(page, live_server):
    project_id, _, caf_member = funded_project(live_server, "clavier")
    login_as(page, caf_member)
    page.goto(f"/projets/{project_id}/financements")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Financements")
    assert_no_serious_violations(page)

    press_on(page, f'a[href="/projets/{project_id}/financements/nouveau/versement"]')
    expect(page.get_by_role("heading", level=1)).to_contain_text("Versement")
    tab_to(page, "#payment_kind-0")
    page.keyboard.press("Space")
    tab_to(page, "#fiscal_year")
    page.keyboard.press("Control+A")
    page.keyboard.type("2024")
    tab_to(page, "#amount")
    page.keyboard.type("15 000")
    page.keyboard.press("Enter")
    # More than granted: refused, next to the field, nothing written.
    expect(page.locator("#amount-erreur")).to_contain_text("Ce versement dépasse ce qui reste à verser pour 2024")
    assert_no_serious_violations(page)
    page.locator("#amount").fill("")
    tab_to(page, "#amount")
    page.keyboard.type("6 000,50")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/projets/{project_id}/financements#journal$"))
    expect(page.get_by_role("status")).to_contain_text("Versement enregistré (écriture n° 2)")
    row = page.locator("#ecriture-2")
    expect(row).to_contain_text("Versement (acompte)")
    expect(row).to_contain_text("6\u202f000,50\u00a0€")
    expect(row).to_contain_text("Claudy Debaix")
    expect(page.get_by_role("img", name="Montants accordés et versés par exercice et par financeur")).to_be_visible()
    expect(page.get_by_role("table", name="Les chiffres du graphique")).to_contain_text("6\u202f000,50\u00a0€")


def test_a_mistaken_entry_is_annulled_and_stays_in_the_log(page, live_server):
    project_id, carrier_member, _ = funded_project(live_server, "annulation")
    login_as(page, carrier_member)
    page.goto(f"/projets/{project_id}/financements/nouveau/budget")
    page.locator("#fiscal_year").fill("2024")
    page.get_by_label(re.compile("Coût prévu")).fill("42 000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Budget prévisionnel enregistré (écriture n° 2)")
    expect(page.get_by_text("Reste à financer : 30\u202f000,00\u00a0€")).to_be_visible()

    page.get_by_role("link", name="Annuler l'écriture n° 2").click()
    page.get_by_label("Motif de l'annulation").fill("Budget saisi avant le vote du conseil.")
    page.get_by_role("button", name="Annuler cette écriture").click()
    expect(page.get_by_role("status")).to_contain_text("Écriture n° 2 annulée (annulation n° 3)")
    expect(page.locator("#ecriture-2")).to_contain_text("annulée")
    expect(page.locator("#ecriture-3")).to_contain_text("Budget saisi avant le vote du conseil.")
    expect(page.get_by_text("pas de budget prévisionnel enregistré")).to_be_visible()
    assert_no_serious_violations(page)


def record(page, project_id: int, kind: str, fields: dict[str, str], funder: str | None = None) -> None:
    """Open the form of ``kind`` from the funding tab's link, fill it by its labels, save it."""
    page.goto(f"/projets/{project_id}/financements")
    page.locator(f'a[href="/projets/{project_id}/financements/nouveau/{kind}"]').first.click()
    if funder:
        page.get_by_label(re.compile("^Financeur")).select_option(label=funder)
    for label, value in fields.items():
        page.get_by_label(re.compile("^" + re.escape(label))).fill(value)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(rf"/projets/{project_id}/financements#journal$"))


def test_journey_3_the_centre_plans_and_asks_the_caf_grants_and_pays_the_tab_shows_what_remains(
        page, new_page, live_server):
    """Issue 6, journey 3, from each person's login: the centre records a budget and a demande; the CAF
    member records the accord and a first payment; the tab shows what is still to pay and to fund."""
    with live_server.database():
        carrier = make_organisation("Centre social — parcours 3")
        caf = make_organisation("CAF — parcours 3", kind=OrganisationKind.CAF)
        centre_member = make_user(organisation=carrier, full_name="Sophie Garnier")
        caf_member = make_user(organisation=caf, full_name="Claudy Debaix")
        project_id = make_project(carrier, centre_member, title="Entracte parcours 3",
                                  partners=[(caf, PartnerRole.FINANCEUR)]).id
    year = str(date.today().year)

    login_as(page, centre_member)
    record(page, project_id, "budget", {"Coût prévu de l'action pour l'exercice (€)": "40 000"})
    record(page, project_id, "demande", {"Montant demandé (€)": "15 000", "N° de dossier": "CAF-2026-118"},
           funder=caf.name)

    funder_page = new_page()
    login_as(funder_page, caf_member)
    record(funder_page, project_id, "accord", {"Montant accordé (€)": "12 000,00",
                                              "Date de la décision": date.today().isoformat()})
    funder_page.goto(f"/projets/{project_id}/financements/nouveau/versement")
    funder_page.get_by_label("Acompte").check()
    funder_page.get_by_label("Montant versé (€)").fill("5 000")
    funder_page.get_by_role("button", name="Enregistrer").click()
    expect(funder_page.get_by_role("status")).to_contain_text("Versement enregistré")

    page.goto(f"/projets/{project_id}/financements")  # the centre reads the result
    year_row = page.locator(".funding-balances__year", has_text=f"Exercice {year}")
    expect(year_row).to_contain_text("budget prévisionnel : 40\u202f000,00\u00a0€")
    expect(year_row).to_contain_text("Reste à financer : 28\u202f000,00\u00a0€")
    caf_row = page.locator(".funding-balances tr", has_text=caf.name)
    for amount in ("15\u202f000,00\u00a0€", "12\u202f000,00\u00a0€", "5\u202f000,00\u00a0€", "7\u202f000,00\u00a0€"):
        expect(caf_row).to_contain_text(amount)  # asked, granted, paid, still to pay
    assert_no_serious_violations(page)
