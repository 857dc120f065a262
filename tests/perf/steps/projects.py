"""Projects with their taxonomy, partners and members, and each one's story: revisions, milestones and
comments (a few each, and one project with ``big_story`` of each)."""

from datetime import UTC, date, datetime, timedelta

from portal.core.text import fold
from portal.projects.models import (
    Comment,
    Milestone,
    MilestoneKind,
    PartnerRole,
    Project,
    ProjectCommune,
    ProjectMember,
    ProjectPartner,
    Public,
    Revision,
    RevisionScope,
    Status,
    Theme,
    Visibility,
    project_publics,
    project_themes,
)
from tests.perf.generator import World, bulk_insert, step
from tests.perf.steps.accounts import COMMUNES

THEMES = ["Isolement", "Parentalité", "Échange de savoirs", "Alimentation", "Numérique", "Mobilité", "Jeunesse",
          "Vieillissement", "Logement", "Culture", "Jardins", "Emploi", "Santé", "Citoyenneté", "Accès aux droits"]
PUBLICS = ["Familles", "Personnes âgées", "Jeunes", "Femmes isolées", "Nouveaux arrivants", "Enfants",
           "Bénévoles", "Habitants du quartier"]
ACTIONS = ["Atelier cuisine", "Échange de savoirs", "Café des parents", "Jardin partagé", "Repair café",
           "Accompagnement scolaire", "Numérique pour tous", "Visites de convivialité", "Transport solidaire",
           "Entracte", "Donnant-donnant", "Marche bleue", "Ludothèque", "Permanence d'accès aux droits"]
WORDS = ["rompre l'isolement des personnes âgées en milieu rural", "recréer du lien entre voisins",
         "accueillir les nouveaux arrivants", "partager des savoir-faire", "ouvrir le centre social aux habitants"]
START = datetime(2020, 1, 1, tzinfo=UTC)


def description(rng, number: int) -> str:
    parts = rng.sample(WORDS, 3)
    return (f"L'action n°{number} vise à {parts[0]}.\n\nElle cherche aussi à {parts[1]} et à {parts[2]}, "
            "avec les personnes concernées au comité technique.")


