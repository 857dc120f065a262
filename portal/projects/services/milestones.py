"""Milestones: the dated entries of a project's story. Adding, correcting or removing one writes a revision
(scope "milestones"), so the history page keeps even a milestone that was later removed."""

from dataclasses import dataclass

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.partial_dates import PartialDate
from portal.core.text import multiline, tidy
from portal.projects.models import Milestone, MilestoneKind, Project, Revision, RevisionScope
from portal.projects.services.common import ProjectError, changed_fields, lock_project, record_revision, require_text

TITLE_MAX, TEXT_MAX = 200, 20_000


@dataclass
class MilestoneData:
    kind: str
    title: str
    when: PartialDate
    text: str = ""


def _state(milestone: Milestone) -> dict:
    return {
        "milestone_date": milestone.when.display(),
        "milestone_kind": milestone.kind_label,
        "milestone_title": milestone.title,
        "milestone_text": milestone.text,
    }


def _validate(data: MilestoneData) -> tuple[str, str]:
    if data.kind not in set(MilestoneKind):
        raise ProjectError("Type de jalon inconnu.", "kind")
    if data.when is None:
        raise ProjectError("Indiquez une date.", "when")
    title = tidy(require_text(data.title, "title", "Le titre", TITLE_MAX))
    text = multiline(data.text)
    if len(text) > TEXT_MAX:
        raise ProjectError(f"{TEXT_MAX} caractères au plus.", "text")
    return title, text


def _fill(milestone: Milestone, data: MilestoneData, title: str, text: str) -> None:
    milestone.kind = data.kind
    milestone.title = title
    milestone.text = text
    milestone.happened_on = data.when.start
    milestone.precision = data.when.precision.value


def add_milestone(actor: User, project: Project, data: MilestoneData) -> Milestone:
    """Add a milestone to the project's story (its date may be long ago and known only to the year)."""
    title, text = _validate(data)
    lock_project(project)
    milestone = Milestone(project=project, author=actor)
    _fill(milestone, data, title, text)
    db.session.add(milestone)
    db.session.flush()
    record_revision(project, actor, {}, _state(milestone), scope=RevisionScope.MILESTONES,
                    subject=milestone.summary())
    audit.record("milestone.added", actor=actor, target=f"project:{project.id}", milestone=milestone.id)
    return milestone


def update_milestone(actor: User, milestone: Milestone, data: MilestoneData) -> Revision | None:
    """Correct a milestone; the revision keeps what it said before."""
    title, text = _validate(data)
    lock_project(milestone.project)
    before_state = _state(milestone)
    _fill(milestone, data, title, text)
    before, after = changed_fields(before_state, _state(milestone))
    if not before and not after:
        return None
    milestone.updated_at = utcnow()
    db.session.flush()
    audit.record("milestone.updated", actor=actor, target=f"project:{milestone.project_id}", milestone=milestone.id)
    return record_revision(milestone.project, actor, before, after, scope=RevisionScope.MILESTONES,
                           subject=milestone.summary())


def delete_milestone(actor: User, milestone: Milestone) -> Revision:
    """Remove a milestone from the timeline; its text stays in the history page's revision."""
    project = milestone.project
    lock_project(project)
    revision = record_revision(project, actor, _state(milestone), {}, scope=RevisionScope.MILESTONES,
                               subject=milestone.summary())
    db.session.delete(milestone)
    db.session.flush()
    audit.record("milestone.deleted", actor=actor, target=f"project:{project.id}", milestone=milestone.id)
    return revision
