"""Meetings in a real browser: a coordinator writes a compte rendu, previews it and publishes it; a partner
reads it, downloads the PDF and its text is read back with pypdf."""

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from portal.accounts.models import Role
from tests.browser.helpers import assert_no_serious_violations, login_as
from tests.meetings.helpers import make_atelier, make_rencontre
from tests.support.factories import make_organisation, make_project, make_user


def seed_atelier(live_server, label: str):
    with live_server.database():
        coordinator = make_user(role=Role.COORDINATOR, full_name="Fouzia Zahar")
        belley = make_organisation(f"Centre social de Belley — {label}", short_name="CS Belley")
        partner = make_user(organisation=belley, full_name="Sophie Garnier")
        project = make_project(belley, partner, title=f"Entracte {label}")
        rencontre = make_rencontre(f"Agir ensemble — {label}")
        atelier = make_atelier(rencontre, testimonies=[(project, belley)], facilitator_users=[coordinator],
                               facilitator_names=("Claudy Debaix",))
        return coordinator, partner, rencontre.id, atelier.id, project.id


def test_a_coordinator_publishes_and_a_partner_downloads_the_pdf(page, new_page, live_server):
    coordinator, partner, rencontre_id, atelier_id, project_id = seed_atelier(live_server, "parcours")
    login_as(page, coordinator)
    page.goto(f"/rencontres/{rencontre_id}")
    page.get_by_role("link", name=re.compile("Commencer le compte rendu")).click()
    expect(page.get_by_label("Compte rendu de", exact=True)).to_have_value(str(atelier_id))
    page.get_by_role("button", name="Commencer le compte rendu").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Rédiger le compte rendu — Atelier n°2 : Isolement")
    page.get_by_label("Texte du compte rendu").fill(
        "## Réflexions collectives\n\n- L'isolement n'a pas un visage.\n- Les finances évoluent en même temps "
        "que les actions évoluent.\n\n| Piste | Qui |\n|---|---|\n| Créer un collectif | Partenaires |\n")
    page.get_by_role("button", name="Aperçu").click()
    preview = page.locator("#apercu")
    expect(preview).to_contain_text("L'isolement n'a pas un visage.")
    expect(preview.get_by_role("link", name="projet Entracte parcours")).to_have_attribute(
        "href", f"/projets/{project_id}")
    assert_no_serious_violations(page)

    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 publiée")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier n°2 : Isolement")
    report_url = page.url

    reader_page = new_page()
    login_as(reader_page, partner)
    reader_page.goto(report_url)
    expect(reader_page.locator(".report-body")).to_contain_text("Les finances évoluent en même temps")
    assert_no_serious_violations(reader_page)
    with reader_page.expect_download() as download_info:
        reader_page.get_by_role("link", name=re.compile("Télécharger le PDF")).click()
    download = download_info.value
    assert download.suggested_filename == "compte-rendu-atelier-2-isolement-v1.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(page_.extract_text().split()) for page_ in reader.pages)
    assert "Atelier n°2 : Isolement" in text and "Fouzia Zahar et Claudy Debaix" in text
    assert "L'isolement n'a pas un visage." in text or "L’isolement n’a pas un visage." in text
    assert reader.metadata.title == "Compte rendu — Atelier n°2 : Isolement"
    reader_page.goto(report_url + "/versions")  # the last page, kept as the journey's screenshot
    expect(reader_page.get_by_role("table")).to_contain_text("Première publication")
