"""axe-core on every page, logged out and logged in; a login with the keyboard alone; the statement.

SCREENS lists what is checked: (endpoint, who looks, how to reach the page). A page someone adds to
the portal must get a row: ``test_every_page_is_checked`` walks the URL map and fails for a GET
route with none (or a reason in NOT_PAGES).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.accounts import email_change, services
from portal.accounts.models import Organisation, Role, User
from portal.core.db import db
from portal.core.partial_dates import parse_partial_date
from portal.funding.rules import EntryKind
from portal.funding.services.ledger import NewEntry, record_entry
from portal.meetings.models import CompteRendu
from portal.meetings.services import reports
from portal.projects.services.comments import post_comment
from portal.projects.services.milestones import MilestoneData, add_milestone
from tests.browser.helpers import assert_no_serious_violations, axe_violations, login_as, press_on, tab_to
from tests.meetings.helpers import make_atelier, make_report
from tests.support.factories import PASSWORD, make_organisation, make_project, make_user


@dataclass(frozen=True)
class People:
    member: object
    member_with_code: object  # has a second factor
    admin: object
    organisation: object
    project_id: int  # carried by the member's organisation, with a milestone and a comment
    milestone_id: int
    comment_id: int
    entry_id: int  # a budget in the project's funding ledger
    rencontre_id: int  # with an atelier whose testimony is the project, and its compte rendu
    atelier_id: int
    report_id: int  # published (version 1) and public


@dataclass(frozen=True)
class Screen:
    endpoint: str
    actor: str | None  # None: logged out; otherwise a field of People
    reach: str | Callable  # a path, or a function (page, live_server, people) that opens the page
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.name or self.endpoint}-{self.actor or 'anonyme'}"


def _token_link(live_server, make_token) -> str:
    with live_server.database():
        return make_token()


def reset_link(page, live_server, people):
    user = people.member
    page.goto(_token_link(live_server, lambda: f"/mot-de-passe/{services.make_reset_token(user)}"))


def invitation_link(page, live_server, people):
    def invite():
        inviter = db.session.get(User, people.admin.id)
        organisation = db.session.get(Organisation, people.organisation.id)
        invitation = services.invite(inviter, f"invitee-{id(page)}@exemple.fr", "Nadia Nouvelle", organisation,
                                     Role.MEMBER)
        return f"/invitation/{services.make_invitation_token(invitation)}"

    page.goto(_token_link(live_server, invite))


def email_change_link(page, live_server, people):
    def request_change():
        user = db.session.get(User, people.member.id)
        return f"/compte/adresse-e-mail/{email_change.request_email_change(user, f'nouvelle-{id(page)}@exemple.fr')}"

    page.goto(_token_link(live_server, request_change))


def code_step(page, live_server, people):
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(people.member_with_code.email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de vérification")


def login_with_errors(page, live_server, people):
    page.goto("/connexion")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient 2 erreurs")


def recovery_codes(page, live_server, people):
    page.goto("/compte/double-authentification")
    page.get_by_role("button", name="Générer de nouveaux codes de secours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")


def organisation_edit(page, live_server, people):
    page.goto(f"/admin/organisations/{people.organisation.id}")


def anonymise_confirmation(page, live_server, people):
    page.goto(f"/admin/utilisateurs/{people.member.id}/anonymisation")  # only looked at, not confirmed


def project_page(suffix: str = "") -> Callable:
    """Opens a page of the people's project: ``suffix`` may use {milestone}, {comment} and {entry}."""

    def reach(page, live_server, people):
        path = suffix.format(milestone=people.milestone_id, comment=people.comment_id, entry=people.entry_id)
        page.goto(f"/projets/{people.project_id}{path}")

    return reach


def meetings_page(path: str) -> Callable:
    """Opens a meetings page: ``path`` may use {rencontre}, {atelier} and {report}."""

    def reach(page, live_server, people):
        page.goto("/rencontres" + path.format(rencontre=people.rencontre_id, atelier=people.atelier_id,
                                              report=people.report_id))

    return reach


