"""The two actions of the seed's compte rendu (atelier n°2 « Isolement »), with the story it tells:
"Entracte" (CS Belley) and "Donnant-donnant" (CS Jassans). Loaded through the services, so the demo has
real revisions, and skipped when a project of that title already exists (the command can run again)."""

from portal.accounts.models import Organisation, Role, Territory, User
from portal.accounts.passwords import hash_password
from portal.core.db import db
from portal.core.partial_dates import parse_partial_date
from portal.projects.models import MemberRole, MilestoneKind, PartnerRole, Project, Public, Status, Theme
from portal.projects.services import comments, members, milestones, pages, taxonomy

THEMES = ["Isolement", "Lien social", "Échange de savoirs", "Parentalité", "Insertion", "Accès aux droits"]
PUBLICS = ["Jeunes mères isolées", "Personnes âgées", "Nouvelles arrivantes", "Familles", "Habitants du quartier",
           "Bénévoles"]

# A person concerned, on Donnant-donnant's technical committee: people are co-actors.
PARTICIPANT = ("participante@demo.passerelle.example", "Nadia Ferreira", "CS Jassans")

ENTRACTE_DESCRIPTION = """\
Au départ, ce sont des **femmes isolées** qui se retrouvaient pour faire de la cuisine ensemble, une fois par
mois. De cet atelier cuisine, elles ont développé des **activités manuelles**. Le but reste le même : se
retrouver.

L'action, vécue d'abord comme une activité, a évolué vers un véritable projet. Les participantes aussi : au
public de jeunes mères de famille avec peu de moyens financiers se sont ajoutées des personnes âgées et des
nouvelles arrivantes.

C'est une action portée par plusieurs partenaires : CAF, Conseil départemental, centre social et
associations locales.

## Ce que nous en retenons

- C'est un travail long, il faut du temps.
- Il ne faut pas s'interdire d'évoluer : ne pas s'enfermer dans une idée de départ.
- L'isolement rural n'est pas l'isolement urbain.
"""

DONNANT_DESCRIPTION_2006 = """\
Un atelier pour **partager ses savoirs**, à l'initiative des travailleurs sociaux du centre social. Les
échanges sont pratiques : comment réparer une crevaison, une recette, un coup de main pour un courrier...
"""

DONNANT_DESCRIPTION = """\
Au départ, en 2006, c'est un projet à l'initiative des travailleurs sociaux pour créer un atelier où
**partager ses savoirs**. Les échanges étaient pratiques, par exemple : comment réparer des crevaisons...

Il y a eu un épuisement dans les échanges, et un changement d'équipe qui a contribué à redéfinir le projet.
En 2009, un **comité technique** de professionnels s'est réuni une fois par trimestre pour donner une
nouvelle orientation : *« donner envie de partager »*.

Un réseau de bénévoles « donneurs » s'est constitué. Au fil des ateliers, les personnes qui n'avaient pas
d'envie au début ont réussi à formuler des demandes. Aujourd'hui, quelques bénéficiaires de l'action ont même
intégré le comité technique.
"""


def _taxonomy(model, kind: str, names: list[str], actor: User) -> dict[str, object]:
    existing = {entry.name: entry for entry in db.session.execute(db.select(model)).scalars()}
    for name in names:
        if name not in existing:
            existing[name] = taxonomy.add_entry(actor, kind, name)
    return existing


def _participant(password_hash: str, organisations: dict[str, Organisation]) -> User:
    email, full_name, short_name = PARTICIPANT
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, full_name=full_name, organisation=organisations[short_name], role=Role.MEMBER)
        db.session.add(user)
    user.password_hash = password_hash
    user.active = True
    user.rotate_session_token()
    db.session.flush()
    return user


def _milestone(actor: User, project: Project, when: str, kind: str, title: str, text: str = "") -> None:
    milestones.add_milestone(actor, project, milestones.MilestoneData(
        kind=kind, title=title, when=parse_partial_date(when), text=text))


def _project_data(title: str, carrier: Organisation, **fields) -> pages.ProjectData:
    return pages.ProjectData(title=title, carrier_id=carrier.id, **fields)


