"""What a browser posts for the project forms, and small readers of the pages."""

import re

from portal.core.db import db
from portal.projects.models import Project, Revision


def project_form(title="Entracte", carrier=None, partners=(), themes=(), publics=(), **fields) -> dict:
    """The edit/creation form as a browser posts it; ``partners`` are (organisation, role) pairs."""
    data = {
        "title": title, "summary": fields.pop("summary", "Un atelier cuisine entre femmes isolées."),
        "description": fields.pop("description", ""), "status": fields.pop("status", "en_cours"),
        "start": fields.pop("start", ""), "end": fields.pop("end", ""),
        "territory_kind": fields.pop("territory_kind", "rural"), "communes": fields.pop("communes", ""),
        "visibility": fields.pop("visibility", "network"),
        "themes": [theme.id if hasattr(theme, "id") else theme for theme in themes],
        "publics": [public.id if hasattr(public, "id") else public for public in publics],
    }
    if carrier is not None:
        data["carrier_id"] = carrier.id if hasattr(carrier, "id") else carrier
    for index, (organisation, role) in enumerate(partners):
        data[f"partners-{index}-organisation_id"] = getattr(organisation, "id", organisation)
        data[f"partners-{index}-role"] = role
    data.update(fields)
    return data


def edit_form_of(client, project_id: int) -> dict:
    """The values the edit page shows, as a browser would post them back untouched."""
    page = client.get(f"/projets/{project_id}/modifier").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version, "the edit form carries the version"
    return {"version": version.group(1)}


def project_titled(title: str) -> Project:
    return db.session.execute(db.select(Project).filter_by(title=title)).scalar_one()


def revisions_of(project: Project) -> list[Revision]:
    return list(db.session.execute(
        db.select(Revision).where(Revision.project_id == project.id).order_by(Revision.number)).scalars())