def report_preview(page, live_server, people):
    page.goto(f"/rencontres/comptes-rendus/{people.report_id}/brouillon")
    page.get_by_role("button", name="Aperçu").click()
    expect(page.get_by_role("heading", name="Aperçu (non enregistré)")).to_be_visible()


def compared_versions(page, live_server, people):
    """The report corrected and published again (once for the module), then its two versions compared."""
    with live_server.database(), live_server.app.test_request_context(base_url=live_server.url):
        report = db.session.get(CompteRendu, people.report_id)
        if len(reports.versions_of(report)) < 2:
            reports.save_draft(people.admin, report, report.body.replace("L'isolement n'a pas un visage.",
                                                                         "L'isolement n'a pas un seul visage.")
                               + "\n- Une proposition ajoutée.\n", expected_version=None)
            reports.publish(people.admin, report, "Une proposition ajoutée")
    page.goto(f"/rencontres/comptes-rendus/{people.report_id}/comparer")
    expect(page.get_by_role("heading", level=2)).to_contain_text("De la version 1 à la version 2")


def payment_with_errors(page, live_server, people):
    page.goto(f"/projets/{people.project_id}/financements/nouveau/versement")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient")


SCREENS = [
    Screen("accounts.login", None, "/connexion"),
    Screen("accounts.login", None, login_with_errors, name="accounts.login-erreurs"),
    Screen("accounts.login_code", None, code_step),
    Screen("accounts.forgot_password", None, "/mot-de-passe-oublie"),
    Screen("accounts.reset_password", None, reset_link),
    Screen("accounts.reset_password", None, "/mot-de-passe/lien-abime", name="lien-invalide"),
    Screen("accounts.accept_invitation", None, invitation_link),
    Screen("accounts.confirm_email", None, email_change_link),
    Screen("dashboard.accessibility", None, "/accessibilite"),
    Screen("dashboard.accessibility", "member", "/accessibilite"),
    Screen("errors.404", None, "/nulle-part"),
    Screen("errors.404", "member", "/nulle-part"),
    Screen("errors.403", "member", "/admin/invitations/nouvelle"),
    Screen("dashboard.index", "member", "/tableau-de-bord"),
    Screen("accounts.account", "member", "/compte"),
    Screen("accounts.account", "member_with_code", "/compte"),
    Screen("accounts.change_password", "member", "/compte/mot-de-passe"),
    Screen("accounts.change_email", "member", "/compte/adresse-e-mail"),
    Screen("accounts.reauthenticate", "member_with_code", "/compte/confirmer-identite"),
    Screen("accounts.second_factor", "member", "/compte/double-authentification"),
    Screen("accounts.second_factor", "member_with_code", "/compte/double-authentification"),
    Screen("accounts.regenerate_recovery_codes", "member_with_code", recovery_codes),
    Screen("admin.organisations", "admin", "/admin/organisations"),
    Screen("admin.edit_organisation", "admin", "/admin/organisations/nouvelle"),
    Screen("admin.edit_organisation", "admin", organisation_edit, name="admin.edit_organisation-existante"),
    Screen("admin.users", "admin", "/admin/utilisateurs"),
    Screen("admin.invite", "admin", "/admin/invitations/nouvelle"),
    Screen("admin.anonymise", "admin", anonymise_confirmation),
    Screen("journal.index", "admin", "/admin/journal"),
    Screen("journal.index", "admin", "/admin/journal?action=login.succeeded", name="journal.index-filtre"),
    Screen("projects.index", "member", "/projets"),
    Screen("projects.index", "member", "/projets?mots=atelier&territoire=rural", name="projects.index-recherche"),
    Screen("projects.panorama", "member", "/projets/panorama"),
    Screen("projects.new", "member", "/projets/nouveau"),
    Screen("projects.show", "member", project_page()),
    Screen("projects.show", None, project_page(), name="projects.show-connexion"),
    Screen("projects.edit", "member", project_page("/modifier")),
    Screen("projects.history_page", "member", project_page("/historique")),
    Screen("projects.members_page", "member", project_page("/membres")),
    Screen("projects.invite_person", "admin", project_page("/membres/inviter")),
    Screen("projects.new_milestone", "member", project_page("/jalons/nouveau")),
    Screen("projects.edit_milestone", "member", project_page("/jalons/{milestone}/modifier")),
    Screen("projects.edit_comment", "member", project_page("/commentaires/{comment}/modifier")),
    Screen("projects.taxonomy_page", "admin", "/projets/listes"),
    Screen("funding.tab", "member", project_page("/financements")),
    Screen("funding.record", "member", project_page("/financements/nouveau/budget")),
    Screen("funding.record", "member", payment_with_errors, name="funding.record-erreurs"),
    Screen("funding.annul", "member", project_page("/financements/{entry}/annuler")),
    Screen("funding.network_page", "admin", "/financements"),
    Screen("meetings.index", "member", "/rencontres/"),
    Screen("meetings.show", "member", meetings_page("/{rencontre}")),
    Screen("meetings.show", "admin", meetings_page("/{rencontre}"), name="meetings.show-coordination"),
    Screen("meetings.new", "admin", "/rencontres/nouvelle"),
    Screen("meetings.edit", "admin", meetings_page("/{rencontre}/modifier")),
    Screen("meetings.new_atelier", "admin", meetings_page("/{rencontre}/ateliers/nouveau")),
    Screen("meetings.edit_atelier", "admin", meetings_page("/ateliers/{atelier}/modifier")),
    Screen("meetings.new_report", "admin", meetings_page("/{rencontre}/comptes-rendus/nouveau")),
    Screen("meetings.edit_report", "admin", meetings_page("/comptes-rendus/{report}/brouillon")),
    Screen("meetings.edit_report", "admin", report_preview, name="meetings.edit_report-apercu"),
    Screen("meetings.report", "member", meetings_page("/comptes-rendus/{report}")),
    Screen("meetings.report", None, meetings_page("/comptes-rendus/{report}"), name="meetings.report-public"),
    Screen("meetings.versions", "member", meetings_page("/comptes-rendus/{report}/versions")),
    Screen("meetings.compare_versions", "member", compared_versions),
    Screen("network.identity", "admin", "/reseau/identite"),
]

