"""The demo ledgers of "Entracte" and "Donnant-donnant": several years of budgets, requests, decisions and
payments from the CAF, the Conseil départemental and the social centres (their own funds), each recorded
by the person whose role it is, with an avenant, annulations, a refusal and years not fully funded.

Recorded through the services, so the rules and the permission table hold; skipped for a project whose
ledger is not empty (the command can run again). Recent years are counted from today, so the current
year is always the one still being funded.
"""

from datetime import date

from portal.accounts.models import Organisation, User
from portal.core.db import db
from portal.funding.models import LedgerEntry
from portal.funding.rules import EntryKind, PaymentKind
from portal.funding.services.ledger import NewEntry, annul_entry, record_entry
from portal.projects.models import Project

K, ACOMPTE, SOLDE = EntryKind, PaymentKind.ACOMPTE, PaymentKind.SOLDE

# (who records, kind, funder, year, "MM-DD", euros, details) — a year below 100 counts back from this year;
# the kind "annule" reverses the entry just before it, with the reason given as details.
ENTRACTE = [
    ("cs-belley", K.BUDGET, None, 3, "01-20", 18_000, {"reference": "Budget voté en CA le 18/01"}),
    ("cs-belley", K.DEMANDE, "CAF", 3, "01-25", 9_000, {"reference": "Dossier CAF 2023-118"}),
    ("cs-belley", K.DEMANDE, "Département", 3, "01-25", 5_000, {}),
    ("caf", K.ACCORD, "CAF", 3, "03-20", 8_000, {"decision": "03-15", "reference": "Convention CAF n° 0412"}),
    ("departement", K.ACCORD, "Département", 3, "04-10", 5_000, {"decision": "04-03",
                                                                 "reference": "Délibération CP 2023-117"}),
    ("cs-belley", K.ACCORD, "CS Belley", 3, "01-20", 5_000, {"decision": "01-18", "note": "Fonds propres"}),
    ("caf", K.VERSEMENT, "CAF", 3, "04-15", 4_000, {"payment": ACOMPTE}),
    ("departement", K.VERSEMENT, "Département", 3, "07-03", 5_000, {"payment": SOLDE}),
    ("caf", K.VERSEMENT, "CAF", 3, "12-12", 4_000, {"payment": SOLDE}),
    ("cs-belley", K.VERSEMENT, "CS Belley", 3, "12-31", 5_000, {"payment": SOLDE, "note": "Fonds propres mobilisés"}),
    ("cs-belley", K.BUDGET, None, 2, "01-22", 21_000, {"note": "Nouveaux publics : personnes âgées, nouvelles "
                                                              "arrivantes."}),
    ("cs-belley", K.DEMANDE, "CAF", 2, "01-30", 10_000, {}),
    ("cs-belley", K.DEMANDE, "Département", 2, "01-30", 6_000, {}),
    ("caf", K.ACCORD, "CAF", 2, "03-18", 9_000, {"decision": "03-12", "reference": "Convention CAF n° 0655"}),
    ("departement", K.ACCORD, "Département", 2, "04-08", 6_000, {"decision": "04-01",
                                                                 "reference": "Délibération CP 2024-092"}),
    ("cs-belley", K.ACCORD, "CS Belley", 2, "01-22", 5_000, {"decision": "01-22", "note": "Fonds propres"}),
    ("caf", K.VERSEMENT, "CAF", 2, "04-12", 4_000, {"payment": ACOMPTE}),
    ("caf", K.VERSEMENT, "CAF", 2, "04-12", 4_000, {"payment": ACOMPTE}),
    ("caf", "annule", None, None, None, None, "Versement saisi deux fois."),
    ("caf", K.AVENANT, "CAF", 2, "09-20", 1_000, {"reference": "Avenant n° 1", "note": "Accueil des personnes "
                                                                                     "âgées le jeudi."}),
    ("departement", K.VERSEMENT, "Département", 2, "05-06", 3_000, {"payment": ACOMPTE}),
    ("departement", K.VERSEMENT, "Département", 2, "11-18", 3_000, {"payment": SOLDE}),
    ("caf", K.VERSEMENT, "CAF", 2, "12-10", 6_000, {"payment": SOLDE}),
    ("cs-belley", K.VERSEMENT, "CS Belley", 2, "12-31", 5_000, {"payment": SOLDE, "note": "Fonds propres mobilisés"}),
    ("cs-belley", K.BUDGET, None, 1, "01-21", 24_000, {}),
    ("cs-belley", K.DEMANDE, "CAF", 1, "01-28", 10_000, {}),
    ("cs-belley", K.DEMANDE, "Département", 1, "01-28", 8_000, {}),
    ("caf", K.ACCORD, "CAF", 1, "03-17", 10_000, {"decision": "03-11", "reference": "Convention CAF n° 0871"}),
    ("departement", K.ACCORD, "Département", 1, "04-14", 4_000, {"decision": "04-07",
                                                                 "reference": "Délibération CP 2025-140"}),
    ("departement", K.REFUS, "Département", 1, "04-14", 4_000, {"note": "Enveloppe départementale réduite."}),
    ("cs-belley", K.ACCORD, "CS Belley", 1, "01-21", 5_000, {"decision": "01-21", "note": "Fonds propres"}),
    ("caf", K.VERSEMENT, "CAF", 1, "04-10", 6_000, {"payment": ACOMPTE}),
    ("departement", K.VERSEMENT, "Département", 1, "06-02", 2_000, {"payment": ACOMPTE}),
    ("caf", K.VERSEMENT, "CAF", 1, "12-15", 4_000, {"payment": SOLDE}),
    ("cs-belley", K.VERSEMENT, "CS Belley", 1, "12-31", 5_000, {"payment": SOLDE, "note": "Fonds propres mobilisés"}),
    ("cs-belley", K.BUDGET, None, 0, "01-19", 25_000, {}),
    ("cs-belley", K.DEMANDE, "CAF", 0, "01-26", 11_000, {}),
    ("cs-belley", K.DEMANDE, "Département", 0, "01-26", 6_000, {}),
    ("caf", K.ACCORD, "CAF", 0, "03-16", 11_000, {"decision": "03-10", "reference": "Convention CAF n° 1024"}),
    ("caf", K.VERSEMENT, "CAF", 0, "04-09", 5_500, {"payment": ACOMPTE}),
]

