"""Factories for the meetings tests: a rencontre, an atelier as in the seed, its compte rendu."""

from datetime import UTC, datetime

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
from tests.support.factories import make_organisation, make_project, make_user
from tests.support.reports import seed_body_markdown

STARTS_AT = datetime(2025, 3, 12, 8, 30, tzinfo=UTC)  # 9h30 in Paris (winter time)


def make_rencontre(title: str = "Agir ensemble contre l'isolement", ordinal: int | None = 2,
                   starts_at: datetime = STARTS_AT, **fields) -> Rencontre:
    data = RencontreData(title=title, ordinal=ordinal, starts_at=starts_at,
                         place=fields.pop("place", "Salle des fêtes, Belley"), **fields)
    return create_rencontre(None, data)


def make_atelier(rencontre: Rencontre | None = None, number: int = 2, theme: str = "Isolement", *,
                 facilitator_users=(), facilitator_names=("Fouzia Zahar", "Claudy Debaix"), testimonies=None,
                 participants=(), other_participants: int = 0):
    """The seed's atelier: two co-facilitators by name and two testimonies (CS Belley — Entracte, CS Jassans —
    Donnant-donnant) unless told otherwise."""
    rencontre = rencontre or make_rencontre()
    if testimonies is None:
        belley = make_organisation(short_name="CS Belley")
        jassans = make_organisation(short_name="CS Jassans")
        testimonies = [(make_project(belley, title="Entracte"), belley),
                       (make_project(jassans, title="Donnant-donnant"), jassans)]
    data = AtelierData(
        number=number, theme=theme,
        facilitators=[FacilitatorData(user_id=user.id) for user in facilitator_users]
        + [FacilitatorData(name=name) for name in facilitator_names],
        testimonies=[TestimonyData(project_id=project.id, organisation_id=org.id) for project, org in testimonies],
        participant_user_ids=[user.id for user in participants], other_participants=other_participants)
    return create_atelier(None, rencontre, data)


def make_report(atelier=None, body: str | None = None, is_public: bool = False):
    atelier = atelier or make_atelier()
    return reports.create_report(None, atelier.rencontre, atelier,
                                 body=seed_body_markdown() if body is None else body, is_public=is_public)


def coordinator():
    return make_user("coordinator")
