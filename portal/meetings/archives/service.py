"""``portal import-report``: a past compte rendu, read by ``parser``, brought into the portal.

The rencontre and the atelier are found (by the rencontre's number or title, the atelier's number) or
created from what the file says; the compte rendu is created or its draft replaced; it is published if
asked. Importing the same file twice changes nothing and publishes nothing new. Refusals are
``ReportFileError`` (with the line of the file at fault when the file is at fault) or ``MeetingError``.
Like every service, this one flushes and never commits: the command commits once.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from portal.accounts.models import Organisation, User
from portal.core.db import db
from portal.core.text import fold
from portal.meetings.archives.parser import RENCONTRE, ImportedReport, ReportFileError
from portal.meetings.models import Atelier, CompteRendu, Rencontre, ReportVersion
from portal.meetings.services import rencontres as rencontre_services
from portal.meetings.services import reports as report_services
from portal.projects.models import Project

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_START = time(9, 0)  # a rencontre whose file gives the day only
DEFAULT_RENCONTRE_TITLE = "Rencontre du réseau"


@dataclass
class ImportOptions:
    """What the command line adds to (and overrides in) the file."""

    rencontre: str | None = None  # its number ("2", "2e rencontre") or its title
    atelier: int | None = None
    theme: str | None = None
    publish: bool = False
    filename: str = "compte-rendu.md"


@dataclass
class ImportOutcome:
    report: CompteRendu
    created: list[str] = field(default_factory=list)  # what was made: "rencontre …", "atelier …"
    draft_changed: bool = False
    version: ReportVersion | None = None
    version_is_new: bool = False


def import_report(actor: User | None, parsed: ImportedReport, options: ImportOptions) -> ImportOutcome:
    """Find or create the rencontre, the atelier and the compte rendu; replace the draft; publish if asked."""
    created: list[str] = []
    rencontre = _rencontre(actor, parsed, options, created)
    atelier = _atelier(actor, rencontre, parsed, options, created)
    report, draft_changed = _report(actor, rencontre, atelier, parsed, options, created)
    outcome = ImportOutcome(report=report, created=created, draft_changed=draft_changed)
    if options.publish:
        outcome.version, outcome.version_is_new = _publish(actor, report, parsed, options)
    else:
        outcome.version = report_services.latest_version(report)
    return outcome


# --- the rencontre -------------------------------------------------------------------------------------

def _rencontre(actor: User | None, parsed: ImportedReport, options: ImportOptions, created: list[str]) -> Rencontre:
    ordinal, title = parsed.rencontre_ordinal, parsed.rencontre_title
    line = parsed.line_of("rencontre_ordinal") or parsed.line_of("rencontre_title")
    if options.rencontre:
        ordinal, title, line = *_read_rencontre_option(options.rencontre), None
    found = _find_rencontre(ordinal, title, line)
    if found is not None:
        return found
    if options.rencontre:
        raise ReportFileError(None, f"--rencontre « {options.rencontre} » : aucune rencontre de ce numéro ou de ce "
                                    "titre dans le portail.")
    if ordinal is None and not title:
        raise ReportFileError(1, "le fichier ne dit pas de quelle rencontre il est le compte rendu : ajoutez "
                                 "« rencontre: 2 » à son en-tête YAML, ou donnez --rencontre.")
    if parsed.rencontre_date is None:
        which = f"n°{ordinal}" if ordinal is not None else f"« {title} »"
        raise ReportFileError(line, f"rencontre {which} inconnue du portail : pour la créer, donnez sa date "
                                    "(« date: 16/05/2013 » dans l'en-tête YAML) ; sinon choisissez une rencontre "
                                    "existante avec --rencontre.")
    starts_at = datetime.combine(parsed.rencontre_date, parsed.rencontre_time or DEFAULT_START, tzinfo=PARIS)
    rencontre = rencontre_services.create_rencontre(actor, rencontre_services.RencontreData(
        title=title or DEFAULT_RENCONTRE_TITLE, ordinal=ordinal, starts_at=starts_at, place=parsed.place))
    created.append(f"rencontre « {rencontre.label} »")
    return rencontre


def _read_rencontre_option(value: str) -> tuple[int | None, str | None]:
    text = value.strip()
    if text.isdigit():
        return int(text), None
    match = RENCONTRE.match(text)
    if match and not match["title"]:
        return int(match["ordinal"]), None
    return None, text


def _find_rencontre(ordinal: int | None, title: str | None, line: int | None) -> Rencontre | None:
    query = db.select(Rencontre).order_by(Rencontre.starts_at)
    if ordinal is not None:
        candidates = db.session.execute(query.where(Rencontre.ordinal == ordinal)).unique().scalars().all()
        if title and len(candidates) > 1:
            candidates = [r for r in candidates if fold(r.title) == fold(title)]
    elif title:
        candidates = [r for r in db.session.execute(query).unique().scalars() if fold(r.title) == fold(title)]
    else:
        return None
    if len(candidates) > 1:
        raise ReportFileError(line, f"plusieurs rencontres répondent à ce numéro ou ce titre ("
                                    f"{', '.join(r.label for r in candidates)}) : choisissez-la par son titre "
                                    "avec --rencontre.")
    return candidates[0] if candidates else None


# --- the atelier ---------------------------------------------------------------------------------------

def _atelier(actor: User | None, rencontre: Rencontre, parsed: ImportedReport, options: ImportOptions,
             created: list[str]) -> Atelier | None:
    number = options.atelier or parsed.atelier_number
    theme = options.theme or parsed.theme
    if number is None:
        return None  # the compte rendu of the whole rencontre
    atelier = db.session.execute(db.select(Atelier).where(Atelier.rencontre_id == rencontre.id,
                                                          Atelier.number == number)).scalar_one_or_none()
    if atelier is not None:
        if theme and fold(theme) != fold(atelier.theme):
            raise ReportFileError(None if options.theme else parsed.line_of("theme"),
                                  f"l'atelier n°{number} de la {rencontre.label} a pour thème « {atelier.theme} », "
                                  f"pas « {theme} » : vérifiez le numéro (--atelier) ou le thème (--theme).")
        return atelier
    if not theme:
        raise ReportFileError(parsed.line_of("atelier_number"),
                              f"l'atelier n°{number} n'existe pas encore : donnez son thème pour le créer "
                              "(« COMPTE RENDU Atelier n°2 : Isolement », « titre: » ou --theme).")
    atelier = rencontre_services.create_atelier(actor, rencontre, rencontre_services.AtelierData(
        number=number, theme=theme,
        facilitators=[_facilitator(name) for name in parsed.co_facilitators],
        testimonies=[_testimony(testimony) for testimony in parsed.testimonies]))
    created.append(f"atelier « {atelier.heading} »")
    return atelier


def _facilitator(name: str) -> rencontre_services.FacilitatorData:
    """The account of that name when there is exactly one, else the name as written."""
    users = [user for user in db.session.execute(db.select(User).where(User.active.is_(True))).scalars()
             if fold(user.full_name) == fold(name)]
    if len(users) == 1:
        return rencontre_services.FacilitatorData(user_id=users[0].id)
    return rencontre_services.FacilitatorData(name=name)


def _testimony(testimony) -> rencontre_services.TestimonyData:
    projects = [project for project in db.session.execute(db.select(Project)).unique().scalars()
                if fold(project.title) == fold(testimony.project)]
    if not projects:
        raise ReportFileError(testimony.line, f"témoignage : aucun projet « {testimony.project} » dans le portail. "
                                              "Créez sa page d'abord, ou corrigez son titre.")
    organisations = [organisation for organisation in db.session.execute(db.select(Organisation)).scalars()
                     if fold(testimony.structure) in (fold(organisation.name), fold(organisation.short_name))]
    if len(organisations) != 1:
        carriers = [project.carrier for project in projects]
        if len(projects) == 1 and not organisations:
            organisations = carriers  # "CS Belley" written otherwise: the structure is the project's carrier
        else:
            raise ReportFileError(testimony.line, f"témoignage : structure « {testimony.structure} » introuvable "
                                                  "(ni nom ni nom court d'une organisation).")
    project = next((p for p in projects if p.carrier_id == organisations[0].id), projects[0])
    return rencontre_services.TestimonyData(project_id=project.id, organisation_id=organisations[0].id)


# --- the compte rendu ---------------------------------------------------------------------------------

def _report(actor: User | None, rencontre: Rencontre, atelier: Atelier | None, parsed: ImportedReport,
            options: ImportOptions, created: list[str]) -> tuple[CompteRendu, bool]:
    title = "" if atelier is not None else (options.theme or parsed.theme)
    report = (report_services.report_of_atelier(atelier) if atelier is not None
              else _rencontre_report(rencontre, title))
    if report is None:
        report = report_services.create_report(actor, rencontre, atelier, title=title, body=parsed.body,
                                               is_public=bool(parsed.public))
        created.append(f"compte rendu « {report.heading} »")
        return report, True
    changed = report_services.save_draft(actor, report, parsed.body, expected_version=None, is_public=parsed.public)
    return report, changed


def _rencontre_report(rencontre: Rencontre, title: str) -> CompteRendu | None:
    reports = db.session.execute(db.select(CompteRendu).where(CompteRendu.rencontre_id == rencontre.id,
                                                              CompteRendu.atelier_id.is_(None))).scalars().all()
    return next((report for report in reports if fold(report.title) == fold(title)), None)


def _publish(actor: User | None, report: CompteRendu, parsed: ImportedReport,
             options: ImportOptions) -> tuple[ReportVersion, bool]:
    """Version n+1, unless the latest version was made from this very text (importing twice publishes once)."""
    latest = report_services.latest_version(report)
    if latest is not None and latest.markdown_source == report.body:
        return latest, False
    note = parsed.note or (f"Importé depuis {options.filename}" if latest is not None else "")
    return report_services.publish(actor, report, note), True
