"""A project page: created with its partners, edited (each edit a revision with its differences), and
every bad input refused in French next to its field with nothing half-saved."""

import pytest

from portal.accounts.models import OrganisationKind, Role
from portal.core.db import db
from portal.projects.models import PartnerRole, Project, Revision
from tests.projects.helpers import edit_form_of, project_form, project_titled, revisions_of
from tests.support.html_safety import executable_parts


@pytest.fixture
def network(make):
    """CS Belley and its partners, as in the seed."""
    belley = make.organisation("Centre social de Belley", short_name="CS Belley")
    return {
        "belley": belley,
        "caf": make.organisation("CAF de l'Ain", kind=OrganisationKind.CAF),
        "departement": make.organisation("Conseil départemental de l'Ain", kind=OrganisationKind.DEPARTEMENT),
        "voisins": make.organisation("Les Voisins du Bugey", kind=OrganisationKind.ASSOCIATION),
        "sophie": make.user(organisation=belley, full_name="Sophie Garnier"),
        "isolement": make.theme("Isolement"),
        "lien": make.theme("Lien social"),
        "meres": make.public("Jeunes mères isolées"),
        "agees": make.public("Personnes âgées"),
    }


def create_entracte(client, network, **fields):
    fields.setdefault("description", "Au départ, des femmes isolées font la cuisine ensemble une fois par mois.")
    return client.post("/projets/nouveau", data=project_form(
        "Entracte", carrier=network["belley"],
        partners=[(network["caf"], PartnerRole.FINANCEUR), (network["departement"], PartnerRole.FINANCEUR)],
        themes=[network["isolement"]], publics=[network["meres"]], start="2011", **fields))


def test_a_member_creates_a_project_with_partners_then_edits_it_twice(client, login, network):
    login(network["sophie"])
    response = create_entracte(client, network)
    assert response.status_code == 302
    project = project_titled("Entracte")
    assert project.carrier_id == network["belley"].id
    assert {(p.organisation.name, p.role) for p in project.partners} == {
        ("CAF de l'Ain", "financeur"), ("Conseil départemental de l'Ain", "financeur")}
    page = client.get(response.headers["Location"])
    assert "Entracte" in page and "CAF de l'Ain" in page and "Depuis 2011" in page

    first = project_form("Entracte", carrier=network["belley"], start="2011",
                         partners=[(network["caf"], PartnerRole.FINANCEUR),
                                   (network["departement"], PartnerRole.FINANCEUR),
                                   (network["voisins"], PartnerRole.OPERATIONNEL)],
                         themes=[network["isolement"], network["lien"]], publics=[network["meres"]],
                         description="Au départ, des femmes isolées font la cuisine ensemble une fois par mois.",
                         reason="Les Voisins du Bugey animent avec nous.", **edit_form_of(client, project.id))
    assert client.post(f"/projets/{project.id}/modifier", data=first).status_code == 302
    second = {**first, **edit_form_of(client, project.id), "publics": [network["meres"].id, network["agees"].id],
              "description": "Au départ, des femmes isolées font la cuisine et des activités manuelles ensemble "
                             "une fois par mois.", "reason": ""}
    assert client.post(f"/projets/{project.id}/modifier", data=second).status_code == 302

    numbers = [(r.number, r.author_id, sorted(r.changed_fields)) for r in revisions_of(project)]
    assert numbers[1:] == [(2, network["sophie"].id, ["partners", "themes"]),
                           (3, network["sophie"].id, ["description", "publics"])]
    history = client.get(f"/projets/{project.id}/historique")
    assert "Les Voisins du Bugey (Partenaire opérationnel)" in history
    assert "Motif :</strong> Les Voisins du Bugey animent avec nous." in history
    assert "Personnes âgées" in history
    html = history.get_data(as_text=True)
    assert '<ins class="diff-after">et des activités manuelles </ins>' in html
    assert "Création de la fiche" in history