# GET routes that show no page of their own.
NOT_PAGES = {
    "static": "files",
    "dashboard.home": "redirects to the login or the dashboard",
    "dashboard.healthz": "JSON for the load balancer",
    "funding.ledger_csv": "a CSV file to save",
    "funding.ledger_json": "a JSON file to save",
    "funding.network_export": "a CSV or JSON file to save",
    "funding.scdl_export": "an SCDL CSV file to save",
    "meetings.calendar_file": "an iCalendar file",
    "meetings.rencontre_calendar_file": "an iCalendar file",
    "meetings.download": "a PDF file",
    "meetings.download_latest": "redirects to the latest version's PDF",
    "network.logo": "an image",
}


@pytest.fixture(scope="module")
def people(live_server) -> People:
    with live_server.database():
        organisation = make_organisation()
        member = make_user(organisation=organisation)
        project = make_project(organisation, member, title="Atelier cuisine", territory_kind="rural")
        milestone = add_milestone(member, project, MilestoneData(kind="lancement", title="Premier atelier",
                                                                 when=parse_partial_date("2009")))
        comment = post_comment(member, project, "Bienvenue aux partenaires !")
        budget = record_entry(project, member, NewEntry(kind=EntryKind.BUDGET, fiscal_year=2024,
                                                        event_date=date(2024, 1, 20), amount_cents=18_000_00))
        admin = make_user(role=Role.ADMIN)
        member_with_code = make_user(second_factor=True)
        atelier = make_atelier(testimonies=[(project, organisation)], facilitator_users=[member])
        report = make_report(atelier, is_public=True)
    with live_server.database(), live_server.app.test_request_context(base_url=live_server.url):
        reports.publish(admin, db.session.get(CompteRendu, report.id))
    return People(member=member, member_with_code=member_with_code, admin=admin,
                  organisation=organisation, project_id=project.id, milestone_id=milestone.id,
                  comment_id=comment.id, entry_id=budget.id, rencontre_id=atelier.rencontre_id,
                  atelier_id=atelier.id, report_id=report.id)


