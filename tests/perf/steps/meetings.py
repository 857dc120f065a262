"""Rencontres with two ateliers each (co-facilitators, testimonies of projects, participants), a compte
rendu per atelier, and the published versions of those reports.

A published version stores PDF bytes: one real PDF of the seed, rendered once by the portal's renderer
and stored in every version (rendering thousands would take hours and measure WeasyPrint, not the pages).
"""

import hashlib
from datetime import UTC, datetime, timedelta

from flask import current_app

from portal.meetings.models import (
    Atelier,
    CompteRendu,
    Facilitator,
    Rencontre,
    ReportVersion,
    Testimony,
    atelier_participant_users,
)
from tests.perf.generator import World, bulk_insert, step
from tests.support.reports import make_report, seed_body_markdown

FIRST = datetime(2010, 1, 14, 8, 30, tzinfo=UTC)
THEMES = ["Isolement", "Parentalité", "Mobilité", "Numérique", "Alimentation", "Jeunesse"]


def seed_pdf() -> tuple[bytes, int]:
    from portal.pdf import render_report_pdf

    with current_app.test_request_context(base_url="https://passerelle.example.org/"):
        rendered = render_report_pdf(make_report())
    return rendered.data, rendered.page_count


@step("meetings", order=40)
def meetings(connection, world: World) -> None:
    scale, facts = world.scale, world.facts
    users, projects, organisations = world.ids["users"], world.ids["projects"], world.ids["organisations"]
    rencontre_ids = world.next_ids("rencontres", scale.rencontres)
    bulk_insert(connection, Rencontre.__table__, [
        {"id": r, "title": f"Rencontre du réseau n°{r}", "ordinal": r, "starts_at": FIRST + timedelta(days=7 * n),
         "ends_at": FIRST + timedelta(days=7 * n, hours=8), "place": "Centre social de Belley",
         "organiser_id": facts["federation"], "description": "Une journée d'ateliers et de témoignages.",
         "created_at": FIRST, "updated_at": FIRST, "created_by_id": facts["coordinator"]}
        for n, r in enumerate(rencontre_ids)])
    ateliers_each = -(-scale.comptes_rendus // scale.rencontres)
    atelier_rows, facilitators, testimonies, participants = [], [], [], []
    for n, rencontre in enumerate(rencontre_ids):
        for number in range(1, ateliers_each + 1):
            atelier_rows.append({"rencontre_id": rencontre, "number": number, "theme": THEMES[(n + number) % 6],
                                 "other_participants": 3, "created_at": FIRST})
    atelier_ids = world.next_ids("ateliers", len(atelier_rows))
    for index, (row, atelier) in enumerate(zip(atelier_rows, atelier_ids, strict=True)):
        row["id"] = atelier
        facilitators += [{"atelier_id": atelier, "user_id": users[(index * 7) % len(users)], "name": None,
                          "position": 0},
                         {"atelier_id": atelier, "user_id": None, "name": "Animatrice invitée", "position": 1}]
        for position in range(2):
            project = projects[(index * 3 + position * 101) % len(projects)]
            testimonies.append({"atelier_id": atelier, "project_id": project, "position": position,
                                "organisation_id": organisations[3 + (index + position) % (len(organisations) - 3)]})
        participants += [{"atelier_id": atelier, "user_id": users[(index * 11 + k * 37) % len(users)]}
                         for k in range(4)]
    bulk_insert(connection, Atelier.__table__, atelier_rows)
    for table, rows in ((Facilitator, facilitators), (Testimony, testimonies)):
        for row, row_id in zip(rows, world.next_ids(table.__tablename__, len(rows)), strict=True):
            row["id"] = row_id
        bulk_insert(connection, table.__table__, rows)
    bulk_insert(connection, atelier_participant_users, list({(p["atelier_id"], p["user_id"]): p
                                                              for p in participants}.values()))
    reports(connection, world, atelier_rows[:scale.comptes_rendus])


def reports(connection, world: World, ateliers: list[dict]) -> None:
    scale, facts = world.scale, world.facts
    body = seed_body_markdown()
    report_ids = world.next_ids("comptes_rendus", len(ateliers))
    bulk_insert(connection, CompteRendu.__table__, [
        {"id": r, "rencontre_id": a["rencontre_id"], "atelier_id": a["id"], "title": "", "body": body,
         "is_public": r % 5 == 0, "status": "published", "created_at": FIRST, "updated_at": FIRST,
         "updated_by_id": facts["coordinator"], "lock_version": 1}
        for r, a in zip(report_ids, ateliers, strict=True)])
    pdf, pages = seed_pdf()
    digest = hashlib.sha256(pdf).hexdigest()
    extra = scale.published_versions - len(report_ids)  # the first reports were published twice

    def versions():
        ids = iter(world.next_ids("report_versions", scale.published_versions))
        for index, (report, atelier) in enumerate(zip(report_ids, ateliers, strict=True)):
            for number in range(1, 3 if index < extra else 2):
                yield {"id": next(ids), "report_id": report, "number": number, "pdf": pdf, "sha256": digest,
                       "size_bytes": len(pdf), "page_count": pages, "heading": f"Atelier n°{atelier['number']} : "
                       f"{atelier['theme']}", "markdown_source": body, "change_note": "" if number == 1 else
                       "Coquilles corrigées.", "published_by_id": facts["coordinator"],
                       "published_at": FIRST + timedelta(days=index, hours=number)}

    bulk_insert(connection, ReportVersion.__table__, versions())
    facts.update(rencontre=world.ids["rencontres"][len(world.ids["rencontres"]) // 2],
                 report=report_ids[len(report_ids) // 2], report_twice=report_ids[0])
