"""Creating and editing a project page. Every change writes a revision; creation is revision 1.

Two people editing at once: the edit form carries the version it was loaded at; a save against a newer
version is refused (``StaleEditError``) with who changed what meanwhile, and nothing is written.
"""

import logging
from dataclasses import dataclass, field

from portal.accounts.models import Organisation, Territory, User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.formatting import format_moment
from portal.core.partial_dates import PartialDate
from portal.core.text import fold, multiline, tidy
from portal.projects.models import (
    PartnerRole,
    Project,
    ProjectCommune,
    ProjectPartner,
    Public,
    Revision,
    RevisionScope,
    Status,
    Theme,
    Visibility,
    can_change_carrier,
)
from portal.projects.services.common import ProjectError, changed_fields, lock_project, record_revision, require_text

logger = logging.getLogger(__name__)

TITLE_MAX, SUMMARY_MAX, DESCRIPTION_MAX, COMMUNE_MAX, COMMUNES_MAX = 200, 300, 50_000, 120, 40


@dataclass
class PartnerChoice:
    organisation_id: int
    role: str


@dataclass
class ProjectData:
    """What a person fills in on the project form, already parsed (dates, ids)."""

    title: str
    carrier_id: int
    summary: str = ""
    description: str = ""
    status: str = Status.EN_COURS
    start: PartialDate | None = None
    end: PartialDate | None = None
    territory_kind: str | None = None
    communes: list[str] = field(default_factory=list)
    visibility: str = Visibility.NETWORK
    partners: list[PartnerChoice] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    public_ids: list[int] = field(default_factory=list)


class StaleEditError(ProjectError):
    """Someone saved the page after the form was loaded. Carries what the form needs to tell the person."""

    def __init__(self, project: Project, revisions: list[Revision]):
        latest = revisions[-1] if revisions else None
        who = latest.author.full_name if latest and latest.author else "Quelqu'un"
        when = f" le {format_moment(latest.created_at)}" if latest else ""
        super().__init__(
            f"{who} a modifié cette fiche{when}, pendant que vous la modifiiez. Rien n'a été enregistré : "
            "vos saisies sont conservées ci-dessous. Les champs que vous n'aviez pas touchés montrent la "
            "nouvelle version ; vérifiez les champs signalés, puis enregistrez à nouveau.")
        self.project = project
        self.latest = latest
        self.current_version = project.version
        self.base: dict = {}  # each field as the person's form showed it when loaded
        self.changed: dict = {}  # field → (revision that last changed it, value now)
        for revision in revisions:
            for key in revision.changed_fields:
                self.base.setdefault(key, revision.before.get(key, _empty_like(revision.after.get(key))))
                self.changed[key] = (revision, revision.after.get(key, _empty_like(revision.before.get(key))))

    def merge(self, mine: dict) -> tuple[list[str], list[str]]:
        """Split the fields changed meanwhile into (conflicts: the person changed them too, differently;
        untouched: the person left them as loaded, so the newer value can simply be taken)."""
        conflicts, untouched = [], []
        for key, (_, current) in self.changed.items():
            if mine.get(key) == current:
                continue
            (untouched if mine.get(key) == self.base.get(key) else conflicts).append(key)
        return conflicts, untouched


def _empty_like(value):
    return [] if isinstance(value, list) else ""


# --- the snapshot revisions compare -----------------------------------------------------------------

def snapshot(project: Project) -> dict:
    """The page's fields as people read them (names, labels, dates in words), for revisions."""
    return _readable(
        project, carrier=project.carrier.name, start=project.start, end=project.end,
        communes=project.commune_names,
        partners=[(p.organisation.name, p.role) for p in project.partners],
        themes=[theme.name for theme in project.themes], publics=[public.name for public in project.publics],
    )


def data_snapshot(data: ProjectData, names: dict) -> dict:
    """The same fields for what a form holds, before it is saved (compared when an edit went stale).
    ``names`` maps "organisations", "themes" and "publics" to {id: name}."""
    organisations = names["organisations"]
    return _readable(
        data, carrier=organisations.get(data.carrier_id, ""), start=data.start, end=data.end,
        communes=[tidy(name) for name in data.communes if tidy(name)],
        partners=[(organisations.get(p.organisation_id, ""), p.role) for p in data.partners],
        themes=[names["themes"].get(i, "") for i in data.theme_ids],
        publics=[names["publics"].get(i, "") for i in data.public_ids],
    )


