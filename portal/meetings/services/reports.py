"""Comptes rendus: the draft (saved under an optimistic lock) and publishing it as version n+1.

Publishing is three steps, so that the slow one holds no database lock and a failure changes nothing:

1. ``prepare_publication`` reads the draft and the atelier into a plain ``Publication`` (refusing an
   empty draft with a French message);
2. ``render_publication`` has ``portal.pdf`` make the PDF once, in its isolated process: no
   database access, no transaction open (the view ends its read transaction before, so SQLite's write
   lock is not held for the seconds a render takes);
3. ``record_publication`` inserts version n+1 in the view's one transaction. The (report, number)
   unique constraint settles two coordinators publishing at once: the second insert fails, is rolled
   back to its savepoint and retried with the next number (the PDF prints its version number, so it
   is made again for that number: the rare race costs a render, never a wrong footer).

A render failure raises ``PdfRenderError`` before step 3: the draft and the versions stay as they were.
"""

import dataclasses
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.formatting import format_moment
from portal.core.markdown import render_markdown
from portal.meetings.models import Atelier, CompteRendu, Rencontre, ReportStatus, ReportVersion, Testimony
from portal.meetings.services.common import MeetingError, optional_text
from portal.network import services as network
from portal.pdf import PdfRenderError, RenderedPdf, ReportDocument
from portal.pdf import Testimony as PdfTestimony

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 2_000_000  # far past 300 pages; portal.pdf refuses what it cannot lay out anyway
MAX_PUBLISH_ATTEMPTS = 5
EMPTY_REPORT_MESSAGE = "Le compte rendu est vide : écrivez son texte avant de le publier."


class StaleDraftError(MeetingError):
    """Someone saved the draft after the editor was opened: nothing is saved, the typed text is kept."""

    def __init__(self, report: CompteRendu):
        who = report.updated_by.full_name if report.updated_by else "Quelqu'un"
        super().__init__(
            f"{who} a enregistré ce compte rendu le {format_moment(report.updated_at)}, pendant que vous le "
            "modifiiez. Rien n'a été enregistré : votre texte est conservé ci-dessous. Relisez la version "
            "actuelle (lien ci-dessus), reportez vos changements, puis enregistrez à nouveau.", "body")
        self.report = report


# --- creating and saving the draft -------------------------------------------------------------------

def create_report(actor: User | None, rencontre: Rencontre, atelier: Atelier | None = None, *,
                  title: str = "", body: str = "", is_public: bool = False) -> CompteRendu:
    """A new draft for an atelier (one at most) or for the whole rencontre."""
    if atelier is not None:
        if atelier.rencontre_id != rencontre.id:
            raise MeetingError("Cet atelier n'appartient pas à cette rencontre.", "atelier_id")
        if report_of_atelier(atelier) is not None:
            raise MeetingError("Cet atelier a déjà un compte rendu.", "atelier_id")
    report = CompteRendu(rencontre=rencontre, atelier=atelier, is_public=is_public,
                         title=optional_text(title, "title", "Le titre", 200),
                         body=_checked_body(body), updated_by=actor)
    db.session.add(report)
    db.session.flush()
    audit.record("report.created", actor=actor, target=f"report:{report.id}")
    return report


def save_draft(actor: User | None, report: CompteRendu, body: str, *, expected_version: int | None,
               is_public: bool | None = None, title: str | None = None) -> bool:
    """Save the draft over ``expected_version`` (what the editor was loaded at); returns whether anything changed.

    Raises ``StaleDraftError`` when someone saved since. The row is locked first (PostgreSQL
    ``FOR UPDATE``; SQLite writers already queue on the database lock) so the comparison is with the
    committed draft, and the ORM's version counter catches whatever slips past.
    """
    db.session.refresh(report, with_for_update={"of": CompteRendu})
    if expected_version is not None and expected_version != report.lock_version:
        raise StaleDraftError(report)
    body = _checked_body(body)
    title = report.title if title is None else optional_text(title, "title", "Le titre", 200)
    is_public = report.is_public if is_public is None else bool(is_public)
    if (body, title, is_public) == (report.body, report.title, report.is_public):
        return False
    public_changed = is_public != report.is_public
    report.body, report.title, report.is_public = body, title, is_public
    report.updated_by = actor
    report.updated_at = utcnow()
    db.session.flush()
    audit.record("report.saved", actor=actor, target=f"report:{report.id}",
                 **({"public": is_public} if public_changed else {}))
    return True


def _checked_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n")
    if len(body) > MAX_BODY_CHARS:
        raise MeetingError(f"Le texte est trop long ({len(body):,} caractères ; au plus {MAX_BODY_CHARS:,}). "
                           "Découpez-le en plusieurs comptes rendus.".replace(",", "\u202f"), "body")
    return body