DONNANT_DONNANT = [
    ("cs-jassans", K.BUDGET, None, 2008, "01-15", 6_000, {}),
    ("cs-jassans", K.DEMANDE, "CAF", 2008, "01-20", 5_000, {}),
    ("caf", K.ACCORD, "CAF", 2008, "03-20", 4_000, {"decision": "03-14", "reference": "Convention CAF n° 2008-77"}),
    ("caf", K.VERSEMENT, "CAF", 2008, "06-30", 4_000, {"payment": SOLDE}),
    ("cs-jassans", K.BUDGET, None, 2009, "01-12", 9_000, {"note": "Réorientation : un comité technique, des "
                                                                 "bénévoles « donneurs »."}),
    ("cs-jassans", K.DEMANDE, "CAF", 2009, "01-16", 6_000, {}),
    ("cs-jassans", K.DEMANDE, "Département", 2009, "01-16", 3_000, {}),
    ("caf", K.ACCORD, "CAF", 2009, "03-18", 6_000, {"decision": "03-12", "reference": "Convention CAF n° 2009-31"}),
    ("departement", K.ACCORD, "Département", 2009, "05-04", 2_500, {"decision": "04-28",
                                                                    "reference": "Délibération CP 2009-210"}),
    ("cs-jassans", K.ACCORD, "CS Jassans", 2009, "01-12", 500, {"decision": "01-12", "note": "Fonds propres"}),
    ("caf", K.VERSEMENT, "CAF", 2009, "04-02", 3_000, {"payment": ACOMPTE}),
    ("departement", K.VERSEMENT, "Département", 2009, "07-10", 2_500, {"payment": SOLDE}),
    ("caf", K.VERSEMENT, "CAF", 2009, "11-25", 3_000, {"payment": SOLDE}),
    ("cs-jassans", K.VERSEMENT, "CS Jassans", 2009, "12-31", 500, {"payment": SOLDE, "note": "Fonds propres"}),
    ("cs-jassans", K.BUDGET, None, 2, "01-17", 12_000, {}),
    ("cs-jassans", K.DEMANDE, "CAF", 2, "01-24", 8_000, {}),
    ("cs-jassans", K.DEMANDE, "Département", 2, "01-24", 4_000, {}),
    ("caf", K.ACCORD, "CAF", 2, "03-19", 7_000, {"decision": "03-12", "reference": "Convention CAF n° 0702"}),
    ("departement", K.REFUS, "Département", 2, "04-15", 4_000, {"note": "Hors critères de l'appel à projets."}),
    ("cs-jassans", K.ACCORD, "CS Jassans", 2, "01-17", 2_000, {"decision": "01-17", "note": "Fonds propres"}),
    ("caf", K.VERSEMENT, "CAF", 2, "04-16", 3_500, {"payment": ACOMPTE}),
    ("caf", K.AVENANT, "CAF", 2, "10-02", -1_000, {"reference": "Avenant n° 1",
                                                   "note": "Ateliers d'été annulés : montant revu à la baisse."}),
    ("caf", K.VERSEMENT, "CAF", 2, "12-11", 2_500, {"payment": SOLDE}),
    ("cs-jassans", K.VERSEMENT, "CS Jassans", 2, "12-31", 2_000, {"payment": SOLDE, "note": "Fonds propres"}),
    ("cs-jassans", K.BUDGET, None, 1, "01-16", 12_500, {}),
    ("cs-jassans", K.DEMANDE, "CAF", 1, "01-23", 7_500, {}),
    ("cs-jassans", K.DEMANDE, "Département", 1, "01-23", 5_000, {}),
    ("caf", K.ACCORD, "CAF", 1, "03-18", 7_500, {"decision": "03-11", "reference": "Convention CAF n° 0933"}),
    ("departement", K.ACCORD, "Département", 1, "04-22", 50_000, {"decision": "04-15",
                                                                  "reference": "Délibération CP 2025-188"}),
    ("coordination", "annule", None, None, None, None, "Erreur de saisie : 5 000 € accordés, et non 50 000 €."),
    ("departement", K.ACCORD, "Département", 1, "04-22", 5_000, {"decision": "04-15",
                                                                 "reference": "Délibération CP 2025-188"}),
    ("caf", K.VERSEMENT, "CAF", 1, "04-14", 4_000, {"payment": ACOMPTE}),
    ("departement", K.VERSEMENT, "Département", 1, "09-30", 5_000, {"payment": SOLDE}),
]


