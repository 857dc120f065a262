"""What the projects module puts in a network export: the pages, their organisations and people, the
lists coordinators keep (themes, publics), and each project's whole story (revisions, milestones,
comments, deleted ones included as they are stored)."""

from portal.core import portability
from portal.projects.models import (
    Comment,
    Milestone,
    Project,
    ProjectCommune,
    ProjectInvitation,
    ProjectMember,
    ProjectPartner,
    Public,
    Revision,
    Theme,
    project_publics,
    project_themes,
)

MODULE = "projects"
PROJECT_ID = "The project (`projects/projects.json`)."
PARTIAL_DATE = "`year`, `month` or `day`: how much of the date is known."


def _register(name: str, table, description: str, fields: dict[str, str]) -> None:
    portability.register(portability.Kind(name, MODULE, table, description, fields))


_register("themes", Theme.__table__, "A theme actions work on (isolement, parentalité...).", {
    "id": "Identifier.", "name": "Name, unique.", "created_at": "When it was added."})
_register("publics", Public.__table__, "A public actions are for (familles, personnes âgées...).", {
    "id": "Identifier.", "name": "Name, unique.", "created_at": "When it was added."})

_register("projects", Project.__table__, "A project (an action of the network): its page as it stands now.", {
    "id": "Identifier; every other project file refers to it.",
    "title": "Title.",
    "title_sort": "The title in lower case without accents, for sorting.",
    "summary": "One-line summary.",
    "description": "Description, Markdown (sanitised when shown).",
    "carrier_id": "The carrying organisation (`accounts/organisations.json`).",
    "status": "`en_projet`, `en_cours`, `en_pause` or `termine`.",
    "start_date": "First day of the start period, or null.",
    "start_precision": PARTIAL_DATE + " Null with `start_date`.",
    "end_date": "First day of the end period, or null.",
    "end_precision": PARTIAL_DATE + " Null with `end_date`.",
    "territory_kind": "`urbain`, `periurbain`, `rural`, or null.",
    "visibility": "`network` (every logged-in partner) or `partners` (the project's organisations only).",
    "created_at": "When the project was created.",
    "updated_at": "When its page last changed.",
    "created_by_id": "Who created it (`accounts/users.json`), or null.",
    "version": "Optimistic-lock counter, raised by every change of the page; revisions refer to it.",
})
_register("project_themes", project_themes, "A theme of a project.", {
    "project_id": PROJECT_ID, "theme_id": "The theme (`projects/themes.json`)."})
_register("project_publics", project_publics, "A public of a project.", {
    "project_id": PROJECT_ID, "public_id": "The public (`projects/publics.json`)."})
_register("project_communes", ProjectCommune.__table__, "A commune where a project takes place.", {
    "project_id": PROJECT_ID, "name": "The commune's name."})
_register("project_partners", ProjectPartner.__table__, "A partner organisation of a project, with its role.", {
    "id": "Identifier.", "project_id": PROJECT_ID,
    "organisation_id": "The organisation (`accounts/organisations.json`).",
    "role": "`co_porteur`, `financeur` or `operationnel`."})
_register("project_members", ProjectMember.__table__, "A person of a project, with their role in it.", {
    "id": "Identifier.", "project_id": PROJECT_ID, "user_id": "The person (`accounts/users.json`).",
    "role": "`comite_technique`, `animation`, `benevole` or `personne_concernee`.",
    "added_at": "When they were added."})
_register("project_revisions", Revision.__table__,
          "One change to a project: who, when, why, and the changed fields before and after, as people read "
          "them then (names and labels, not ids).", {
              "id": "Identifier; ledger entries refer to the revision in force when they were recorded.",
              "project_id": PROJECT_ID,
              "number": "1, 2, 3... per project; 1 is the creation.",
              "scope": "What changed: `page`, `members` or `milestones`.",
              "author_id": "Who made the change (`accounts/users.json`), or null.",
              "created_at": "When.",
              "reason": "Why, as its author wrote it, or null.",
              "subject": "The milestone or person concerned, or null.",
              "before": "Object: each changed field's value before the change.",
              "after": "Object: each changed field's value after the change.",
              "project_version": "The project's `version` once this page revision was written, or null."})
_register("project_milestones", Milestone.__table__, "A dated entry of a project's story, possibly long ago.", {
    "id": "Identifier.", "project_id": PROJECT_ID,
    "kind": "`lancement`, `reorientation`, `nouveau_public`, `nouveau_partenaire`, `bilan` or `autre`.",
    "title": "Title.", "text": "Text, Markdown.",
    "happened_on": "First day of the period it happened in.", "precision": PARTIAL_DATE,
    "author_id": "Who wrote it (`accounts/users.json`), or null.",
    "created_at": "When it was written.", "updated_at": "When it was last changed, or null."})
_register("project_comments", Comment.__table__,
          "A message of a project's discussion. A deleted comment keeps its row, with an empty body.", {
              "id": "Identifier.", "project_id": PROJECT_ID,
              "author_id": "Who wrote it (`accounts/users.json`).", "body": "Text, Markdown.",
              "created_at": "When it was posted.", "edited_at": "When its author last edited it, or null.",
              "deleted_at": "When it was deleted, or null.",
              "deleted_by_id": "Who deleted it (`accounts/users.json`), or null."})

portability.not_exported(ProjectInvitation.__tablename__, "goes with the pending invitations it belongs to")
