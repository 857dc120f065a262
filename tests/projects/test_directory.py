"""The directory: every filter, French full-text search over titles, summaries and descriptions, keyset
pages with the filters kept in the URL, the overview's counts, and the indexes behind each filter."""

import re

import pytest
from sqlalchemy import text

from portal.accounts.models import Role, Territory
from portal.core.db import db
from portal.core.partial_dates import parse_partial_date
from portal.projects.models import PartnerRole, Project, Status, Visibility
from portal.projects.search import sqlite_match_expression
from portal.projects.services.directory import DirectoryFilters, filter_clauses
from tests.support.database import is_postgresql


@pytest.fixture
def catalogue(make):
    belley, jassans, caf = make.organisation("CS Belley"), make.organisation("CS Jassans"), make.organisation("CAF")
    themes = {name: make.theme(name) for name in ("Isolement", "Échange de savoirs")}
    publics = {name: make.public(name) for name in ("Personnes âgées", "Habitants")}
    entracte = make.project(
        belley, title="Entracte", summary="Un atelier mensuel.", territory_kind=Territory.RURAL,
        description="Des femmes isolées cuisinent ensemble ; des personnes âgées les ont rejointes.",
        communes=["Belley"], status=Status.EN_COURS, start=parse_partial_date("2011"),
        partners=[(caf, PartnerRole.FINANCEUR)], theme_ids=[themes["Isolement"].id],
        public_ids=[publics["Personnes âgées"].id])
    donnant = make.project(
        jassans, title="Donnant-donnant", summary="Échange de savoirs entre habitants.",
        territory_kind=Territory.PERIURBAIN, description="Comment réparer des crevaisons, une recette...",
        communes=["Jassans-Riottier"], status=Status.TERMINE, start=parse_partial_date("2006"),
        end=parse_partial_date("2008"), theme_ids=[themes["Échange de savoirs"].id],
        public_ids=[publics["Habitants"].id])
    hidden = make.project(caf, title="Projet réservé", summary="Réservé.", description="cuisine isolées",
                          visibility=Visibility.PARTNERS, theme_ids=[themes["Isolement"].id])
    viewer = make.user(organisation=make.organisation("Voisins du Bugey"))
    return {"entracte": entracte, "donnant": donnant, "hidden": hidden, "themes": themes, "publics": publics,
            "belley": belley, "jassans": jassans, "caf": caf, "viewer": viewer}


def titles(page) -> list[str]:
    return re.findall(r'class="project-card__title"><a href="/projets/\d+">([^<]+)</a>', page.get_data(as_text=True))


@pytest.mark.parametrize(("query", "expected"), [
    ("theme={Isolement}", ["Entracte"]),
    ("theme={Échange de savoirs}", ["Donnant-donnant"]),
    ("public={Personnes âgées}", ["Entracte"]),
    ("territoire=rural", ["Entracte"]),
    ("territoire=periurbain", ["Donnant-donnant"]),
    ("commune=Jassans-Riottier", ["Donnant-donnant"]),
    ("organisation={caf}", ["Entracte"]),  # as a partner (its own "Projet réservé" is not visible here)
    ("organisation={jassans}", ["Donnant-donnant"]),  # as the carrier
    ("etat=termine", ["Donnant-donnant"]),
    ("annee=2007", ["Donnant-donnant"]),
    ("annee=2008", ["Donnant-donnant"]),  # an end known to the year still counts for that year
    ("annee=2009", []),
    ("annee=2024", ["Entracte"]),
    ("mots=crevaisons", ["Donnant-donnant"]),  # a word of the description
    ("mots=agees", ["Entracte"]),  # accents do not matter
    ("mots=ATELIER mensuel", ["Entracte"]),  # the summary, any case
    ("mots=entracte", ["Entracte"]),  # the title
    ("mots=savoirs habitants", ["Donnant-donnant"]),
    ("mots=cuisinent -crevaisons", ["Entracte"]),
    ("mots=crevaisons ou cuisinent", ["Donnant-donnant", "Entracte"]),
    ("mots=zèbre", []),
    ("theme={Isolement}&territoire=periurbain", []),
    ("", ["Donnant-donnant", "Entracte"]),
])
def test_each_filter_and_the_search_find_the_right_projects(client, login, catalogue, query, expected):
    ids = {"Isolement": catalogue["themes"]["Isolement"].id,
           "Échange de savoirs": catalogue["themes"]["Échange de savoirs"].id,
           "Personnes âgées": catalogue["publics"]["Personnes âgées"].id,
           "caf": catalogue["caf"].id, "jassans": catalogue["jassans"].id}
    login(catalogue["viewer"])
    page = client.get("/projets?" + re.sub(r"\{([^}]+)\}", lambda m: str(ids[m.group(1)]), query))
    assert page.status_code == 200
    assert titles(page) == expected


def test_french_stemming_on_postgresql_prefixes_on_sqlite(client, login, catalogue):
    login(catalogue["viewer"])
    # PostgreSQL's French stemmer: « isolement » finds « isolées ». SQLite has no French stemmer: words are
    # prefixes there, so « isol » finds both forms.
    assert titles(client.get("/projets?mots=isol" if not is_postgresql() else "/projets?mots=isolement")) == [
        "Entracte"]


@pytest.mark.parametrize("words", ['"', "*", "NEAR(", "-", "ou", "(a OR", "'; DROP TABLE projects; --", "é" * 300,
                                   "\"lien social", "AND", "^x", "a:b"])
