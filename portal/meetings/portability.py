"""What the meetings module puts in a network export: rencontres, their ateliers (co-facilitators,
testimonies, participants), comptes rendus with their draft, and every published version: its PDF
written as a file beside the JSON (``meetings/report_versions/compte-rendu-<id>-v<n>.pdf``), with its
sha256, so the partners' copies can be matched byte for byte."""

from portal.core import portability
from portal.meetings.models import (
    Atelier,
    CompteRendu,
    Facilitator,
    Rencontre,
    ReportVersion,
    Testimony,
    atelier_participant_organisations,
    atelier_participant_users,
)

MODULE = "meetings"
ATELIER_ID = "The atelier (`meetings/ateliers.json`)."


def _register(name: str, table, description: str, fields: dict[str, str], **options) -> None:
    portability.register(portability.Kind(name, MODULE, table, description, fields, **options))


_register("rencontres", Rencontre.__table__, "A gathering of the network, on one day at one place.", {
    "id": "Identifier.", "title": "Title.", "ordinal": "Its number in the series (2 for \"2e rencontre\"), or null.",
    "starts_at": "When it starts.", "ends_at": "When it ends, or null.", "place": "Where.",
    "organiser_id": "The organising organisation (`accounts/organisations.json`), or null.",
    "description": "Description, Markdown.", "created_at": "When it was created.",
    "updated_at": "When it last changed.", "created_by_id": "Who created it (`accounts/users.json`), or null."})
_register("ateliers", Atelier.__table__, "A workshop of a rencontre (\"Atelier n°2 : Isolement\").", {
    "id": "Identifier.", "rencontre_id": "The rencontre (`meetings/rencontres.json`).",
    "number": "Its number in the rencontre, from 1.", "theme": "Its theme.",
    "other_participants": "How many people came without being listed.", "created_at": "When it was created."})
_register("atelier_facilitators", Facilitator.__table__,
          "A co-facilitator of an atelier: a person with an account, or a plain name.", {
              "id": "Identifier.", "atelier_id": ATELIER_ID,
              "user_id": "The person (`accounts/users.json`), or null for a name only.",
              "name": "The name of someone without an account, or null.", "position": "Order of listing."})
_register("atelier_testimonies", Testimony.__table__,
          "A testimony of an atelier: a project, and the organisation that presented it.", {
              "id": "Identifier.", "atelier_id": ATELIER_ID, "project_id": "The project (`projects/projects.json`).",
              "organisation_id": "The organisation that presented it (`accounts/organisations.json`).",
              "position": "Order of listing."})
_register("atelier_participant_users", atelier_participant_users, "A person who took part in an atelier.", {
    "atelier_id": ATELIER_ID, "user_id": "The person (`accounts/users.json`)."})
_register("atelier_participant_organisations", atelier_participant_organisations,
          "An organisation that took part in an atelier.", {
              "atelier_id": ATELIER_ID, "organisation_id": "The organisation (`accounts/organisations.json`)."})
_register("comptes_rendus", CompteRendu.__table__,
          "The compte rendu of an atelier, or of a whole rencontre (`atelier_id` null), with its current draft.", {
              "id": "Identifier.", "rencontre_id": "The rencontre (`meetings/rencontres.json`).",
              "atelier_id": "The atelier (`meetings/ateliers.json`), or null for the whole rencontre's report.",
              "title": "Title of a whole rencontre's report (empty for an atelier's).",
              "body": "The draft, Markdown (CommonMark and tables).",
              "is_public": "Whether published versions are readable without logging in.",
              "status": "`draft` (never published) or `published`.",
              "created_at": "When it was created.", "updated_at": "When its draft last changed.",
              "updated_by_id": "Who last changed the draft (`accounts/users.json`), or null.",
              "lock_version": "Optimistic-lock counter of the draft."})
_register("report_versions", ReportVersion.__table__,
          "One published version of a compte rendu: the PDF exactly as it was sent to the partners, never changed.",
          {
              "id": "Identifier.", "report_id": "The compte rendu (`meetings/comptes_rendus.json`).",
              "number": "1, 2, 3... per compte rendu.",
              "pdf": "The PDF (PDF/A-3a): a file `meetings/report_versions/compte-rendu-<report_id>-v<number>.pdf`.",
              "sha256": "sha256 of the PDF, hexadecimal, as stored when it was published.",
              "size_bytes": "Size of the PDF in bytes.", "page_count": "Number of pages.",
              "heading": "The heading as printed.", "markdown_source": "The Markdown the PDF was made from.",
              "change_note": "What changed since the previous version (empty for the first).",
              "published_by_id": "Who published it (`accounts/users.json`), or null.",
              "published_at": "When it was published."},
          file_names={"pdf": "compte-rendu-{report_id}-v{number}.pdf"})
