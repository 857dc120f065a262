"""The network's funding totals per funder, fiscal year, theme and territory kind, for coordinators
and funders. A funder's people see the totals of the projects whose funding they may see (those their
organisation carries, partners or funds), nothing else: the same rule as a project's funding tab."""

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select, true, union
from sqlalchemy.orm import aliased

from portal.accounts.models import Organisation, Territory
from portal.core.db import db
from portal.funding.formats import tabular
from portal.funding.models import FundingTotal, LedgerEntry
from portal.projects.models import PartnerRole, Project, ProjectPartner, Theme, project_themes, visibility_clause

DIMENSIONS = ("funder", "year", "theme", "territory")
NO_THEME, NO_TERRITORY = "Sans thème", "Non précisé"


def _funds_somewhere(organisation_id: int):
    named = exists().where(LedgerEntry.funder_id == organisation_id)
    partner = exists().where(ProjectPartner.organisation_id == organisation_id,
                             ProjectPartner.role == PartnerRole.FINANCEUR)
    return or_(named, partner)


def can_view_network_funding(user) -> bool:
    """Coordinators, and the people of an organisation that funds at least one project."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if user.is_coordinator:
        return True
    return bool(db.session.scalar(select(_funds_somewhere(user.organisation_id))))


def concerned_projects(organisation_id: int):
    """Ids of the projects an organisation carries, partners or funds: a UNION of three index lookups,
    made once per query. (Written as correlated EXISTS, SQLite re-read a funder's entries for every
    entry it looked at: the CAF's dashboard took minutes on a network of 300,000 entries.)"""
    named = aliased(LedgerEntry)  # its own alias: the outer query often reads ledger_entries too
    return union(
        select(Project.id).where(Project.carrier_id == organisation_id),
        select(ProjectPartner.project_id).where(ProjectPartner.organisation_id == organisation_id),
        select(named.project_id).where(named.funder_id == organisation_id),
    )


def funding_scope(user):
    """SQL condition on Project: the projects whose funding this user may see."""
    if user.is_coordinator:
        return true()
    return visibility_clause(user) & Project.id.in_(concerned_projects(user.organisation_id))


def filter_choices(user) -> tuple[list[int], list]:
    """The years (newest first) and funders (id, name) of the totals this person may see: a funder named
    only on projects hidden from them is not even listed. Read from the running totals (a year or funder
    whose entries are all annulled, or a year with a budget only, has no totals to show)."""
    seen = (select(FundingTotal.fiscal_year, FundingTotal.funder_id)
            .join(Project, Project.id == FundingTotal.project_id).where(funding_scope(user)).subquery())
    years = db.session.execute(select(seen.c.fiscal_year).distinct().order_by(seen.c.fiscal_year.desc()))
    funders = db.session.execute(select(Organisation.id, Organisation.name)
                                 .where(Organisation.id.in_(select(seen.c.funder_id)))
                                 .order_by(Organisation.name))
    return list(years.scalars()), funders.all()


@dataclass(frozen=True)
class NetworkRow:
    funder: str | None
    fiscal_year: int | None
    theme: str | None
    territory: str | None
    requested: int
    granted: int
    paid: int
    refused: int
    projects: int

    @property
    def still_to_pay(self) -> int:
        return self.granted - self.paid


def _dimension_columns(by: tuple[str, ...]) -> list:
    columns = {
        "funder": func.coalesce(Organisation.short_name, Organisation.name).label("funder"),
        "year": FundingTotal.fiscal_year.label("fiscal_year"),
        "theme": Theme.name.label("theme"),
        "territory": Project.territory_kind.label("territory"),
    }
    return [columns[name] for name in by]


def _sums() -> list:
    return [func.coalesce(func.sum(FundingTotal.__table__.c[name]), 0).label(name)
            for name in ("requested", "granted", "paid", "refused")]


def network_totals(user, by: tuple[str, ...], fiscal_year: int | None = None,
                   funder_id: int | None = None) -> list[NetworkRow]:
    """Totals grouped by the dimensions named in ``by`` (a project with several themes counts under
    each of them, so theme totals may add up to more than the whole).

    Read from the running totals (one row per project, year and funder, kept with each append: see
    services/totals.py), not from the entries: grouping 300,000 entries with the annulations' anti-join
    took seconds; the totals are a sixth as many rows, already summed."""
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {unknown}")
    groups = _dimension_columns(by)
    query = (select(*groups, *_sums(), func.count(func.distinct(FundingTotal.project_id)).label("projects"))
             .select_from(FundingTotal)
             .join(Organisation, Organisation.id == FundingTotal.funder_id))
    # Projects are read only when the grouping or the scope needs them (a coordinator sees every project,
    # and every total has its project: the join would keep every row).
    if "territory" in by or not user.is_coordinator:
        query = query.join(Project, Project.id == FundingTotal.project_id).where(funding_scope(user))
    if "theme" in by:
        query = query.outerjoin(project_themes, project_themes.c.project_id == FundingTotal.project_id) \
                     .outerjoin(Theme, Theme.id == project_themes.c.theme_id)
    if fiscal_year is not None:
        query = query.where(FundingTotal.fiscal_year == fiscal_year)
    if funder_id is not None:
        query = query.where(FundingTotal.funder_id == funder_id)
    rows = db.session.execute(query.group_by(*groups).order_by(*groups))
    return [_row(row, by) for row in rows]


def _row(row, by: tuple[str, ...]) -> NetworkRow:
    values = row._mapping
    territory = values.get("territory")
    return NetworkRow(
        funder=values.get("funder"), fiscal_year=values.get("fiscal_year"),
        theme=(values.get("theme") or NO_THEME) if "theme" in by else None,
        territory=(Territory(territory).label if territory else NO_TERRITORY) if "territory" in by else None,
        requested=int(row.requested), granted=int(row.granted), paid=int(row.paid), refused=int(row.refused),
        projects=int(row.projects),
    )


# --- exports ----------------------------------------------------------------------------------------------

TOTALS_HEADER = ("Financeur", "Exercice", "Thème", "Type de territoire", "Projets", "Demandé (€)", "Accordé (€)",
                 "Versé (€)", "Reste à verser (€)", "Refusé (€)")


def totals_csv_lines(rows: list[NetworkRow]):
    """The totals as a CSV French spreadsheets open directly."""
    return tabular.french_csv(TOTALS_HEADER, (
        (row.funder, row.fiscal_year, row.theme, row.territory, row.projects, tabular.french_decimal(row.requested),
         tabular.french_decimal(row.granted), tabular.french_decimal(row.paid),
         tabular.french_decimal(row.still_to_pay), tabular.french_decimal(row.refused)) for row in rows))


def totals_document(rows: list[NetworkRow], fiscal_year: int | None, funder_id: int | None) -> dict:
    return {
        "format": "passerelle-network-totals", "version": 1,
        "filters": {"fiscal_year": fiscal_year, "funder_id": funder_id},
        "note": "Un projet qui a plusieurs thèmes compte sous chacun d'eux.",
        "rows": [{"funder": row.funder, "fiscal_year": row.fiscal_year, "theme": row.theme,
                  "territory": row.territory, "projects": row.projects, "requested_cents": row.requested,
                  "granted_cents": row.granted, "paid_cents": row.paid, "still_to_pay_cents": row.still_to_pay,
                  "refused_cents": row.refused} for row in rows],
    }