def _readable(source, *, carrier: str, start, end, communes, partners, themes, publics) -> dict:
    def ordered(values):
        return sorted(dict.fromkeys(values), key=fold)

    return {
        "title": (source.title or "").strip(),
        "summary": tidy(source.summary),
        "description": multiline(source.description),
        "carrier": carrier,
        "status": Status.label_of(source.status),
        "start": start.display() if start else "",
        "end": end.display() if end else "",
        "territory_kind": Territory(source.territory_kind).label if source.territory_kind else "",
        "communes": ordered(communes),
        "visibility": Visibility.label_of(source.visibility),
        "partners": ordered(f"{name} ({PartnerRole.label_of(role)})" for name, role in partners),
        "themes": ordered(themes),
        "publics": ordered(publics),
    }


# --- checking what was typed -------------------------------------------------------------------------

def _load_by_ids(model, ids: list[int], field_name: str, unknown: str) -> list:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {row.id: row for row in db.session.execute(db.select(model).where(model.id.in_(wanted))).scalars()}
    if len(found) != len(wanted):
        raise ProjectError(unknown, field_name)
    return [found[row_id] for row_id in wanted]


def end_before_start(start: PartialDate | None, end: PartialDate | None) -> str | None:
    """The message when the end precedes the start (« 2008 » may end a project begun in « mars 2008 »)."""
    if start and end and end.end < start.start:
        return f"La fin ne peut pas précéder le début ({end.display()} est avant {start.display()})."
    return None


def _check_choice(value: str | None, choices, field_name: str, message: str, optional: bool = False) -> None:
    if optional and not value:
        return
    if value not in set(choices):
        raise ProjectError(message, field_name)