@step("projects", order=20)
def projects(connection, world: World) -> None:
    scale, rng, facts = world.scale, world.rng, world.facts
    theme_ids = world.next_ids("themes", len(THEMES))
    public_ids = world.next_ids("publics", len(PUBLICS))
    bulk_insert(connection, Theme.__table__, [{"id": i, "name": n, "created_at": START}
                                              for i, n in zip(theme_ids, THEMES, strict=True)])
    bulk_insert(connection, Public.__table__, [{"id": i, "name": n, "created_at": START}
                                               for i, n in zip(public_ids, PUBLICS, strict=True)])
    carriers = world.ids["organisations"][3:]
    project_ids = world.next_ids("projects", scale.projects)
    big = project_ids[len(project_ids) // 2]
    facts.update(big_project=big, project=project_ids[len(project_ids) // 3], themes=theme_ids, publics=public_ids,
                 communes=COMMUNES)
    rows, themes, publics, communes, partners, members = [], [], [], [], [], []
    for index, project_id in enumerate(project_ids):
        own = project_id == big or index % 300 == 0  # the measured member's organisation carries a few
        carrier = facts["member_organisation"] if own else carriers[index % len(carriers)]
        title = f"{ACTIONS[index % len(ACTIONS)]} {COMMUNES[index % len(COMMUNES)]} {project_id}"
        if project_id == big:
            title = "Entracte — la grande action du réseau"
        start_year = 2006 + index % 19
        rows.append({
            "id": project_id, "title": title, "title_sort": fold(title), "summary": f"Résumé de l'action {project_id}.",
            "description": description(rng, project_id), "carrier_id": carrier,
            "status": list(Status)[index % 4].value, "start_date": date(start_year, 1 + index % 12, 1),
            "start_precision": "month", "end_date": date(start_year + 3, 1, 1) if index % 4 == 3 else None,
            "end_precision": "year" if index % 4 == 3 else None,
            "territory_kind": ["urbain", "periurbain", "rural"][index % 3],
            "visibility": Visibility.PARTNERS.value if index % 7 == 0 else Visibility.NETWORK.value,
            "created_at": START + timedelta(hours=index), "updated_at": START + timedelta(hours=index, days=30),
            "created_by_id": None, "version": scale.revisions_each if project_id != big else scale.big_story,
        })
        for theme in {theme_ids[index % len(theme_ids)], theme_ids[(index * 7) % len(theme_ids)]}:
            themes.append({"project_id": project_id, "theme_id": theme})
        publics.append({"project_id": project_id, "public_id": public_ids[index % len(public_ids)]})
        communes.append({"project_id": project_id, "name": COMMUNES[index % len(COMMUNES)]})
        funder = facts["caf"] if index % 2 else facts["departement"]
        other = carriers[(index * 13 + 5) % len(carriers)]
        partners.append({"project_id": project_id, "organisation_id": funder, "role": PartnerRole.FINANCEUR.value})
        if other != carrier:
            role = PartnerRole.CO_PORTEUR if index % 5 == 0 else PartnerRole.OPERATIONNEL
            partners.append({"project_id": project_id, "organisation_id": other, "role": role.value})
    bulk_insert(connection, Project.__table__, rows)
    bulk_insert(connection, project_themes, themes)
    bulk_insert(connection, project_publics, publics)
    bulk_insert(connection, ProjectCommune.__table__, communes)
    for row, partner_id in zip(partners, world.next_ids("project_partners", len(partners)), strict=True):
        row["id"] = partner_id
    bulk_insert(connection, ProjectPartner.__table__, partners)
    people = facts["people_by_organisation"]
    for row in rows:
        for offset, role in enumerate(("animation", "personne_concernee")):
            user = people[str(row["carrier_id"])][offset % len(people[str(row["carrier_id"])])]
            if offset == 0 or user != members[-1]["user_id"]:
                members.append({"project_id": row["id"], "user_id": user, "role": role, "added_at": START})
    for row, member_id in zip(members, world.next_ids("project_members", len(members)), strict=True):
        row["id"] = member_id
    bulk_insert(connection, ProjectMember.__table__, members)
    stories(connection, world, rows)


def stories(connection, world: World, projects: list[dict]) -> None:
    scale, rng, facts = world.scale, world.rng, world.facts
    users = world.ids["users"]
    big = facts["big_project"]

    def count(project, each):
        return scale.big_story if project["id"] == big else each

    revisions, milestones, comments = [], [], []
    for project in projects:
        moment = project["created_at"]
        for number in range(1, count(project, scale.revisions_each) + 1):
            before, after = revision_change(project, number)
            revisions.append({"project_id": project["id"], "number": number, "scope": RevisionScope.PAGE.value,
                              "author_id": rng.choice(users), "created_at": moment + timedelta(days=number),
                              "reason": None if number == 1 else f"Mise à jour n°{number}", "subject": None,
                              "before": before, "after": after, "project_version": number})
        for number in range(count(project, scale.milestones_each)):
            kind = list(MilestoneKind)[number % len(MilestoneKind)]
            milestones.append({"project_id": project["id"], "kind": kind.value, "title": f"{kind.label} {number + 1}",
                               "text": "Le comité technique a décidé de donner envie de partager.",
                               "happened_on": date(2006 + number % 19, 1 + number % 12, 1), "precision": "month",
                               "author_id": rng.choice(users), "created_at": moment + timedelta(days=number)})
        for number in range(count(project, scale.comments_each)):
            comments.append({"project_id": project["id"], "author_id": rng.choice(users),
                             "body": f"Message {number + 1} : on se retrouve jeudi au centre social ?",
                             "created_at": moment + timedelta(days=2 + number)})
    for table, rows in ((Revision, revisions), (Milestone, milestones), (Comment, comments)):
        for row, row_id in zip(rows, world.next_ids(table.__tablename__, len(rows)), strict=True):
            row["id"] = row_id
        bulk_insert(connection, table.__table__, rows)


def revision_change(project: dict, number: int) -> tuple[dict, dict]:
    """Revision 1 creates the page; later ones change the summary or the status, as people do."""
    if number == 1:
        return {}, {"title": project["title"], "summary": project["summary"],
                    "description": project["description"], "status": Status.label_of(project["status"]),
                    "visibility": Visibility.label_of(project["visibility"])}
    if number % 2:
        return ({"summary": f"Résumé, version {number - 1}."}, {"summary": f"Résumé, version {number}."})
    return ({"status": "En projet"}, {"status": "En cours"})
