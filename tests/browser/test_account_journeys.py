"""Account journeys as people live them, from login to the page they check with their eyes."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal.accounts.models import OrganisationKind, Role
from tests.browser.helpers import login_as
from tests.support.factories import make_organisation, make_user
from tests.support.totp import fresh_code


def test_a_coordinator_invites_a_partner_who_chooses_a_password_and_lands_on_the_dashboard(
        page, new_page, live_server, mailbox):
    with live_server.database():
        caf = make_organisation("CAF de l'Ain — parcours d'invitation", kind=OrganisationKind.CAF)
        coordinator = make_user(role=Role.COORDINATOR, full_name="Fouzia Zahar")
    login_as(page, coordinator)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Comptes").click()
    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_label("Adresse e-mail de la personne").fill("claudy.debaix@caf-ain.example")
    page.get_by_label("Nom et prénom").fill("Claudy Debaix")
    page.get_by_label("Organisation").select_option(label=caf.name)
    page.get_by_label("Rôle").select_option(label="Membre")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à claudy.debaix@caf-ain.example")
    expect(page.get_by_text("Claudy Debaix <claudy.debaix@caf-ain.example>")).to_be_visible()

    [mail] = mailbox.to("claudy.debaix@caf-ain.example")
    link = mailbox.link_in(mail)
    assert urlsplit(link).netloc == urlsplit(live_server.url).netloc

    partner = new_page()
    partner.goto(link)
    expect(partner.get_by_role("heading", level=1)).to_have_text("Rejoindre Passerelle")
    expect(partner.get_by_text(caf.name)).to_be_visible()
    partner.get_by_label("Nouveau mot de passe").fill("entraide-du-bugey-2026")
    partner.get_by_label("Confirmez le mot de passe").fill("entraide-du-bugey-2026")
    partner.get_by_role("button", name="Créer mon compte").click()

    expect(partner).to_have_url(re.compile(r"/tableau-de-bord$"))
    expect(partner.get_by_role("heading", level=1)).to_have_text("Bonjour Claudy Debaix")
    expect(partner.get_by_role("status")).to_contain_text("Bienvenue sur Passerelle, Claudy Debaix !")
    expect(partner.get_by_text(f"{caf.name} · Membre")).to_be_visible()


def test_a_member_turns_on_the_second_factor_then_logs_in_with_a_code(page, live_server):
    with live_server.database():
        member = make_user(full_name="Sophie Garnier")
    login_as(page, member)
    page.get_by_role("link", name="Sophie Garnier : mon compte").click()
    page.get_by_role("link", name="Activer la double authentification").click()

    qr_code = page.get_by_role("img", name=re.compile("QR code à scanner"))
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0"), "the QR code did not load"
    secret = page.locator("#cle-secrete code").inner_text().replace(" ", "")
    page.get_by_label("Code à 6 chiffres").fill(fresh_code(member.email, secret))
    page.get_by_role("button", name="Activer la double authentification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="J'ai noté mes codes").click()
    expect(page.get_by_role("link", name=re.compile("Double authentification : activée"))).to_be_visible()

    page.get_by_role("button", name="Se déconnecter", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté·e.")
    login_as(page, member, totp_secret=secret)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie Garnier")


def test_an_admin_is_led_to_set_up_the_second_factor_before_anything_else(page, live_server):
    with live_server.database():
        admin = make_user(role=Role.ADMIN, second_factor=False)
    login_as(page, admin)
    expect(page).to_have_url(re.compile(r"/compte/double-authentification$"))
    expect(page.get_by_role("alert")).to_contain_text("doivent activer la double authentification")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Comptes").click()
    expect(page).to_have_url(re.compile(r"/compte/double-authentification$"))
    secret = page.locator("#cle-secrete code").inner_text().replace(" ", "")
    page.get_by_label("Code à 6 chiffres").fill(fresh_code(admin.email, secret))
    page.get_by_role("button", name="Activer la double authentification").click()
    page.get_by_role("link", name="J'ai noté mes codes").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Comptes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes du réseau")