def test_creation_is_revision_one_with_every_field(app, make):
    project = make.project(title="Donnant-donnant")
    [revision] = revisions_of(project)
    assert (revision.number, revision.before) == (1, {})
    assert revision.after["title"] == "Donnant-donnant"
    assert revision.project_version == project.version == 1


def test_saving_without_changes_writes_no_revision(client, login, network):
    login(network["sophie"])
    create_entracte(client, network)
    project = project_titled("Entracte")
    project.description = "Au départ, des femmes isolées\nfont la cuisine ensemble."
    db.session.flush()
    # Browsers post text areas with CRLF line breaks: the same text, so no change to record.
    unchanged = project_form("Entracte", carrier=network["belley"], start="2011",
                             partners=[(network["caf"], PartnerRole.FINANCEUR),
                                       (network["departement"], PartnerRole.FINANCEUR)],
                             themes=[network["isolement"]], publics=[network["meres"]],
                             description="Au départ, des femmes isolées\r\nfont la cuisine ensemble.\r\n",
                             **edit_form_of(client, project.id))
    response = client.post(f"/projets/{project.id}/modifier", data=unchanged, follow_redirects=True)
    assert "Aucun changement à enregistrer." in response
    assert len(revisions_of(project)) == 1
    assert project.version == 2  # the direct change above; the save itself changed nothing


def test_the_edit_form_shows_the_page_as_it_is(client, login, network):
    login(network["sophie"])
    create_entracte(client, network, communes="Belley, Virieu-le-Grand", end="12/2020")
    project = project_titled("Entracte")
    page = client.get(f"/projets/{project.id}/modifier")
    html = page.get_data(as_text=True)
    assert 'value="Belley, Virieu-le-Grand"' in html and 'value="12/2020"' in html and 'value="2011"' in html
    assert f'<option selected value="{network["caf"].id}">' in html
    assert f'checked id="themes-0" name="themes" type="checkbox" value="{network["isolement"].id}"' in html


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"title": ""}, "title", "Indiquez le titre du projet."),
    ({"title": "T" * 201}, "title", "200 caractères au plus."),
    ({"summary": "S" * 301}, "summary", "300 caractères au plus."),
    ({"start": "2012", "end": "2010"}, "end", "La fin ne peut pas précéder le début (2010 est avant 2012)."),
    ({"start": "31/02/2024"}, "start", "Le 31 février 2024 n'existe pas"),
    ({"end": "brumaire"}, "end", "Date illisible"),
    ({"partners-0-organisation_id": "999999", "partners-0-role": "financeur"}, "partners-0-organisation_id",
     "Organisation inconnue : choisissez-la dans la liste."),
    ({"partners-0-organisation_id": "CARRIER", "partners-0-role": "financeur"}, "partners",
     "L'organisation porteuse ne peut pas être aussi partenaire."),
    ({"partners-0-organisation_id": "CAF", "partners-0-role": "financeur",
      "partners-1-organisation_id": "CAF", "partners-1-role": "co_porteur"}, "partners",
     "Une organisation figure deux fois parmi les partenaires."),
    ({"partners-0-organisation_id": "CAF", "partners-0-role": "mecene"}, "partners-0-role", "Rôle inconnu."),
    ({"themes": ["999999"]}, "themes", "Thème inconnu"),
    ({"themes": ["abc"]}, "themes", "Thème inconnu."),
    ({"publics": ["999999"]}, "publics", "Public inconnu"),
    ({"status": "abandonne"}, "status", "État inconnu."),
    ({"visibility": "public"}, "visibility", "Visibilité inconnue."),
    ({"territory_kind": "montagne"}, "territory_kind", "Type de territoire inconnu."),
    ({"carrier_id": "999999"}, "carrier_id", "Organisation inconnue"),
])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, login, network, fields, field_id,
                                                                    message):
    login(network["sophie"])
    replacements = {"CARRIER": network["belley"].id, "CAF": network["caf"].id}
    fields = {key: replacements.get(value, value) if isinstance(value, str) else value
              for key, value in fields.items()}
    data = {**project_form("Entracte", carrier=network["belley"]), **fields}
    response = client.post("/projets/nouveau", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in response
    assert f'href="#{field_id}"' in html, "the error summary links to the field"
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Revision)) == 0


