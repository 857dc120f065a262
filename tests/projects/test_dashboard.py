"""The dashboard gathers what concerns the person, in sections other modules can add to."""

from portal.core.db import db
from portal.dashboard import sections
from portal.projects.models import Comment, Visibility
from portal.projects.services import comments


def test_the_dashboard_shows_the_organisation_s_projects_and_recent_activity(client, login, make):
    belley = make.organisation("CS Belley")
    sophie = make.user(organisation=belley)
    own = make.project(belley, sophie, title="Entracte")
    elsewhere = make.project(title="Donnant-donnant")
    restricted = make.project(title="Projet réservé", visibility=Visibility.PARTNERS)
    comments.post_comment(sophie, elsewhere, "Bravo pour la réorientation !")
    comments.post_comment(make.user(organisation=restricted.carrier), restricted, "Secret")
    login(sophie)
    page = client.get("/tableau-de-bord")
    html = page.get_data(as_text=True)
    own_section = html.split('id="section-projects-own"', 1)[1].split("</section>", 1)[0]
    assert "Entracte" in own_section and "Donnant-donnant" not in own_section
    assert "Dernières modifications" in page and "Création de la fiche" in page
    assert "Bravo pour la réorientation !" in page
    assert "Projet réservé" not in page and "Secret" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 2  # both exist, one shown
    assert f'href="/projets/{own.id}"' in own_section


def test_a_module_adds_a_section_without_rewriting_the_dashboard(app, client, login, make):
    @sections.dashboard_section("essai", "Prochaines rencontres", "projects/dashboard/_milestones.html", order=5)
    def coming(user):
        return {"milestones": []}

    try:
        login(make.user())
        html = client.get("/tableau-de-bord").get_data(as_text=True)
        assert '<h2 id="section-essai">Prochaines rencontres</h2>' in html
        assert html.index("Prochaines rencontres") < html.index("Les projets de votre organisation")
    finally:
        sections._sections.pop("essai")
