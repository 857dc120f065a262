"""`portal demo` adds the seed's two actions with their story, once."""

from portal.core.db import db
from portal.projects.models import Comment, Milestone, Project, ProjectMember, Revision
from tests.test_cli import fresh_app  # noqa: F401 - the fixture


def story(app):
    with app.app_context():
        projects = {p.title: p for p in db.session.execute(db.select(Project)).scalars()}
        counts = {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
                  for model in (Project, Revision, Milestone, ProjectMember, Comment)}
        donnant = projects["Donnant-donnant"]
        entracte = projects["Entracte"]
        summary = {
            "entracte": (entracte.carrier.display_name, sorted(p.organisation.display_name for p in entracte.partners),
                         sorted(public.name for public in entracte.publics), entracte.territory_kind),
            "donnant_milestones": db.session.execute(
                db.select(Milestone.happened_on, Milestone.kind).where(Milestone.project_id == donnant.id)
                .order_by(Milestone.happened_on)).all(),
            "donnant_roles": sorted(m.role for m in donnant.members),
        }
        return counts, summary


def test_the_demo_tells_the_seed_s_story_and_can_run_again(fresh_app):  # noqa: F811
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["portal", "demo", "--password", "demo-passerelle"])
    assert result.exit_code == 0, result.output
    assert "participante@demo.passerelle.example" in result.output
    counts, summary = story(fresh_app)
    assert summary["entracte"] == ("CS Belley", ["CAF", "Département", "Voisins du Bugey"],
                                   ["Jeunes mères isolées", "Nouvelles arrivantes", "Personnes âgées"], "rural")
    years_and_kinds = [(day.year, kind) for day, kind in summary["donnant_milestones"]]
    assert years_and_kinds[0] == (2006, "lancement") and (2009, "reorientation") in years_and_kinds
    assert "personne_concernee" in summary["donnant_roles"]
    assert counts["Comment"] >= 2 and counts["Revision"] >= 6

    again = runner.invoke(args=["portal", "demo", "--password", "autre-mot-de-passe"])
    assert again.exit_code == 0, again.output
    assert story(fresh_app)[0] == counts