def report_of_atelier(atelier: Atelier) -> CompteRendu | None:
    return db.session.execute(db.select(CompteRendu).where(CompteRendu.atelier_id == atelier.id)).scalar_one_or_none()


# --- what the header and the PDF show ---------------------------------------------------------------

def rencontre_details(rencontre: Rencontre) -> str:
    """"Le 12 mars 2025 à 09:30 — Salle des fêtes, Belley" (Paris time)."""
    when = format_moment(rencontre.starts_at, "'Le' EEEE d MMMM y 'à' HH'h'mm")
    return " — ".join(part for part in (when, rencontre.place) if part)


def report_document(report: CompteRendu, body: str, *, version: int | None = None,
                    published_at: datetime | None = None,
                    project_url: Callable | None = None) -> ReportDocument:
    """The compte rendu as ``portal.pdf`` lays it out (and as the HTML page shows it).

    ``project_url(project)`` gives each testimony's link (None: no link, e.g. a project the reader may not see).
    """
    atelier = report.atelier
    testimonies = tuple(
        PdfTestimony(structure=t.structure, project=t.project.title,
                     project_url=project_url(t.project) if project_url else None)
        for t in (atelier.testimonies if atelier else ()))
    identity = network.identity()
    heading = report.heading
    theme = atelier.theme if atelier else heading
    return ReportDocument(
        network_name=identity.name,
        heading=heading,
        body_html=str(render_markdown(body)),
        markdown_source=body,
        rencontre_ordinal=report.rencontre.ordinal,
        rencontre_title=report.rencontre.title,
        rencontre_details=rencontre_details(report.rencontre),
        co_facilitators=tuple(atelier.facilitator_names if atelier else ()),
        testimonies=testimonies,
        version=version,
        published_at=published_at,
        author=identity.name,
        subject=f"Compte rendu — {heading} — {report.rencontre.label}",
        keywords=(theme, "compte rendu", "rencontre"),
        logo_url=identity.pdf_logo_url,
        source_filename=file_stem(report, version) + ".md",
    )


def file_stem(report: CompteRendu | ReportVersion, version: int | None) -> str:
    """"compte-rendu-atelier-2-isolement-v1": ASCII, lower case, no path or quoting trouble."""
    heading = re.sub(r"\b[nN]°\s*", "", report.heading)  # "Atelier n°2" -> "atelier-2"
    slug = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:80].strip("-")
    stem = f"compte-rendu-{slug or 'rencontre'}"
    return f"{stem}-v{version}" if version else stem


def absolute_project_url(project) -> str | None:
    """The project page's address as printed in the PDF (a link partners can follow once logged in)."""
    if not has_request_context() and not current_app.config.get("SERVER_NAME"):
        return None
    return url_for("projects.show", project_id=project.id, _external=True)


# --- publishing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Publication:
    """Everything needed to render and record one version, read before the render (no ORM objects)."""

    report_id: int
    number: int
    document: ReportDocument
    change_note: str
    published_at: datetime


def prepare_publication(report: CompteRendu, change_note: str = "") -> Publication:
    """Check the draft can be published and gather what the PDF shows, numbered as the next version."""
    if not report.body.strip():
        raise MeetingError(EMPTY_REPORT_MESSAGE, "body")
    note = optional_text(change_note, "change_note", "La note « ce qui a changé »", 500)
    number = next_version_number(report.id)
    if number > 1 and not note:
        raise MeetingError("Dites en quelques mots ce qui a changé depuis la version précédente.", "change_note")
    published_at = utcnow().replace(microsecond=0)
    document = report_document(report, report.body, version=number, published_at=published_at,
                               project_url=absolute_project_url)
    return Publication(report.id, number, document, note, published_at)


def render_publication(publication: Publication) -> RenderedPdf:
    """The PDF, made once by portal.pdf's isolated render process; raises ``PdfRenderError`` (French)."""
    rendered = render_pdf(publication.document)
    if rendered.sha256 != hashlib.sha256(rendered.data).hexdigest():
        raise PdfRenderError("Le PDF produit est incohérent ; rien n'a été publié. Réessayez.")
    return rendered


def render_pdf(document: ReportDocument) -> RenderedPdf:
    """One seam for tests (a render that fails) and for the logo stored in the database."""
    from portal.pdf import render_report_pdf

    return render_report_pdf(document, image_resolver=network.stored_image)


