"""Hostile input in the address: every page of the URL map that shows a search or filter form (a GET form),
opened by an admin, receives generated values in that form's fields; none may answer 500."""

from hypothesis import HealthCheck, given, settings

from tests.security.access.matrix import VARIABLE, Row
from tests.security.hostile.forms import get_forms
from tests.security.hostile.strategies import form_data
from tests.security.hostile.test_forms import EXAMPLES


def plain_pages(app) -> list[str]:
    """GET routes an admin can open with no value other than a project's."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and set(VARIABLE.findall(rule.rule)) <= {"project_id"})


def test_every_filter_form_takes_hostile_values(app, visitor_for):
    visitor = visitor_for("admin")
    filtered = 0
    for rule in plain_pages(app):
        url = Row("GET", rule, any="").url(visitor.network, "own", "admin")
        response = visitor.client.get(url)
        for action, fields in get_forms(response.get_data(as_text=True), url):
            filtered += 1
            fuzz(visitor, action, fields)
    assert filtered >= 3, "the directory, the network's funding and the journal have filter forms"


def fuzz(visitor, url: str, fields: list[str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(query=form_data(fields))
    def get(query):
        status = visitor.client.get(url, query_string=query).status_code
        assert status != 500, f"500 on GET {url} with {query!r}"

    get()




def test_a_number_too_long_for_the_database_in_an_address_is_not_found(app, visitor_for):
    """``/projets/99999999999999999999`` once reached the database as an OverflowError (SQLite) or an
    "integer out of range" (PostgreSQL): every ``<int:...>`` of the URL map now stops at 2**31 - 1."""
    visitor = visitor_for("admin")
    wrong = []
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule and "GET" in rule.methods:
            for number in (2**31, 2**63, 10**30):
                url = Row("GET", rule.rule, any="", values=dict.fromkeys(VARIABLE.findall(rule.rule), number))
                status = visitor.client.get(url.url(visitor.network, "own", "admin")).status_code
                if status != 404:
                    wrong.append(f"{rule.rule} with {number}: {status}")
    assert not wrong, "\n".join(wrong)
