"""``flask portal import-report``: the seed file to a published PDF from the command line, read back with
pypdf; importing twice publishes once; bad files refused with the line at fault and nothing kept."""

import io

import pytest
from pypdf import PdfReader

from portal.core.db import db
from portal.meetings.models import Atelier, CompteRendu, Rencontre, ReportVersion
from tests.meetings.helpers import make_rencontre
from tests.support.factories import make_organisation, make_project, make_user
from tests.support.reports import SEED

pytestmark = pytest.mark.slow  # each publication renders a PDF


@pytest.fixture
def projects():
    """The seed's two actions and the structures that presented them, under the names the seed uses."""
    belley = make_organisation("Centre social de Belley", short_name="CS Belley")
    jassans = make_organisation("Centre social de Jassans-Riottier", short_name="CS Jassans")
    return make_project(belley, title="Entracte"), make_project(jassans, title="Donnant-donnant")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def run(runner, *args):
    db.session.commit()  # what the test made is there for the command (a savepoint, rolled back after the test)
    return runner.invoke(args=["portal", "import-report", *map(str, args)])


def test_the_seed_file_becomes_a_published_pdf(runner, projects, tmp_path):
    rencontre = make_rencontre(ordinal=2)
    out = tmp_path / "isolement.pdf"
    result = run(runner, SEED, "--publish", "--pdf", out)
    assert result.exit_code == 0, result.output
    assert "Créé : atelier « Atelier n°2 : Isolement »" in result.output
    assert "Version 1 publiée" in result.output

    atelier = db.session.execute(db.select(Atelier).filter_by(rencontre_id=rencontre.id, number=2)).scalar_one()
    assert atelier.facilitator_names == ["Fouzia Zahar", "Claudy Debaix"]
    assert [(t.structure, t.project.title) for t in atelier.testimonies] == [
        ("CS Belley", "Entracte"), ("CS Jassans", "Donnant-donnant")]

    data = out.read_bytes()
    version = db.session.execute(db.select(ReportVersion)).scalar_one()
    assert data == version.pdf
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Isolement" in text and "Donnant" in text and "Lutter contre l" in text
    assert reader.metadata.title == "Compte rendu — Atelier n°2 : Isolement"
    assert len(reader.pages) == version.page_count >= 2
    assert "compte-rendu-atelier-2-isolement-v1.md" in reader.attachments
    assert b"pdfaid:part" in data or b"pdfaid:part" in reader.xmp_metadata.stream.get_data()


def test_importing_the_same_file_twice_publishes_once(runner, projects):
    make_rencontre(ordinal=2)
    assert run(runner, SEED, "--publish").exit_code == 0
    again = run(runner, SEED, "--publish")
    assert again.exit_code == 0, again.output
    assert "Version 1 déjà publiée, inchangée" in again.output
    assert count(ReportVersion) == 1 and count(Atelier) == 1 and count(CompteRendu) == 1


def test_a_corrected_file_publishes_version_two_with_a_note(runner, projects, tmp_path):
    make_rencontre(ordinal=2)
    assert run(runner, SEED, "--publish").exit_code == 0
    corrected = tmp_path / "corrige.md"
    corrected.write_text("---\nnote: Une proposition ajoutée\n---\n" + SEED.read_text(encoding="utf-8")
                         + "\n- Une proposition ajoutée.\n", encoding="utf-8")
    result = run(runner, corrected, "--publish")
    assert result.exit_code == 0, result.output
    versions = db.session.execute(db.select(ReportVersion).order_by(ReportVersion.number)).scalars().all()
    assert [(v.number, v.change_note) for v in versions] == [(1, ""), (2, "Une proposition ajoutée")]