def record_publication(actor: User | None, publication: Publication, rendered: RenderedPdf) -> ReportVersion:
    """Insert the version (retrying on a concurrent publisher's number) and mark the report published."""
    for _attempt in range(MAX_PUBLISH_ATTEMPTS):
        number = next_version_number(publication.report_id)
        if number != publication.number:
            logger.info("report %s: version %s taken meanwhile, rendering again as %s",
                        publication.report_id, publication.number, number)
            publication = _renumbered(publication, number)
            rendered = render_publication(publication)
        version = _insert_version(actor, publication, rendered)
        if version is not None:
            return _after_insert(actor, publication, version)
    raise MeetingError("D'autres publications de ce compte rendu sont en cours : réessayez dans un instant.")


def _insert_version(actor: User | None, publication: Publication, rendered: RenderedPdf) -> ReportVersion | None:
    version = ReportVersion(
        report_id=publication.report_id, number=publication.number, pdf=rendered.data, sha256=rendered.sha256,
        size_bytes=len(rendered.data), page_count=rendered.page_count, heading=publication.document.heading,
        markdown_source=publication.document.markdown_source, change_note=publication.change_note,
        published_by_id=getattr(actor, "id", None), published_at=publication.published_at)
    savepoint = db.session.begin_nested()
    db.session.add(version)
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        return None
    return version


def _after_insert(actor: User | None, publication: Publication, version: ReportVersion) -> ReportVersion:
    # A plain UPDATE, not through the draft's version counter: publishing must not make a co-facilitator's
    # open editor stale, and two first publications must not trip on each other.
    db.session.execute(update(CompteRendu).where(CompteRendu.id == publication.report_id,
                                                 CompteRendu.status != ReportStatus.PUBLISHED)
                       .values(status=ReportStatus.PUBLISHED).execution_options(synchronize_session="fetch"))
    audit.record("report.published", actor=actor, target=f"report:{publication.report_id}",
                 version=version.number, sha256=version.sha256, pages=version.page_count)
    for listener in list(_publish_listeners):
        listener(version)
    return version


def _renumbered(publication: Publication, number: int) -> Publication:
    document = dataclasses.replace(publication.document, version=number,
                                   source_filename=re.sub(r"-v\d+\.md$", f"-v{number}.md",
                                                          publication.document.source_filename))
    return dataclasses.replace(publication, number=number, document=document)


def next_version_number(report_id: int) -> int:
    latest = db.session.scalar(db.select(func.max(ReportVersion.number)).where(ReportVersion.report_id == report_id))
    return (latest or 0) + 1


def publish(actor: User | None, report: CompteRendu, change_note: str = "") -> ReportVersion:
    """All three steps in one call, for the demo and the commands (no request holding a lock meanwhile)."""
    publication = prepare_publication(report, change_note)
    rendered = render_publication(publication)
    return record_publication(actor, publication, rendered)


# Called with each version just recorded, inside the publishing transaction (before the commit).
# The notification module registers here; a listener must not fail the publication for its own sake.
_publish_listeners: list[Callable[[ReportVersion], None]] = []


def on_publish(listener: Callable[[ReportVersion], None]) -> Callable[[ReportVersion], None]:
    _publish_listeners.append(listener)
    return listener


# --- reading versions --------------------------------------------------------------------------------

def versions_of(report: CompteRendu) -> list[ReportVersion]:
    return list(db.session.execute(db.select(ReportVersion).where(ReportVersion.report_id == report.id)
                                   .order_by(ReportVersion.number.desc())).scalars())


def latest_version(report: CompteRendu) -> ReportVersion | None:
    return db.session.execute(db.select(ReportVersion).where(ReportVersion.report_id == report.id)
                              .order_by(ReportVersion.number.desc()).limit(1)).scalar_one_or_none()


def reports_mentioning(project) -> list[CompteRendu]:
    """Published comptes rendus whose atelier heard a testimony about this project (for the project page)."""
    return db.session.execute(
        db.select(CompteRendu).join(Atelier, CompteRendu.atelier_id == Atelier.id)
        .join(Testimony, Testimony.atelier_id == Atelier.id)
        .where(Testimony.project_id == project.id, CompteRendu.status == ReportStatus.PUBLISHED)
        .order_by(CompteRendu.id.desc())
    ).unique().scalars().all()


def version_or_none(report: CompteRendu, number: int) -> ReportVersion | None:
    return db.session.execute(db.select(ReportVersion).where(ReportVersion.report_id == report.id,
                                                             ReportVersion.number == number)).scalar_one_or_none()


audit.label_actions({
    "report.created": "Compte rendu créé",
    "report.saved": "Brouillon de compte rendu enregistré",
    "report.published": "Compte rendu publié",
}, details={"version": "version", "sha256": "empreinte SHA-256", "pages": "pages", "public": "public"})
