"""The lists coordinators keep: themes and publics. Revisions store names, not ids, so renaming an entry
later never rewrites what the history of a project says."""

from sqlalchemy import func

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.core.text import fold, tidy
from portal.projects.models import Public, Theme, project_publics, project_themes
from portal.projects.services.common import ProjectError, require_text

NAME_MAX = 80

# kind in the URL → (model, association table and its column, words for the messages)
KINDS = {
    "themes": (Theme, project_themes.c.theme_id, "thème"),
    "publics": (Public, project_publics.c.public_id, "public"),
}


def entries(model) -> list:
    """Every entry, in alphabetical order whatever the accents (« Échange » sorts with the E)."""
    return sorted(db.session.execute(db.select(model)).scalars(), key=lambda entry: fold(entry.name))


def usage_counts(kind: str) -> dict[int, int]:
    """How many projects use each entry (one grouped query)."""
    _, column, _ = KINDS[kind]
    return dict(db.session.execute(db.select(column, func.count()).group_by(column)).all())


def _check_name(model, name: str, exclude_id: int | None = None) -> str:
    name = tidy(require_text(name, "name", "Le nom", NAME_MAX))
    for entry in entries(model):
        if entry.id != exclude_id and fold(entry.name) == fold(name):
            raise ProjectError(f"« {entry.name} » figure déjà dans la liste.", "name")
    return name


def add_entry(actor: User, kind: str, name: str):
    model, _, _ = KINDS[kind]
    entry = model(name=_check_name(model, name))
    db.session.add(entry)
    db.session.flush()
    audit.record(f"{kind}.added", actor=actor, target=f"{kind}:{entry.id}", name=entry.name)
    return entry


def rename_entry(actor: User, kind: str, entry, name: str) -> None:
    model, _, _ = KINDS[kind]
    before = entry.name
    entry.name = _check_name(model, name, exclude_id=entry.id)
    db.session.flush()
    audit.record(f"{kind}.renamed", actor=actor, target=f"{kind}:{entry.id}", before=before, after=entry.name)


def delete_entry(actor: User, kind: str, entry) -> None:
    """Only an entry no project uses: removing it from projects would change them without a revision."""
    _, column, word = KINDS[kind]
    used = db.session.scalar(db.select(func.count()).where(column == entry.id))
    if used:
        raise ProjectError(f"Ce {word} est utilisé par {used} projet{'s' if used > 1 else ''} : retirez-le d'abord "
                           "de ces projets, ou renommez-le.", "name")
    db.session.delete(entry)
    db.session.flush()
    audit.record(f"{kind}.deleted", actor=actor, target=f"{kind}:{entry.id}", name=entry.name)