def test_a_front_matter_creates_the_rencontre_and_a_draft_without_publishing(runner, projects, tmp_path):
    make_user("coordinator", email="coord@example.org")
    source = tmp_path / "export.md"
    source.write_text("---\ntitle: Mobilité\nrencontre: 3ème rencontre — Bouger ensemble\ndate: 2014-06-05 14:30\n"
                      "lieu: Ambérieu\natelier: 1\nco-animation: Jeanne Martin et Paul Durand\n"
                      "témoignages: [CS Belley projet Entracte]\n---\n\n## Constats\n\nLe car passe deux fois.\n",
                      encoding="utf-8")
    result = run(runner, source, "--by", "coord@example.org")
    assert result.exit_code == 0, result.output
    rencontre = db.session.execute(db.select(Rencontre).filter_by(ordinal=3)).scalar_one()
    assert (rencontre.title, rencontre.place) == ("Bouger ensemble", "Ambérieu")
    assert rencontre.starts_at.strftime("%Y-%m-%d %H:%M") == "2014-06-05 12:30"  # 14h30 in Paris, summer time
    report = db.session.execute(db.select(CompteRendu)).scalar_one()
    assert report.heading == "Atelier n°1 : Mobilité" and report.body.startswith("## Constats")
    assert report.updated_by.email == "coord@example.org"
    assert count(ReportVersion) == 0 and "Version" not in result.output


@pytest.mark.parametrize(("content", "message"), [
    ("---\nrencontre: 2\natelier: 2\ntitre: Isolement\n\nTexte.\n", "ligne 1 : l'en-tête YAML ouvert ici"),
    ("---\nrencontre: 2\natelier: [2\n---\nTexte.\n", "ligne 3 : en-tête YAML illisible"),
    ("---\natelier: 2\nrencontre: 9\ntitre: Isolement\n---\nTexte.\n", "ligne 3 : rencontre n°9 inconnue du portail"),
    ("## 7<sup>ème</sup> RENCONTRE\n\n### COMPTE RENDU Atelier n°1 : Santé\n\n---\n\nTexte.\n",
     "ligne 1 : rencontre n°7 inconnue"),
    ("---\nrencontre: 2\natelier: 2\ntitre: Isolement\n---\n\n\n", "ligne 5 : le compte rendu est vide"),
    ("---\nrencontre: 2\natelier: 4\ntitre: Santé\ntémoignages:\n  - CS Belley projet Inconnu\n---\nTexte.\n",
     "ligne 5 : témoignage : aucun projet « Inconnu »"),
])
def test_bad_files_name_the_line_and_keep_nothing(runner, projects, tmp_path, content, message):
    make_rencontre(ordinal=2)
    source = tmp_path / "mauvais.md"
    source.write_text(content, encoding="utf-8")
    before = (count(Rencontre), count(Atelier), count(CompteRendu))
    result = run(runner, source, "--publish", "--pdf", tmp_path / "out.pdf")
    assert result.exit_code == 1
    assert f"Error: mauvais.md, {message}" in result.output
    assert (count(Rencontre), count(Atelier), count(CompteRendu), count(ReportVersion)) == (*before, 0)
    assert not (tmp_path / "out.pdf").exists()


def test_an_unknown_rencontre_given_on_the_command_line(runner, projects):
    make_rencontre(ordinal=2)
    result = run(runner, SEED, "--rencontre", "Une rencontre qui n'a pas eu lieu")
    assert result.exit_code == 1
    assert "--rencontre « Une rencontre qui n'a pas eu lieu » : aucune rencontre" in result.output


def test_pdf_without_any_publication_asks_for_publish(runner, projects, tmp_path):
    make_rencontre(ordinal=2)
    result = run(runner, SEED, "--pdf", tmp_path / "out.pdf")
    assert result.exit_code == 1 and "ajoutez --publish" in result.output
    assert count(CompteRendu) == 0


def test_a_theme_that_contradicts_the_existing_atelier(runner, projects):
    rencontre = make_rencontre(ordinal=2)
    assert run(runner, SEED).exit_code == 0
    result = run(runner, SEED, "--rencontre", rencontre.title, "--atelier", "2", "--theme", "Mobilité")
    assert result.exit_code == 1 and "a pour thème « Isolement », pas « Mobilité »" in result.output
