"""Hostile input: every form of the portal (every POST route of the URL map, so none escapes) receives
generated values (unicode and control characters, huge strings, French and broken numbers and dates,
several values for one field, missing and unknown fields), posted by someone allowed to use it. None may
answer 500, and a refused post (anything but a redirect) may leave no row behind: every table's row count
is compared before and after (the audit log and the login throttle excepted: a refusal is worth noting).

The fields are read from the page that shows the form, as a browser would. Examples per form:
``PORTAL_FUZZ_EXAMPLES`` (default 5, fixed seed, so CI is reproducible; raise it to explore)."""

import os
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from portal.core.db import db
from tests.security.access.matrix import Row
from tests.security.access.network import Network
from tests.security.hostile.forms import fields_of
from tests.security.hostile.strategies import form_data

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "5"))
MAY_GROW_ON_REFUSAL = {"audit_events", "throttle_buckets"}


def network_value(path):
    def of(network: Network, obj, actor):
        value = network
        for step in path.split("."):
            value = value[step] if isinstance(value, dict) else getattr(value, step)
        return value

    of.__name__ = path
    return of


@dataclass(frozen=True)
class Form:
    rule: str
    actor: str
    page: str | None = None  # where the form is shown (default: GET on the same URL)
    values: dict = field(default_factory=dict)
    fields: tuple[str, ...] | None = None  # when no page shows the form to this actor
    done: tuple[int, ...] = ()  # statuses other than a redirect that mean the post was accepted
    obj: str = "own"  # which object of the network the URL names

    def url(self, network: Network, rule: str | None = None) -> str:
        return Row("POST", rule or self.rule, any="", values=self.values).url(network, self.obj, self.actor)

    @property
    def id(self) -> str:
        return self.rule + "".join(f"[{value}]" for value in self.values.values() if isinstance(value, str))


