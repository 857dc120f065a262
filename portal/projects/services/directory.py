"""The directory of projects and the network overview. Every query starts from ``visibility_clause``, so no
listing, count or filter option reveals a project the person may not see.

Pages are cut by keyset (``WHERE (title_sort, id) > (...)`` on the ``ix_projects_title_sort_id`` index)
rather than OFFSET, so page 40 costs what page 1 costs.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, tuple_, union
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organisation, Territory, User
from portal.core.db import db
from portal.core.text import fold
from portal.projects.models import (
    Project,
    ProjectCommune,
    ProjectPartner,
    Public,
    Status,
    Theme,
    project_publics,
    project_themes,
    visibility_clause,
)
from portal.projects.search import search_clause

PER_PAGE = 20


@dataclass
class DirectoryFilters:
    """The filters of the directory, as read from the URL (invalid values are dropped by the form)."""

    words: str = ""
    theme_id: int | None = None
    public_id: int | None = None
    territory: str | None = None
    commune: str | None = None
    organisation_id: int | None = None
    status: str | None = None
    year: int | None = None

    @property
    def active(self) -> bool:
        return any(value not in (None, "") for value in vars(self).values())


@dataclass
class Page:
    projects: list[Project]
    total: int
    next_after: int | None = None  # id to put in ?apres= for the next page
    previous_before: int | None = None  # id to put in ?avant= for the previous page
    is_first: bool = True


def active_in_year(year: int):
    """Started before the year ends (or no start known) and not ended before it begins (or still open).
    Dates are stored as the first day of their period, so « 2009 » as an end still counts for 2009."""
    return and_(or_(Project.start_date.is_(None), Project.start_date <= date(year, 12, 31)),
                or_(Project.end_date.is_(None), Project.end_date >= date(year, 1, 1)))


def _involves(organisation_id: int):
    """Carried or partnered by the organisation: a UNION of two index lookups (an OR across the two tables
    would make PostgreSQL scan every project)."""
    return Project.id.in_(union(
        db.select(Project.id).where(Project.carrier_id == organisation_id),
        db.select(ProjectPartner.project_id).where(ProjectPartner.organisation_id == organisation_id)))


def _tagged(column, project_column, value):
    """Projects having ``value`` in an association table, found through the index on ``column``: written as
    ``id IN (SELECT ...)`` so SQLite seeks those projects instead of scanning them all."""
    return Project.id.in_(db.select(project_column).where(column == value))


def filter_clauses(user: User, filters: DirectoryFilters) -> list:
    """The WHERE clauses of the directory; each uses an index (``tests/projects/test_directory.py`` reads the
    query plans on both engines)."""
    clauses = [visibility_clause(user)]
    if filters.theme_id:
        clauses.append(_tagged(project_themes.c.theme_id, project_themes.c.project_id, filters.theme_id))
    if filters.public_id:
        clauses.append(_tagged(project_publics.c.public_id, project_publics.c.project_id, filters.public_id))
    if filters.commune:
        clauses.append(_tagged(ProjectCommune.name, ProjectCommune.project_id, filters.commune))
    if filters.territory:
        clauses.append(Project.territory_kind == filters.territory)
    if filters.status:
        clauses.append(Project.status == filters.status)
    if filters.organisation_id:
        clauses.append(_involves(filters.organisation_id))
    if filters.year:
        clauses.append(active_in_year(filters.year))
    words = search_clause(filters.words)
    if words is not None:
        clauses.append(words)
    return clauses


def _position(project_id: int | None):
    """The (title_sort, id) of a cursor project, or None when the id is unknown."""
    if project_id is None:
        return None
    title_sort = db.session.scalar(db.select(Project.title_sort).where(Project.id == project_id))
    return None if title_sort is None else (title_sort, project_id)


def directory_page(user: User, filters: DirectoryFilters, after: int | None = None, before: int | None = None,
                   per_page: int = PER_PAGE) -> Page:
    """One page of the directory, alphabetical, with its carrier, themes and communes loaded (3 queries)."""
    clauses = filter_clauses(user, filters)
    total = db.session.scalar(db.select(func.count()).select_from(Project).where(*clauses))
    key = tuple_(Project.title_sort, Project.id)
    query = db.select(Project).where(*clauses).options(selectinload(Project.themes),
                                                        selectinload(Project.communes))
    after_position, before_position = _position(after), _position(before)
    if before_position:
        rows = _rows(query.where(key < before_position).order_by(Project.title_sort.desc(), Project.id.desc()),
                     per_page)
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return _page(rows, total, more_after=True, more_before=more_before)
    if after_position:
        query = query.where(key > after_position)
    rows = _rows(query.order_by(Project.title_sort, Project.id), per_page)
    return _page(rows[:per_page], total, more_after=len(rows) > per_page, more_before=after_position is not None)


def _rows(query, per_page: int) -> list[Project]:
    return list(db.session.execute(query.limit(per_page + 1)).scalars())


def _page(rows: list[Project], total: int, more_after: bool, more_before: bool) -> Page:
    return Page(
        projects=rows, total=total,
        next_after=rows[-1].id if rows and more_after else None,
        previous_before=rows[0].id if rows and more_before else None,
        is_first=not more_before,
    )


# --- the options of the filters ----------------------------------------------------------------------

def filter_options(user: User) -> dict:
    """Choices for the filter form. Communes and organisations come from visible projects only."""
    visible = db.select(Project.id).where(visibility_clause(user))
    communes = db.session.execute(
        db.select(ProjectCommune.name).where(ProjectCommune.project_id.in_(visible)).distinct()
    ).scalars()
    involved = db.select(Project.carrier_id).where(visibility_clause(user)).union(
        db.select(ProjectPartner.organisation_id).where(ProjectPartner.project_id.in_(visible)))
    organisations = db.session.execute(
        db.select(Organisation).where(Organisation.id.in_(involved))).scalars()
    return {
        "themes": _by_name(db.session.execute(db.select(Theme)).scalars()),
        "publics": _by_name(db.session.execute(db.select(Public)).scalars()),
        "communes": sorted(communes, key=fold),
        "organisations": _by_name(organisations),
    }


def _by_name(rows) -> list:
    return sorted(rows, key=lambda row: fold(row.name))


# --- the network overview ----------------------------------------------------------------------------

TERRITORY_COLUMNS = [*((kind.value, kind.label) for kind in Territory), ("", "Non précisé")]


@dataclass
class CountTable:
    """Rows × territory kinds: the number of (visible) projects in each cell."""

    rows: list[tuple[str, dict[str, int], int]]  # label, counts per territory kind, row total
    totals: dict[str, int]
    total: int


def _territory_counts(query) -> dict[tuple, int]:
    return {(row[0], row[1] or ""): row[2] for row in db.session.execute(query).all()}


def _table(labels: list[tuple], counts: dict[tuple, int], totals: dict[str, int]) -> CountTable:
    rows = []
    for key, label in labels:
        cells = {territory: counts.get((key, territory), 0) for territory, _ in TERRITORY_COLUMNS}
        rows.append((label, cells, sum(cells.values())))
    return CountTable(rows=rows, totals=totals, total=sum(totals.values()))


def _by_association(model, column, base, totals: dict[str, int]) -> CountTable:
    """Projects per theme (or public) and territory kind; a project with two themes counts in both rows."""
    counts = _territory_counts(
        db.select(column, Project.territory_kind, func.count(func.distinct(Project.id)))
        .join(Project, Project.id == column.table.c.project_id).where(*base)
        .group_by(column, Project.territory_kind))
    entries = _by_name(db.session.execute(db.select(model)).scalars())
    return _table([(entry.id, entry.name) for entry in entries], counts, totals)


def panorama(user: User, year: int | None = None) -> dict[str, CountTable]:
    """The overview decision-makers read: visible projects by theme, public and status, per territory kind."""
    base = [visibility_clause(user)]
    if year:
        base.append(active_in_year(year))
    status_counts = _territory_counts(
        db.select(Project.status, Project.territory_kind, func.count()).where(*base)
        .group_by(Project.status, Project.territory_kind))
    totals = {territory: sum(count for (_, kind), count in status_counts.items() if kind == territory)
              for territory, _ in TERRITORY_COLUMNS}  # every project has one status: each counted once
    return {
        "themes": _by_association(Theme, project_themes.c.theme_id, base, totals),
        "publics": _by_association(Public, project_publics.c.public_id, base, totals),
        "status": _table(Status.pairs(), status_counts, totals),
    }