@pytest.fixture(scope="module")
def signed_in(browser, live_server, people):
    """Cookies of each person, logged in once for the whole module (pages are only looked at)."""
    states = {}

    def state_of(actor: str):
        if actor not in states:
            context = browser.new_context(base_url=live_server.url)
            login_as(context.new_page(), getattr(people, actor))
            states[actor] = context.storage_state()
            context.close()
        return states[actor]

    return state_of


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.id)
def test_page_is_accessible(screen, page, live_server, people, signed_in):
    """No serious or critical axe-core violation; the statement linked from the footer; and (WCAG 1.4.10)
    at 320 CSS pixels wide, a phone or a 400 % zoom, nothing needs scrolling sideways except inside a
    data table's own scrolling frame, which the keyboard must reach."""
    if screen.actor:
        page.context.add_cookies(signed_in(screen.actor)["cookies"])
    if callable(screen.reach):
        screen.reach(page, live_server, people)
    else:
        page.goto(screen.reach)
    assert_no_serious_violations(page)
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="Accessibilité : non conforme")).to_have_attribute("href", "/accessibilite")
    page.set_viewport_size({"width": 320, "height": 640})
    # The page reacts to the resize (scrolling tables get a tab stop) at the next frames: wait for them.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide in a 320 px window"
    assert_no_serious_violations(page, rules=["scrollable-region-focusable"])
    page.set_viewport_size({"width": 1280, "height": 900})  # the screenshot shows the usual view


def test_every_page_is_checked(live_server):
    checked = {screen.endpoint for screen in SCREENS}
    unchecked = sorted(
        rule.endpoint for rule in live_server.app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in checked and rule.endpoint not in NOT_PAGES
    )
    assert unchecked == [], f"pages without an axe check in SCREENS: {unchecked}"


def test_a_table_that_scrolls_can_be_reached_and_is_named(page, people, signed_in):
    page.context.add_cookies(signed_in("admin")["cookies"])
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/admin/organisations")
    frame = page.get_by_role("region", name="Organisations, avec leur type, leur commune et leur territoire")
    expect(frame).to_have_attribute("tabindex", "0")
    tab_to(page, ".table-wrapper")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-wrapper').scrollLeft > 0")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".table-wrapper")).not_to_have_attribute("tabindex", "0")


def test_a_login_with_the_keyboard_alone(page, live_server, people):
    page.goto("/connexion")
    tab_to(page, ".skip-link")
    expect(page.locator(".skip-link")).to_be_in_viewport()
    tab_to(page, "#email")
    page.keyboard.type(people.member.email)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    press_on(page, "button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {people.member.full_name}")
    press_on(page, ".user-menu a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")


def test_the_statement_is_public_and_complete(page):
    page.goto("/connexion")
    page.get_by_role("link", name="Accessibilité : non conforme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["État de conformité", "Résultats des tests", "Contenus non accessibles",
                        "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours"]
    expect(page.get_by_text("axe-core 4.12")).to_be_visible()
    # Each keyboard-only journey it names is a test (tests/browser/test_project_journeys.py, journey 2).
    expect(page.get_by_text("lui ajouter un jalon et lire son historique", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="coordination@passerelle.example")).to_be_visible()


def test_the_axe_check_does_find_violations(page):
    """The harness is not blind: the same check, on a real page spoiled on purpose, fails."""
    page.goto("/connexion")
    page.evaluate("""() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend", '<input type="text" name="unlabelled">');
        document.querySelector("label[for=email]").remove();
        document.documentElement.removeAttribute("lang");
    }""")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "html-has-lang"} <= found

