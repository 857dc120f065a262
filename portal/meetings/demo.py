"""The seed's rencontre in the demo: the 2e rencontre, its atelier n°2 « Isolement » co-facilitated by Fouzia
Zahar and Claudy Debaix (both have demo accounts, so both may edit the draft), the two testimonies linked to
the demo projects, and its compte rendu published as version 1 from the seed's text.

Loaded through the services; a second run finds the rencontre and leaves it (and its versions) alone.
"""

from datetime import UTC, datetime
from pathlib import Path

from portal.accounts.models import Organisation, User
from portal.core.db import db
from portal.meetings.models import Rencontre
from portal.meetings.services import reports
from portal.meetings.services.rencontres import (
    AtelierData,
    FacilitatorData,
    RencontreData,
    TestimonyData,
    create_atelier,
    create_rencontre,
)
from portal.projects.models import Project

SEED = Path(__file__).with_name("seed") / "compte-rendu-atelier-isolement.md"  # copy of shared/seed
TITLE = "Agir ensemble contre l'isolement"


def seed_body() -> str:
    """The seed without its header lines (federation, rencontre, atelier, co-animation, testimonies): the
    report's header is rebuilt from the atelier, so the body starts after the first rule."""
    return SEED.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip() + "\n"


def load_meetings(accounts: list[User]) -> None:
    if db.session.execute(db.select(Rencontre.id).where(Rencontre.title == TITLE)).first():
        return
    people = {user.email.split("@")[0]: user for user in accounts}
    organisations = {org.short_name: org for org in db.session.execute(db.select(Organisation)).scalars()}
    projects = {p.title: p for p in db.session.execute(db.select(Project)).unique().scalars()}
    coordinator = people["coordination"]
    rencontre = create_rencontre(coordinator, RencontreData(
        title=TITLE, ordinal=2, starts_at=datetime(2025, 3, 12, 8, 30, tzinfo=UTC),
        ends_at=datetime(2025, 3, 12, 16, 0, tzinfo=UTC), place="Salle des fêtes, Belley",
        organiser_id=organisations["Fédération"].id,
        description="Deuxième rencontre départementale des centres sociaux et de leurs partenaires : "
                    "ateliers sur l'isolement, la parentalité et l'échange de savoirs."))
    atelier = create_atelier(coordinator, rencontre, AtelierData(
        number=2, theme="Isolement",
        facilitators=[FacilitatorData(user_id=people["coordination"].id), FacilitatorData(user_id=people["caf"].id)],
        testimonies=[TestimonyData(projects["Entracte"].id, organisations["CS Belley"].id),
                     TestimonyData(projects["Donnant-donnant"].id, organisations["CS Jassans"].id)],
        participant_user_ids=[people[key].id for key in ("cs-belley", "cs-jassans", "association", "departement")],
        participant_organisation_ids=[organisations[key].id for key in
                                      ("CS Belley", "CS Jassans", "Voisins du Bugey", "Département", "CAF")],
        other_participants=9))
    report = reports.create_report(coordinator, rencontre, atelier, body=seed_body(), is_public=True)
    reports.publish(coordinator, report)