def _year(value: int, today: date) -> int:
    return value if value > 100 else today.year - value


def _day(year: int, month_day: str | None) -> date | None:
    return date.fromisoformat(f"{year}-{month_day}") if month_day else None


def _record_story(project: Project, story: list, people: dict[str, User], funders: dict[str, Organisation],
                  today: date) -> None:
    last = None
    for who, kind, funder, year, month_day, euros, details in story:
        actor = people[who]
        if kind == "annule":
            annul_entry(project, actor, last, details, today=today)
            continue
        year = _year(year, today)
        last = record_entry(project, actor, NewEntry(
            kind=kind, fiscal_year=year, event_date=min(_day(year, month_day), today),
            amount_cents=euros * 100, funder=funders[funder] if funder else None,
            reference=details.get("reference"), note=details.get("note"), payment_kind=details.get("payment"),
            decision_date=_day(year, details.get("decision"))), today=today)


def load_funding(accounts: list[User], today: date | None = None) -> None:
    """Give the demo projects their ledgers (once)."""
    today = today or date.today()
    people = {user.email.split("@")[0]: user for user in accounts}
    funders = {org.display_name: org for org in db.session.execute(db.select(Organisation)).scalars()}
    for title, story in (("Entracte", ENTRACTE), ("Donnant-donnant", DONNANT_DONNANT)):
        project = db.session.execute(db.select(Project).filter_by(title=title)).scalar_one_or_none()
        if project is None or db.session.scalar(db.select(LedgerEntry.id).filter_by(project_id=project.id).limit(1)):
            continue
        _record_story(project, story, people, funders, today)
