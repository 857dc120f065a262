"""Mailing a compte rendu's publication: to the network's partners, or to the atelier's participants only.

The coordinator chooses in the publish form (field ``audience``, see ``templates/meetings/_publish_options.html``).
This module listens to ``reports.on_publish``: inside the publishing transaction it works out the
recipients and the messages (the database can still be read there), keeps them on the session, and sends
them once the transaction is committed. A publication that is rolled back mails nobody, and a mail
server that cannot be reached never undoes a publication (it is logged; the version stays published).

Who gets the mail: active accounts that did not turn these mails off (``User.notify_reports``, "Mon
compte → Notifications"), the publisher excepted.
- ``network``: every partner of the network (every active account);
- ``participants``: the atelier's participants (people named, and the people of the organisations
  listed as participants) and its co-facilitators with an account; for the report of a whole rencontre,
  those of all its ateliers;
- ``nobody``: no mail (a correction of a typo, say).

Publications outside a request (``portal import-report``, ``portal demo``: archives and samples) mail
nobody: bringing a 2013 compte rendu into the portal is not news.
"""

import logging
from dataclasses import dataclass

from flask import has_request_context, request, url_for
from sqlalchemy import event, or_
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.choices import LabelledChoice
from portal.core.db import db
from portal.core.mail import send_mail
from portal.meetings.models import Atelier, CompteRendu, ReportVersion, atelier_participant_organisations
from portal.meetings.models import atelier_participant_users as participant_users_table
from portal.meetings.services import reports

logger = logging.getLogger(__name__)

PENDING_KEY = "meetings.pending_report_mails"
FIELD_NAME = "audience"


class Audience(LabelledChoice):
    NETWORK = "network", "Tous les partenaires du réseau"
    PARTICIPANTS = "participants", "Les participants de l'atelier seulement"
    NOBODY = "nobody", "Personne (pas d'e-mail)"


DEFAULT_AUDIENCE = Audience.NETWORK


@dataclass(frozen=True)
class PendingMail:
    """One publication's message, ready to go once the transaction is committed."""

    recipients: tuple[str, ...]
    subject: str
    context: dict
    report_id: int
    version: int


def chosen_audience() -> Audience | None:
    """The audience the coordinator ticked in the publish form; None outside a form's POST (commands, the
    demo, code that publishes under a request context of its own)."""
    if not has_request_context() or request.method != "POST":
        return None
    try:
        return Audience(request.form.get(FIELD_NAME) or DEFAULT_AUDIENCE)
    except ValueError:
        return DEFAULT_AUDIENCE  # a forged value mails the network, as the form's default does


def recipients(report: CompteRendu, audience: Audience, publisher_id: int | None = None) -> list[User]:
    """The people to mail, by name, for this report and audience."""
    if audience == Audience.NOBODY:
        return []
    query = db.select(User).where(User.active.is_(True), User.notify_reports.is_(True),
                                  User.anonymised_at.is_(None))
    if publisher_id is not None:
        query = query.where(User.id != publisher_id)
    if audience == Audience.PARTICIPANTS:
        query = query.where(_participant_of(_ateliers_of(report)))
    people = db.session.execute(query.order_by(User.full_name)).unique().scalars().all()
    return [person for person in people if report.can_read(person)]


def _ateliers_of(report: CompteRendu):
    if report.atelier_id is not None:
        return [report.atelier_id]
    return db.select(Atelier.id).where(Atelier.rencontre_id == report.rencontre_id)


def _participant_of(atelier_ids):
    from portal.meetings.models import Facilitator

    named = db.select(participant_users_table.c.user_id).where(participant_users_table.c.atelier_id.in_(atelier_ids))
    organisations = db.select(atelier_participant_organisations.c.organisation_id).where(
        atelier_participant_organisations.c.atelier_id.in_(atelier_ids))
    facilitators = db.select(Facilitator.user_id).where(Facilitator.atelier_id.in_(atelier_ids),
                                                        Facilitator.user_id.is_not(None))
    return or_(User.id.in_(named), User.organisation_id.in_(organisations), User.id.in_(facilitators))


def prepare_mail(version: ReportVersion, audience: Audience) -> PendingMail | None:
    """The message announcing ``version`` to ``audience`` (None: nobody to tell)."""
    report = db.session.get(CompteRendu, version.report_id)
    people = recipients(report, audience, version.published_by_id)
    if not people:
        return None
    context = {
        "report": {"heading": report.heading, "rencontre": report.rencontre.label, "is_public": report.is_public},
        "version": {"number": version.number, "change_note": version.change_note, "pages": version.page_count},
        "publisher": version.published_by.full_name if version.published_by else "",
        "link": url_for("meetings.report", report_id=report.id, _external=True),
        "pdf_link": url_for("meetings.download", report_id=report.id, number=version.number, _external=True),
        "account_link": url_for("accounts.account", _external=True),
        "audience": audience,
    }
    title = f"Compte rendu publié : {report.heading}" if version.number == 1 else \
        f"Compte rendu mis à jour (version {version.number}) : {report.heading}"
    return PendingMail(tuple(person.email for person in people), title, context, report.id, version.number)


@reports.on_publish
def _on_publish(version: ReportVersion) -> None:
    """Inside the publishing transaction: prepare the mail, to be sent after the commit."""
    audience = chosen_audience()
    if audience is None:
        return
    try:
        mail = prepare_mail(version, audience)
    except Exception:  # a notification never fails the publication it announces
        logger.exception("report %s v%s: notification not prepared", version.report_id, version.number)
        return
    if mail is not None:
        db.session().info.setdefault(PENDING_KEY, []).append(mail)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for mail in session.info.pop(PENDING_KEY, []):
        send_pending(mail)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:  # the whole transaction, not a savepoint inside it
        session.info.pop(PENDING_KEY, None)


def send_pending(mail: PendingMail) -> bool:
    sent = send_mail(list(mail.recipients), mail.subject, "meetings/mail/report_published.txt", **mail.context)
    logger.info("report %s v%s announced to %d person(s) (%s), sent=%s", mail.report_id, mail.version,
                len(mail.recipients), mail.context["audience"], sent)
    return sent


def audience_choices(report: CompteRendu, publisher_id: int | None = None) -> list[tuple[str, str, int | None]]:
    """(value, label, how many people it would mail) for the publish form, the publisher excepted."""
    options = []
    for audience in Audience:
        count = None if audience == Audience.NOBODY else len(recipients(report, audience, publisher_id))
        options.append((audience.value, audience.label, count))
    return options