def test_bad_input_on_edit_changes_nothing(client, login, network):
    login(network["sophie"])
    create_entracte(client, network)
    project = project_titled("Entracte")
    data = {**project_form("Nouveau titre", carrier=network["belley"], start="2011", end="2010",
                           partners=[(network["voisins"], PartnerRole.OPERATIONNEL)]),
            **edit_form_of(client, project.id)}
    response = client.post(f"/projets/{project.id}/modifier", data=data)
    assert "La fin ne peut pas précéder le début" in response
    db.session.expire_all()
    assert project.title == "Entracte" and len(project.partners) == 2 and project.version == 1
    assert len(revisions_of(project)) == 1


def test_a_forged_title_with_a_line_break_stays_on_one_line(client, login, network):
    login(network["sophie"])
    client.post("/projets/nouveau", data=project_form("Entracte\r\nBcc: x@exemple.fr", carrier=network["belley"]))
    assert db.session.execute(db.select(Project.title)).scalar_one() == "Entracte Bcc: x@exemple.fr"


def test_a_member_creates_for_their_own_organisation_only(client, login, network):
    login(network["sophie"])
    response = client.post("/projets/nouveau", data=project_form("Ailleurs", carrier=network["caf"]))
    assert "Organisation inconnue" in response or "pour votre organisation seulement" in response
    assert db.session.execute(db.select(Project)).first() is None


def test_only_a_coordinator_hands_a_project_to_another_organisation(client, login, make, network):
    project = make.project(network["belley"], network["sophie"], title="Entracte")
    login(network["sophie"])
    data = {**project_form("Entracte", carrier=network["caf"]), **edit_form_of(client, project.id)}
    client.post(f"/projets/{project.id}/modifier", data=data)
    db.session.expire_all()
    assert project.carrier_id == network["belley"].id

    client.post("/deconnexion")
    login(make.user(role=Role.COORDINATOR))
    data = {**project_form("Entracte", carrier=network["caf"]), **edit_form_of(client, project.id)}
    assert client.post(f"/projets/{project.id}/modifier", data=data).status_code == 302
    db.session.expire_all()
    assert project.carrier_id == network["caf"].id


def test_the_add_a_line_button_keeps_what_was_typed_and_saves_nothing(client, login, network):
    login(network["sophie"])
    data = {**project_form("Entracte", carrier=network["belley"],
                           partners=[(network["caf"], PartnerRole.FINANCEUR)]), "ajouter_partenaire": "1"}
    page = client.post("/projets/nouveau", data=data)
    html = page.get_data(as_text=True)
    assert 'id="partners-1-organisation_id"' in html and 'value="Entracte"' in html
    assert db.session.execute(db.select(Project)).first() is None


def test_markdown_in_the_description_is_rendered_and_nothing_executable_reaches_the_page(client, login, network):
    login(network["sophie"])
    description = ("## Notre histoire\n\n**Cuisine** et [site](https://exemple.fr)\n\n<script>alert(1)</script>\n\n"
                   "[clic](javascript:alert(1)) <img src=x onerror=alert(1)> "
                   "<iframe src=https://evil.example></iframe> <a href=# onclick=alert(1)>x</a>")
    create_entracte(client, network, description=description)
    project = project_titled("Entracte")
    html = client.get(f"/projets/{project.id}").get_data(as_text=True)
    assert "<h3>Notre histoire</h3>" in html and "<strong>Cuisine</strong>" in html
    description_html = html.split('<div class="prose">', 1)[1].split("</section>", 1)[0]
    assert executable_parts(description_html) == []
    assert "<iframe" not in html and "javascript:alert" not in html.replace("[clic](javascript:alert", "")
    history = client.get(f"/projets/{project.id}/historique").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in history  # the source is shown as text in the history
    assert executable_parts(history.split("<main", 1)[1].split("</main>", 1)[0]) == []