def _clean_communes(names: list[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for name in names:
        name = tidy(name)
        if not name:
            continue
        if len(name) > COMMUNE_MAX:
            raise ProjectError(f"Un nom de commune a {COMMUNE_MAX} caractères au plus.", "communes")
        cleaned.setdefault(fold(name), name)
    if len(cleaned) > COMMUNES_MAX:
        raise ProjectError(f"{COMMUNES_MAX} communes au plus.", "communes")
    return list(cleaned.values())


def _check_partners(data: ProjectData) -> list[tuple[Organisation, str]]:
    seen = []
    for choice in data.partners:
        _check_choice(choice.role, PartnerRole, "partners", "Rôle de partenaire inconnu.")
        if choice.organisation_id == data.carrier_id:
            raise ProjectError("L'organisation porteuse ne peut pas être aussi partenaire.", "partners")
        if choice.organisation_id in seen:
            raise ProjectError("Une organisation figure deux fois parmi les partenaires.", "partners")
        seen.append(choice.organisation_id)
    organisations = _load_by_ids(Organisation, seen, "partners", "Organisation partenaire inconnue.")
    return [(organisation, choice.role) for organisation, choice in zip(organisations, data.partners, strict=True)]


def _validate(data: ProjectData) -> dict:
    """Every rule, before anything is written: a refused save leaves the project untouched."""
    checked = {
        "title": tidy(require_text(data.title, "title", "Le titre", TITLE_MAX)),  # one line, even if forged
        "summary": tidy(data.summary),
        "description": multiline(data.description),
    }
    if len(checked["summary"]) > SUMMARY_MAX:
        raise ProjectError(f"{SUMMARY_MAX} caractères au plus.", "summary")
    if len(checked["description"]) > DESCRIPTION_MAX:
        raise ProjectError(f"{DESCRIPTION_MAX} caractères au plus.", "description")
    _check_choice(data.status, Status, "status", "État inconnu.")
    _check_choice(data.visibility, Visibility, "visibility", "Visibilité inconnue.")
    _check_choice(data.territory_kind, Territory, "territory_kind", "Type de territoire inconnu.", optional=True)
    problem = end_before_start(data.start, data.end)
    if problem:
        raise ProjectError(problem, "end")
    checked["carrier"] = _load_by_ids(Organisation, [data.carrier_id], "carrier_id", "Organisation inconnue.")[0]
    checked["partners"] = _check_partners(data)
    checked["themes"] = _load_by_ids(Theme, data.theme_ids, "themes", "Thème inconnu : il a peut-être été "
                                     "supprimé de la liste entre-temps.")
    checked["publics"] = _load_by_ids(Public, data.public_ids, "publics", "Public inconnu : il a peut-être été "
                                      "supprimé de la liste entre-temps.")
    checked["communes"] = _clean_communes(data.communes)
    return checked


# --- writing -----------------------------------------------------------------------------------------

def _apply(project: Project, data: ProjectData, checked: dict) -> None:
    project.title = checked["title"]
    project.title_sort = fold(checked["title"])[:TITLE_MAX]
    project.summary = checked["summary"]
    project.description = checked["description"]
    project.carrier = checked["carrier"]
    project.status = data.status
    project.start_date, project.start_precision = _columns(data.start)
    project.end_date, project.end_precision = _columns(data.end)
    project.territory_kind = data.territory_kind or None
    project.visibility = data.visibility
    project.themes = checked["themes"]
    project.publics = checked["publics"]
    _apply_communes(project, checked["communes"])
    _apply_partners(project, checked["partners"])


def _columns(when: PartialDate | None) -> tuple:
    return (when.start, when.precision.value) if when else (None, None)


def _apply_communes(project: Project, names: list[str]) -> None:
    kept = {commune.name: commune for commune in project.communes}
    project.communes = [kept.get(name) or ProjectCommune(name=name) for name in names]


def _apply_partners(project: Project, choices: list[tuple[Organisation, str]]) -> None:
    """Keep the rows of organisations still partners (their role updated), drop the others, add the new."""
    existing = {partner.organisation_id: partner for partner in project.partners}
    rows = []
    for organisation, role in choices:
        row = existing.get(organisation.id) or ProjectPartner(organisation=organisation)
        row.role = role
        rows.append(row)
    project.partners = rows


def create_project(actor: User | None, data: ProjectData) -> Project:
    """Create a project; the creator's organisation carries it unless a coordinator chose another.
    ``actor`` None: a command creates it (a funding import that meets a project it does not know)."""
    if actor is not None and not can_change_carrier(actor) and data.carrier_id != actor.organisation_id:
        raise ProjectError("Vous pouvez créer un projet pour votre organisation seulement.", "carrier_id")
    checked = _validate(data)
    now = utcnow()
    project = Project(created_by_id=actor.id if actor else None, created_at=now, updated_at=now)
    db.session.add(project)
    _apply(project, data, checked)
    db.session.flush()
    after = {key: value for key, value in snapshot(project).items() if value}
    record_revision(project, actor, {}, after, reason="Création de la fiche")
    audit.record("project.created", actor=actor, target=f"project:{project.id}")
    return project


def update_project(actor: User, project: Project, data: ProjectData, expected_version: int | None,
                   reason: str | None = None) -> Revision | None:
    """Save the form over the page; returns the revision written, or None when nothing changed.

    Raises ``StaleEditError`` when someone saved since ``expected_version`` (what the form was loaded at).
    """
    lock_project(project)
    if expected_version is not None and expected_version != project.version:
        raise StaleEditError(project, revisions_since(project, expected_version))
    if data.carrier_id != project.carrier_id and not can_change_carrier(actor):
        raise ProjectError("Seule la coordination du réseau peut confier le projet à une autre organisation.",
                           "carrier_id")
    checked = _validate(data)
    before_state = snapshot(project)
    _apply(project, data, checked)
    before, after = changed_fields(before_state, snapshot(project))
    if not before and not after:
        db.session.expire(project)  # nothing to record: leave the row as it was (no version bump)
        return None
    project.updated_at = utcnow()  # also bumps the version when only partners or themes changed
    db.session.flush()
    revision = record_revision(project, actor, before, after, reason=tidy(reason)[:500])
    audit.record("project.updated", actor=actor, target=f"project:{project.id}", revision=revision.number)
    return revision


def revisions_since(project: Project, version: int) -> list[Revision]:
    """The page revisions written after the form's version, oldest first."""
    return list(db.session.execute(
        db.select(Revision).where(Revision.project_id == project.id, Revision.scope == RevisionScope.PAGE,
                                  Revision.project_version > version).order_by(Revision.number)
    ).scalars())


def last_page_revision(project: Project) -> Revision | None:
    return db.session.execute(
        db.select(Revision).where(Revision.project_id == project.id, Revision.scope == RevisionScope.PAGE)
        .order_by(Revision.number.desc()).limit(1)
    ).scalar_one_or_none()