def _entracte(people: dict[str, User], organisations: dict[str, Organisation], themes: dict, publics: dict) -> None:
    sophie, fouzia = people["cs-belley"], people["coordination"]
    partners = [pages.PartnerChoice(organisations["CAF"].id, PartnerRole.FINANCEUR),
                pages.PartnerChoice(organisations["Département"].id, PartnerRole.FINANCEUR)]
    data = _project_data(
        "Entracte", organisations["CS Belley"],
        summary="Un atelier cuisine mensuel entre femmes isolées, devenu un lieu de rencontre et d'activités "
                "manuelles ouvert à de nouveaux publics.",
        description=ENTRACTE_DESCRIPTION.split("## Ce que")[0].strip(), status=Status.EN_COURS,
        start=parse_partial_date("2011"), territory_kind=Territory.RURAL, communes=["Belley"],
        partners=partners, theme_ids=[themes["Isolement"].id], public_ids=[publics["Jeunes mères isolées"].id])
    project = pages.create_project(sophie, data)
    data.partners = [*partners, pages.PartnerChoice(organisations["Voisins du Bugey"].id, PartnerRole.OPERATIONNEL)]
    data.theme_ids = [themes["Isolement"].id, themes["Lien social"].id]
    data.communes = ["Belley", "Virieu-le-Grand"]
    pages.update_project(sophie, project, data, project.version,
                         reason="L'association Les Voisins du Bugey anime désormais l'atelier avec nous.")
    data.description = ENTRACTE_DESCRIPTION.strip()
    data.public_ids = [publics[name].id for name in ("Jeunes mères isolées", "Personnes âgées",
                                                     "Nouvelles arrivantes")]
    pages.update_project(fouzia, project, data, project.version,
                         reason="Nouveaux publics accueillis, après le témoignage à la 2e rencontre.")
    _milestone(sophie, project, "2011", MilestoneKind.LANCEMENT, "Premier atelier cuisine mensuel",
               "Des femmes isolées se retrouvent une fois par mois pour cuisiner ensemble.")
    _milestone(sophie, project, "09/2013", MilestoneKind.REORIENTATION, "Des activités manuelles s'ajoutent",
               "De l'atelier cuisine naissent des activités manuelles ; le but reste de se retrouver.")
    _milestone(sophie, project, "2015", MilestoneKind.NOUVEAU_PUBLIC, "Personnes âgées et nouvelles arrivantes",
               "Au public de jeunes mères avec peu de moyens s'ajoutent des personnes âgées et des nouvelles "
               "arrivantes.")
    members.add_member(sophie, project, sophie, MemberRole.ANIMATION)
    members.add_member(sophie, project, people["association"], MemberRole.BENEVOLE)
    members.add_member(sophie, project, people["caf"], MemberRole.COMITE_TECHNIQUE)
    comments.post_comment(people["caf"], project, "Merci pour le témoignage à la rencontre. Pouvez-vous nous "
                          "dire combien de personnes âgées participent aujourd'hui ? Cela nous aidera pour le "
                          "bilan de l'année.")


def _donnant(people: dict[str, User], organisations: dict[str, Organisation], themes: dict, publics: dict,
             participant: User) -> None:
    karim, fouzia = people["cs-jassans"], people["coordination"]
    data = _project_data(
        "Donnant-donnant", organisations["CS Jassans"],
        summary="Un échange de savoirs entre habitants, relancé en 2009 pour « donner envie de partager », "
                "avec un réseau de bénévoles donneurs.",
        description=DONNANT_DESCRIPTION_2006.strip(), status=Status.EN_COURS, start=parse_partial_date("2006"),
        territory_kind=Territory.PERIURBAIN, communes=["Jassans-Riottier"],
        partners=[pages.PartnerChoice(organisations["CAF"].id, PartnerRole.FINANCEUR)],
        theme_ids=[themes["Échange de savoirs"].id], public_ids=[publics["Habitants du quartier"].id])
    project = pages.create_project(karim, data)
    data.description = DONNANT_DESCRIPTION.strip()
    data.theme_ids = [themes["Échange de savoirs"].id, themes["Isolement"].id, themes["Lien social"].id]
    data.public_ids = [publics["Habitants du quartier"].id, publics["Bénévoles"].id]
    pages.update_project(karim, project, data, project.version,
                         reason="Réorientation décidée par le comité technique : « donner envie de partager ».")
    _milestone(karim, project, "2006", MilestoneKind.LANCEMENT, "Un atelier pour partager ses savoirs",
               "À l'initiative des travailleurs sociaux : des échanges pratiques (réparer une crevaison...).")
    _milestone(karim, project, "2008", MilestoneKind.AUTRE, "Épuisement des échanges et changement d'équipe")
    _milestone(karim, project, "2009", MilestoneKind.REORIENTATION, "« Donner envie de partager »",
               "Un comité technique de professionnels se réunit chaque trimestre pour redéfinir le projet.")
    _milestone(karim, project, "2010", MilestoneKind.NOUVEAU_PARTENAIRE, "Un réseau de bénévoles « donneurs »")
    _milestone(karim, project, "2012", MilestoneKind.BILAN, "Des bénéficiaires rejoignent le comité technique",
               "Des personnes qui n'avaient pas d'envie au début formulent des demandes, et certaines intègrent "
               "le comité technique.")
    members.add_member(karim, project, karim, MemberRole.ANIMATION)
    members.add_member(karim, project, participant, MemberRole.PERSONNE_CONCERNEE)
    comments.post_comment(fouzia, project, "Votre témoignage a beaucoup touché l'atelier. Seriez-vous d'accord "
                          "pour le présenter aussi à la prochaine rencontre, avec une personne du comité technique ?")


def load_projects(password: str, accounts: list[User]) -> list[User]:
    """Add the demo projects (once); return the extra accounts this module creates."""
    people = {user.email.split("@")[0]: user for user in accounts}
    organisations = {org.display_name: org for org in db.session.execute(db.select(Organisation)).scalars()}
    participant = _participant(hash_password(password), organisations)
    themes = _taxonomy(Theme, "themes", THEMES, people["coordination"])
    publics = _taxonomy(Public, "publics", PUBLICS, people["coordination"])
    existing = set(db.session.execute(db.select(Project.title)).scalars())
    if "Entracte" not in existing:
        _entracte(people, organisations, themes, publics)
    if "Donnant-donnant" not in existing:
        _donnant(people, organisations, themes, publics, participant)
    return [participant]
