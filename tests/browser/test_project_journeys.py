"""Journeys in a real browser, with the keyboard only: what a social worker does on a project page."""

import re

import pytest

from portal.demo import load_demo
from tests.browser.helpers import tab_to

PASSWORD = "passerelle-demo"
PROJECT_PAGE = re.compile(r".*/projets/\d+(#.*)?$")


@pytest.fixture(scope="module")
def demo(live_server):
    """The demo network (idempotent) in the served database: Entracte, Donnant-donnant and their people."""
    with live_server.database():
        load_demo(PASSWORD)


def type_into(page, fields: dict[str, str]) -> None:
    """Reach each field with Tab and type its text (a closed select picks the option starting with it)."""
    for selector, text in fields.items():
        tab_to(page, selector, limit=250)
        page.keyboard.type(text)


def log_in(page, email: str) -> None:
    page.goto("/connexion")
    type_into(page, {"#email": email, "#password": PASSWORD})
    page.keyboard.press("Enter")
    page.wait_for_url("**/tableau-de-bord")


def test_a_member_creates_a_project_adds_a_milestone_and_comments_with_the_keyboard(demo, page):
    log_in(page, "cs-belley@demo.passerelle.example")
    tab_to(page, "a.button--primary:has-text('Nouveau projet')", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_url("**/projets/nouveau")

    type_into(page, {"#title": "Café des parents", "#summary": "Un café mensuel où les parents se retrouvent.",
                     "#start": "09/2023", "#partners-0-organisation_id": "CAF"})
    tab_to(page, "#themes-0", limit=250)
    page.keyboard.press("Space")
    tab_to(page, "#title", limit=250)
    page.keyboard.press("Enter")  # Enter in a text field saves (not "add a partner line")
    page.wait_for_url(PROJECT_PAGE)
    assert page.locator("h1").inner_text() == "Café des parents"
    assert "CAF de l'Ain" in page.locator(".facts").inner_text()

    tab_to(page, "a:has-text('Ajouter un jalon')", limit=250)
    page.keyboard.press("Enter")
    type_into(page, {"#when": "2009", "#title": "Premier café"})
    page.keyboard.press("Enter")
    page.wait_for_selector(".timeline__item--milestone")
    assert "Premier café" in page.locator("#chronologie").inner_text()

    type_into(page, {"#body": "Bienvenue aux partenaires !"})
    tab_to(page, "button:has-text('Publier le commentaire')", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_selector(".comment")
    assert "Bienvenue aux partenaires !" in page.locator(".comments").inner_text()


def test_every_link_and_control_of_the_project_page_shows_its_focus(demo, page):
    log_in(page, "coordination@demo.passerelle.example")
    page.goto("/projets?mots=Donnant")  # a search: other tests may fill page 1 of the directory
    page.locator("a:has-text('Donnant-donnant')").first.click()
    focusable = page.locator("main a[href], main button, main input, main select, main textarea")
    count = focusable.count()
    reached = set()
    page.locator("body").focus()
    for _ in range(count + 60):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {inMain: !!el.closest('main'), outline: style.outlineStyle, shadow: style.boxShadow,
                    key: el.outerHTML.slice(0, 80)};
        }""")
        if info["inMain"]:
            assert info["outline"] != "none" or info["shadow"] != "none", info["key"]
            reached.add(info["key"])
    assert len(reached) >= min(count, 10)


def test_the_second_editor_is_told_and_keeps_what_they_typed(demo, page, new_page):
    first, second = page, new_page()  # each page its own context: two people
    log_in(first, "cs-jassans@demo.passerelle.example")
    log_in(second, "coordination@demo.passerelle.example")
    first.goto("/projets?mots=Donnant")
    first.locator("a:has-text('Donnant-donnant')").first.click()
    edit_url = first.url + "/modifier"
    first.goto(edit_url)
    second.goto(edit_url)

    first.fill("#summary", "Un échange de savoirs relancé en 2009.")
    first.locator("button:has-text('Enregistrer la modification')").click()
    first.wait_for_url(PROJECT_PAGE)

    second.fill("#summary", "Des habitants qui donnent et reçoivent.")
    second.locator("button:has-text('Enregistrer la modification')").click()
    notice = second.locator(".notice--warning")
    assert "Karim Benali a modifié cette fiche" in notice.inner_text()
    assert second.input_value("#summary") == "Des habitants qui donnent et reçoivent."
    assert "Modifié entre-temps par Karim Benali" in second.locator("#summary-erreur").inner_text()


def test_journey_2_a_centre_creates_a_project_with_partners_edits_it_adds_a_milestone_and_reads_its_history(
        demo, page):
    """Issue 6, journey 2, with the keyboard alone: two partners (the second on a line added by the
    button), an edit with its reason, a milestone; the history shows the creation and the edit, with
    the summary's difference. Its screenshot is the history page."""
    log_in(page, "cs-belley@demo.passerelle.example")
    tab_to(page, "a.button--primary:has-text('Nouveau projet')", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_url("**/projets/nouveau")
    type_into(page, {"#title": "Jardin partagé", "#summary": "Un jardin cultivé par les habitants du quartier.",
                     "#partners-0-organisation_id": "CAF", "#partners-0-role": "Fin"})
    tab_to(page, "button:has-text('Ajouter une ligne de partenaire')", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_selector("#partners-1-organisation_id")
    type_into(page, {"#partners-1-organisation_id": "Asso", "#partners-1-role": "Par"})
    tab_to(page, "#title", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_url(PROJECT_PAGE)
    facts = page.locator(".facts").inner_text()
    assert "CAF de l'Ain" in facts and "Les Voisins du Bugey" in facts, facts

    tab_to(page, "a:has-text('Modifier la fiche')", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_url("**/modifier")
    tab_to(page, "#summary", limit=250)
    page.keyboard.press("Control+A")
    page.keyboard.type("Un jardin cultivé par les habitants et les écoles du quartier.")
    type_into(page, {"#reason": "Les écoles nous ont rejoints"})
    page.keyboard.press("Enter")
    page.wait_for_url(PROJECT_PAGE)
    assert "les écoles du quartier" in page.locator("main").inner_text()

    tab_to(page, "a:has-text('Ajouter un jalon')", limit=250)
    page.keyboard.press("Enter")
    type_into(page, {"#when": "03/2024", "#title": "Premières semences"})
    page.keyboard.press("Enter")
    page.wait_for_selector(".timeline__item--milestone")

    tab_to(page, "a:has-text('Historique')", limit=250)
    page.keyboard.press("Enter")
    page.wait_for_url("**/historique")
    creation, edit = page.locator("#modification-1"), page.locator("#modification-2")
    assert "Jardin partagé" in creation.inner_text()
    assert "Les écoles nous ont rejoints" in edit.inner_text()
    assert "écoles" in " ".join(edit.locator("ins").all_inner_texts()), "the summary's difference is shown"
    assert page.locator("#modification-3").count() == 1, "the milestone is in the history too"