def test_any_search_text_is_safe(client, login, catalogue, words):
    login(catalogue["viewer"])
    assert client.get("/projets", query_string={"mots": words}).status_code == 200


def test_bad_filter_values_are_ignored_not_a_500(client, login, catalogue):
    login(catalogue["viewer"])
    page = client.get("/projets?theme=abc&public=-1&annee=12&organisation=x&etat=zz&territoire=lune&apres=abc")
    assert page.status_code == 200
    assert "Une année entre 1900 et 2100." in page


def test_pages_follow_each_other_with_the_filters_kept_in_the_url(client, login, make, catalogue):
    theme = catalogue["themes"]["Isolement"]
    for number in range(45):
        make.project(catalogue["belley"], title=f"Action {number:02d}", theme_ids=[theme.id])
    login(catalogue["viewer"])
    url, seen, pages = f"/projets?theme={theme.id}&mots=", [], 0
    while url:
        page = client.get(url)
        html = page.get_data(as_text=True)
        seen += titles(page)
        pages += 1
        assert "45 projets" in page or "46 projets" in page
        assert f'<option selected value="{theme.id}">' in html  # the form shows the filter in force
        following = re.search(r'href="([^"]+)" rel="next"', html)
        url = following.group(1).replace("&amp;", "&") if following else None
        if url:
            assert f"theme={theme.id}" in url
    assert pages == 3
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 46  # the 45 actions and Entracte

    previous = re.search(r'href="([^"]+)" rel="prev"', html).group(1).replace("&amp;", "&")  # from the last page
    assert titles(client.get(previous)) == seen[20:40]


def test_the_panorama_counts_visible_projects_by_theme_public_status_and_territory(client, login, catalogue):
    login(catalogue["viewer"])
    html = client.get("/projets/panorama").get_data(as_text=True)
    themes = html.split('id="tableau-themes"', 1)[1].split("</table>", 1)[0]
    row = re.search(r'<th scope="row">Isolement</th>(.*?)</tr>', themes, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", row)
    # urbain, périurbain, rural, non précisé, total: the hidden project is not counted
    assert cells == ["0", "0", "1", "0", "1"]
    totals = re.search(r"<tfoot>(.*?)</tfoot>", themes, re.S).group(1)
    assert re.findall(r"<td[^>]*>(\d+)", totals) == ["0", "1", "1", "0", "2"]
    status = html.split('id="tableau-etats"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", re.search(r"Terminé</th>(.*?)</tr>", status, re.S).group(1)) \
        == ["0", "1", "0", "0", "1"]

    coordinator_view = client.get("/projets/panorama?annee=2007")
    assert "Les projets actifs en 2007" in coordinator_view


def test_sqlite_search_expressions():
    assert sqlite_match_expression("jeunes mères") == '"jeunes"* AND "mères"*'
    assert sqlite_match_expression('"lien social" -couture') == '("lien social") NOT "couture"*'
    assert sqlite_match_expression("cuisine ou couture") == '"cuisine"* OR "couture"*'
    assert sqlite_match_expression('" * ( - ') is None


# --- the indexes behind each filter ------------------------------------------------------------------------

INDEXES = {
    "theme": ["ix_project_themes_theme_id"],
    "public": ["ix_project_publics_public_id"],
    "territory": ["ix_projects_territory_kind"],
    "status": ["ix_projects_status"],
    "commune": ["ix_project_communes_name"],
    "organisation": ["ix_projects_carrier_id", "ix_project_partners_organisation_id"],
    "year": ["ix_projects_start_date"],
    "words": ["ix_projects_search" if is_postgresql() else "project_search VIRTUAL TABLE INDEX"],
}


def plan_of(query) -> str:
    compiled = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if is_postgresql():
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: ask whether an index *can* serve
        return "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + compiled)))
    return "\n".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + compiled)))


@pytest.mark.parametrize("who", ["coordinator", "member"])
@pytest.mark.parametrize("name", list(INDEXES))
def test_each_filter_uses_an_index(make, catalogue, who, name):
    user = make.user(role=Role.COORDINATOR) if who == "coordinator" else catalogue["viewer"]
    filters = {"theme": DirectoryFilters(theme_id=1), "public": DirectoryFilters(public_id=1),
               "territory": DirectoryFilters(territory="rural"), "status": DirectoryFilters(status="termine"),
               "commune": DirectoryFilters(commune="Belley"), "organisation": DirectoryFilters(organisation_id=1),
               "year": DirectoryFilters(year=2009), "words": DirectoryFilters(words="isolement")}[name]
    plan = plan_of(db.select(db.func.count()).select_from(Project).where(*filter_clauses(user, filters)))
    for index in INDEXES[name]:
        assert index in plan, plan
    assert "Seq Scan on projects" not in plan and not re.search(r"^SCAN projects$", plan, re.M), plan


@pytest.mark.skipif(is_postgresql(), reason="SQLite's FTS5 table and its triggers")
def test_the_search_index_follows_edits_and_the_triggers_exist(client, login, catalogue):
    triggers = set(db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert {"projects_search_after_insert", "projects_search_after_update",
            "projects_search_after_delete"} <= triggers
    donnant = catalogue["donnant"]
    donnant.description = "Un réseau de bénévoles donneurs."
    db.session.flush()
    login(catalogue["viewer"])
    assert titles(client.get("/projets?mots=donneurs")) == ["Donnant-donnant"]
    assert titles(client.get("/projets?mots=crevaisons")) == []