USER = {"user_id": network_value("target_user")}
PROJECT_PAGE = "/projets/<int:project_id>"
FORMS = [
    Form("/admin/invitations/nouvelle", "admin"),
    Form("/admin/organisations/<int:organisation_id>", "admin", values={"organisation_id": network_value(
        "organisations.third")}),
    Form("/admin/organisations/nouvelle", "admin"),
    Form("/admin/utilisateurs/<int:user_id>/activation", "admin", "/admin/utilisateurs", USER),
    Form("/admin/utilisateurs/<int:user_id>/anonymisation", "admin", values=USER),
    Form("/admin/utilisateurs/<int:user_id>/double-authentification", "admin", values=USER, fields=()),
    Form("/admin/utilisateurs/<int:user_id>/role", "admin", "/admin/utilisateurs", USER),
    Form("/compte/adresse-e-mail", "carrier"),
    Form("/compte/adresse-e-mail/<token>", "anonymous", values={"token": network_value("tokens.email")}),
    Form("/compte/confirmer-identite", "carrier"),
    Form("/compte/double-authentification", "carrier"),
    # New recovery codes are shown once, on the page that answers the post (200).
    Form("/compte/double-authentification/codes-de-secours", "admin", "/compte/double-authentification",
         done=(200,)),
    Form("/compte/double-authentification/desactiver", "admin", fields=()),  # an admin is not offered it
    Form("/compte/mot-de-passe", "carrier"),
    Form("/compte/notifications", "carrier", "/compte"),
    Form("/compte/sessions", "carrier", "/compte"),
    Form("/connexion", "anonymous"),
    Form("/connexion/verification", "anonymous", fields=("code",)),  # shown only half-way through a login
    Form("/deconnexion", "carrier", "/compte"),
    Form("/invitation/<token>", "anonymous", values={"token": network_value("tokens.invitation")}),
    Form("/mot-de-passe-oublie", "anonymous"),
    Form("/mot-de-passe/<token>", "anonymous", values={"token": network_value("tokens.reset")}),
    Form("/projets/<int:project_id>/commentaires", "carrier", PROJECT_PAGE),
    Form("/projets/<int:project_id>/commentaires/<int:comment_id>/modifier", "partner"),
    Form("/projets/<int:project_id>/commentaires/<int:comment_id>/supprimer", "partner", PROJECT_PAGE),
    Form("/projets/<int:project_id>/financements/<int:entry_id>/annuler", "carrier"),
    *(Form("/projets/<int:project_id>/financements/nouveau/<kind>", "carrier", values={"kind": kind})
      for kind in ("budget", "demande")),
    *(Form("/projets/<int:project_id>/financements/nouveau/<kind>", "funder", values={"kind": kind})
      for kind in ("accord", "versement", "avenant", "refus")),
    Form("/projets/<int:project_id>/jalons/<int:milestone_id>/modifier", "carrier"),
    Form("/projets/<int:project_id>/jalons/<int:milestone_id>/supprimer", "carrier",
         "/projets/<int:project_id>/jalons/<int:milestone_id>/modifier"),
    Form("/projets/<int:project_id>/jalons/nouveau", "carrier"),
    Form("/projets/<int:project_id>/membres", "carrier"),
    Form("/projets/<int:project_id>/membres/<int:member_id>/retirer", "carrier", "/projets/<int:project_id>/membres"),
    Form("/projets/<int:project_id>/membres/<int:member_id>/role", "carrier", "/projets/<int:project_id>/membres"),
    Form("/projets/<int:project_id>/membres/inviter", "coordinator"),
    Form("/projets/<int:project_id>/modifier", "carrier"),
    Form("/projets/listes/<kind>", "coordinator", "/projets/listes", {"kind": "themes"}),
    Form("/projets/listes/<kind>/<int:entry_id>", "coordinator", "/projets/listes",
         {"kind": "themes", "entry_id": network_value("theme")}),
    Form("/projets/listes/<kind>/<int:entry_id>/supprimer", "coordinator", "/projets/listes",
         {"kind": "themes", "entry_id": network_value("theme")}),
    Form("/projets/nouveau", "carrier"),
    # Meetings (rencontres and comptes rendus): coordinators organise; the partner co-facilitates "draft".
    Form("/rencontres/nouvelle", "coordinator"),
    Form("/rencontres/<int:rencontre_id>/modifier", "coordinator"),
    Form("/rencontres/<int:rencontre_id>/ateliers/nouveau", "coordinator"),
    Form("/rencontres/ateliers/<int:atelier_id>/modifier", "coordinator"),
    Form("/rencontres/<int:rencontre_id>/comptes-rendus/nouveau", "coordinator"),
    Form("/rencontres/comptes-rendus/<int:report_id>/brouillon", "partner", obj="draft"),
    Form("/reseau/identite", "admin"),
]


def test_every_form_is_fuzzed(app):
    posted = {rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    fuzzed = {form.rule for form in FORMS}
    assert posted - fuzzed == set(), "POST routes without a row in FORMS"
    assert fuzzed - posted == set(), "rows of FORMS for routes the portal does not have"


def row_counts() -> dict[str, int]:
    """Every table's row count, in one statement."""
    tables = [table for table in db.metadata.sorted_tables if table.name not in MAY_GROW_ON_REFUSAL]
    counts = [select(func.count()).select_from(table).scalar_subquery().label(table.name) for table in tables]
    return dict(db.session.execute(select(*counts)).one()._mapping)


def form_fields(visitor, form: Form) -> list[str]:
    url = form.url(visitor.network)
    if form.fields is not None:
        return list(form.fields)
    page = form.url(visitor.network, form.page) if form.page else url
    response = visitor.client.get(page)
    assert response.status_code == 200, f"{page} answered {response.status_code} to {form.actor}"
    fields = fields_of(response.get_data(as_text=True), page, url)
    assert fields is not None, f"no form posting to {url} on {page}"
    return fields


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.id)
def test_hostile_values_never_fail_nor_half_write(app, visitor_for, form):
    visitor = visitor_for(form.actor)
    url = form.url(visitor.network)
    fields = form_fields(visitor, form)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=form_data(fields))
    def post(data):
        with app.app_context():
            before = row_counts()
        status, after = visitor.post_counted(url, data, row_counts)
        assert status != 500, f"500 on POST {url} with {data!r}"
        if not 300 <= status < 400 and status not in form.done:
            changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
            assert not changed, f"POST {url} refused ({status}) but wrote rows {changed} with {data!r}"

    post()
