"""The network every access-matrix row is played against: one person per place in DESIGN.md's permission
table and, for each kind of object, an "own" one (the carrier's network project, where the partner and
the funder take part), an "other" one (a network project of an organisation nobody here belongs to) and a
"restricted" one (a `partners` project of the same organisations as "own"). Built once per test package;
only ids and e-mails leave it, so no test holds an ORM object of another session."""

from dataclasses import dataclass, field
from datetime import date

from portal.accounts import email_change, services
from portal.accounts.models import OrganisationKind, Role
from portal.core.db import db
from portal.core.partial_dates import parse_partial_date
from portal.funding.rules import EntryKind, PaymentKind
from portal.funding.services.ledger import NewEntry, record_entry
from portal.projects.models import MemberRole, PartnerRole, Visibility
from portal.projects.services.comments import post_comment
from portal.projects.services.members import add_member
from portal.projects.services.milestones import MilestoneData, add_milestone
from tests.support.factories import make_organisation, make_project, make_public, make_theme, make_user

# The columns of every table, in this order.
ACTORS = ("anonymous", "carrier", "partner", "funder", "outsider", "coordinator", "admin", "deactivated")
OBJECTS = ("own", "other", "restricted")


@dataclass
class ProjectIds:
    """A project and one of each thing that hangs from it."""

    project: int
    milestone: int
    comment: int
    member: int
    entry: int  # a demande to the funder (the carrier side's kind)
    accord: int  # the funder's accord (the funder side's kind)


@dataclass
class Network:
    emails: dict[str, str]  # actor → e-mail (anonymous has none)
    user_ids: dict[str, int]
    organisations: dict[str, int]  # carrier, partner, funder, outsider, third, federation
    projects: dict[str, ProjectIds]  # own, other, restricted
    target_user: int  # an account nobody here is: what admin pages act on
    theme: int
    public: int
    tokens: dict[str, str] = field(default_factory=dict)  # invitation, reset, email
    # Another blueprint's objects by name ("public", "draft"...): ids as attributes named like its URL
    # variables (report_id...). A blueprint adds its builder to EXTENSIONS.
    extras: dict[str, object] = field(default_factory=dict)


# Functions (network, people: actor → User) → None, run after the projects are built, that add a
# blueprint's objects to ``network.extras`` (and may reuse ``network.extras`` keys of their own).
EXTENSIONS: list = []


def _story(project, author, funder, funder_member, commenter) -> ProjectIds:
    """A milestone, a comment, a member and two ledger entries, all written through the services."""
    milestone = add_milestone(author, project, MilestoneData("lancement", "Lancement", parse_partial_date("2009")))
    comment = post_comment(commenter, project, "Un premier commentaire.")
    member = add_member(author, project, commenter, MemberRole.BENEVOLE)
    demande = record_entry(project, author, NewEntry(EntryKind.DEMANDE, 2024, date(2024, 2, 1), 500_000,
                                                     funder=funder))
    accord = record_entry(project, funder_member, NewEntry(EntryKind.ACCORD, 2024, date(2024, 3, 1), 400_000,
                                                           funder=funder, decision_date=date(2024, 3, 1)))
    record_entry(project, funder_member, NewEntry(EntryKind.VERSEMENT, 2024, date(2024, 4, 1), 100_000,
                                                  funder=funder, payment_kind=PaymentKind.ACOMPTE))
    return ProjectIds(project.id, milestone.id, comment.id, member.id, demande.id, accord.id)


def build_network() -> Network:
    orgs = {
        "carrier": make_organisation("Centre social porteur"),
        "partner": make_organisation("Association partenaire", OrganisationKind.ASSOCIATION),
        "funder": make_organisation("CAF financeuse", OrganisationKind.CAF, siret="22490001900015"),
        "outsider": make_organisation("Centre social sans lien"),
        "third": make_organisation("Centre social tiers"),
        "federation": make_organisation("Fédération", OrganisationKind.AUTRE),
    }
    people = {
        "carrier": make_user(organisation=orgs["carrier"]),
        "partner": make_user(organisation=orgs["partner"]),
        "funder": make_user(organisation=orgs["funder"]),
        "outsider": make_user(organisation=orgs["outsider"]),
        "coordinator": make_user(Role.COORDINATOR, organisation=orgs["federation"]),
        "admin": make_user(Role.ADMIN, organisation=orgs["federation"]),
        # Of the carrier: were it still active, it would see and change the restricted project. Each test
        # logs it in, then deactivates it, and plays the rows with the cookie it kept.
        "deactivated": make_user(organisation=orgs["carrier"]),
    }
    third_member = make_user(organisation=orgs["third"])
    target = make_user(organisation=orgs["third"])
    partners = [(orgs["partner"], PartnerRole.OPERATIONNEL), (orgs["funder"], PartnerRole.FINANCEUR)]
    projects = {
        "own": make_project(orgs["carrier"], people["carrier"], title="Projet du porteur", partners=partners),
        "other": make_project(orgs["third"], third_member, title="Projet d'un tiers"),
        "restricted": make_project(orgs["carrier"], people["carrier"], title="Projet réservé", partners=partners,
                                   visibility=Visibility.PARTNERS),
    }
    ids = {
        "own": _story(projects["own"], people["carrier"], orgs["funder"], people["funder"], people["partner"]),
        "other": _story(projects["other"], third_member, orgs["funder"], people["funder"], third_member),
        "restricted": _story(projects["restricted"], people["carrier"], orgs["funder"], people["funder"],
                             people["partner"]),
    }
    invitation = services.invite(people["coordinator"], "invitee@exemple.fr", "Invitée", orgs["partner"], Role.MEMBER)
    tokens = {"invitation": services.make_invitation_token(invitation),
              "reset": services.make_reset_token(target),
              "email": email_change.request_email_change(target, "nouvelle@exemple.fr")}
    network = Network(
        emails={actor: user.email for actor, user in people.items()},
        user_ids={actor: user.id for actor, user in people.items()},
        organisations={key: org.id for key, org in orgs.items()},
        projects=ids, target_user=target.id, theme=make_theme().id, public=make_public().id, tokens=tokens,
    )
    db.session.flush()
    for extend in EXTENSIONS:
        extend(network, people)
    db.session.flush()
    return network
