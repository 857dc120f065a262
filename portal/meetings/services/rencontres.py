"""Rencontres and their ateliers: creating and editing them, with co-facilitators, testimonies and participants."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func

from portal.accounts.models import Organisation, User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.meetings.models import Atelier, Facilitator, Rencontre, Testimony
from portal.meetings.services.common import MeetingError, optional_text, require_text
from portal.projects.models import Project

MAX_OTHER_PARTICIPANTS = 100_000


@dataclass
class RencontreData:
    title: str
    starts_at: datetime  # aware; stored UTC
    ordinal: int | None = None
    ends_at: datetime | None = None
    place: str = ""
    organiser_id: int | None = None
    description: str = ""


@dataclass
class FacilitatorData:
    """A user of the portal (``user_id``) or a plain name for someone without an account."""

    user_id: int | None = None
    name: str | None = None


@dataclass
class TestimonyData:
    project_id: int
    organisation_id: int


@dataclass
class AtelierData:
    number: int
    theme: str
    facilitators: list[FacilitatorData] = field(default_factory=list)
    testimonies: list[TestimonyData] = field(default_factory=list)
    participant_user_ids: list[int] = field(default_factory=list)
    participant_organisation_ids: list[int] = field(default_factory=list)
    other_participants: int = 0


# --- rencontres ------------------------------------------------------------------------------------

def create_rencontre(actor: User | None, data: RencontreData) -> Rencontre:
    """A new rencontre (coordinators; the view checks)."""
    rencontre = Rencontre(created_by_id=getattr(actor, "id", None))
    _apply_rencontre(rencontre, data)
    db.session.add(rencontre)
    db.session.flush()
    audit.record("rencontre.created", actor=actor, target=f"rencontre:{rencontre.id}")
    return rencontre


def update_rencontre(actor: User | None, rencontre: Rencontre, data: RencontreData) -> Rencontre:
    _apply_rencontre(rencontre, data)
    rencontre.updated_at = utcnow()
    db.session.flush()
    audit.record("rencontre.updated", actor=actor, target=f"rencontre:{rencontre.id}")
    return rencontre


def _apply_rencontre(rencontre: Rencontre, data: RencontreData) -> None:
    rencontre.title = require_text(data.title, "title", "Le titre", 200)
    if data.ordinal is not None and not 1 <= data.ordinal <= 1000:
        raise MeetingError("Le numéro de la rencontre doit être compris entre 1 et 1000.", "ordinal")
    if data.starts_at is None or data.starts_at.tzinfo is None:
        raise MeetingError("La date et l'heure de début sont obligatoires.", "starts_on")
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise MeetingError("La fin doit venir après le début.", "ends_time")
    if data.organiser_id is not None and db.session.get(Organisation, data.organiser_id) is None:
        raise MeetingError("Cette organisation n'existe pas.", "organiser_id")
    rencontre.ordinal = data.ordinal
    rencontre.starts_at = data.starts_at
    rencontre.ends_at = data.ends_at
    rencontre.place = optional_text(data.place, "place", "Le lieu", 300)
    rencontre.organiser_id = data.organiser_id
    rencontre.description = optional_text(data.description, "description", "La description", 20_000)


def coming_and_past(now: datetime | None = None) -> tuple[list[Rencontre], list[Rencontre]]:
    """Coming rencontres soonest first, past ones latest first (a rencontre under way counts as coming)."""
    now = now or utcnow()
    rencontres = db.session.execute(db.select(Rencontre).order_by(Rencontre.starts_at)).unique().scalars().all()
    coming = [r for r in rencontres if (r.ends_at or r.starts_at) >= now]
    past = [r for r in reversed(rencontres) if (r.ends_at or r.starts_at) < now]
    return coming, past


# --- ateliers ----------------------------------------------------------------------------------------

def create_atelier(actor: User | None, rencontre: Rencontre, data: AtelierData) -> Atelier:
    atelier = Atelier(rencontre=rencontre)
    db.session.add(atelier)
    _apply_atelier(atelier, data)
    db.session.flush()
    audit.record("atelier.created", actor=actor, target=f"atelier:{atelier.id}", rencontre=rencontre.id)
    return atelier


def update_atelier(actor: User | None, atelier: Atelier, data: AtelierData) -> Atelier:
    _apply_atelier(atelier, data)
    db.session.flush()
    audit.record("atelier.updated", actor=actor, target=f"atelier:{atelier.id}", rencontre=atelier.rencontre_id)
    return atelier


def next_atelier_number(rencontre: Rencontre) -> int:
    latest = db.session.scalar(db.select(func.max(Atelier.number)).where(Atelier.rencontre_id == rencontre.id))
    return (latest or 0) + 1


def _apply_atelier(atelier: Atelier, data: AtelierData) -> None:
    with db.session.no_autoflush:  # a new atelier is in the session already (through its rencontre)
        _apply_atelier_fields(atelier, data)
    _set_facilitators(atelier, data.facilitators)
    _set_testimonies(atelier, data.testimonies)
    atelier.participant_users = _load_all(User, data.participant_user_ids, "participant_user_ids")
    atelier.participant_organisations = _load_all(Organisation, data.participant_organisation_ids,
                                                  "participant_organisation_ids")


def _apply_atelier_fields(atelier: Atelier, data: AtelierData) -> None:
    if data.number is None or not 1 <= data.number <= 1000:
        raise MeetingError("Le numéro de l'atelier doit être compris entre 1 et 1000.", "number")
    taken = db.session.scalar(db.select(Atelier.id).where(
        Atelier.rencontre_id == atelier.rencontre.id, Atelier.number == data.number,
        Atelier.id != (atelier.id or 0)))
    if taken:
        raise MeetingError(f"Cette rencontre a déjà un atelier n°{data.number}.", "number")
    if not 0 <= (data.other_participants or 0) <= MAX_OTHER_PARTICIPANTS:
        raise MeetingError("Le nombre d'autres participants doit être positif.", "other_participants")
    atelier.number = data.number
    atelier.theme = require_text(data.theme, "theme", "Le thème", 200)
    atelier.other_participants = data.other_participants or 0


def _set_facilitators(atelier: Atelier, rows: list[FacilitatorData]) -> None:
    wanted = []
    for row in rows:
        name = optional_text(row.name, "facilitators", "Le nom d'un co-animateur", 120) or None
        if row.user_id is None and name is None:
            continue  # an empty line of the form
        if row.user_id is not None and db.session.get(User, row.user_id) is None:
            raise MeetingError("Cette personne n'existe pas.", "facilitators")
        wanted.append((row.user_id, None if row.user_id is not None else name))
    if len(set(wanted)) != len(wanted):
        raise MeetingError("Une même personne est citée deux fois dans la co-animation.", "facilitators")
    atelier.facilitators.clear()
    db.session.flush()  # the old rows go before the new ones come (positions start again at 0)
    atelier.facilitators.extend(
        Facilitator(user_id=user_id, name=name, position=position) for position, (user_id, name) in enumerate(wanted))


def _set_testimonies(atelier: Atelier, rows: list[TestimonyData]) -> None:
    wanted = []
    for row in rows:
        if db.session.get(Project, row.project_id) is None:
            raise MeetingError("Ce projet n'existe pas.", "testimonies")
        if db.session.get(Organisation, row.organisation_id) is None:
            raise MeetingError("Cette organisation n'existe pas.", "testimonies")
        wanted.append((row.project_id, row.organisation_id))
    if len(set(wanted)) != len(wanted):
        raise MeetingError("Un même témoignage est cité deux fois.", "testimonies")
    atelier.testimonies.clear()
    db.session.flush()
    atelier.testimonies.extend(
        Testimony(project_id=project_id, organisation_id=organisation_id, position=position)
        for position, (project_id, organisation_id) in enumerate(wanted))


def _load_all(model, ids: list[int], field_name: str) -> list:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    rows = db.session.execute(db.select(model).where(model.id.in_(ids))).unique().scalars().all()
    if len(rows) != len(ids):
        raise MeetingError("Un des participants choisis n'existe pas.", field_name)
    return rows


audit.label_actions({
    "rencontre.created": "Rencontre créée",
    "rencontre.updated": "Rencontre modifiée",
    "atelier.created": "Atelier créé",
    "atelier.updated": "Atelier modifié",
}, details={"rencontre": "rencontre"})
