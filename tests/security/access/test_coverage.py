"""Every route of the URL map has its rows in a table of this folder (a new route without one fails
here), every row names a route that exists, and a method a route does not take answers 405 to everyone.

A blueprint's table is the ``TABLE`` of its ``test_<blueprint>.py`` module here: a new module is found
by itself."""

import pytest

from tests.security.access.matrix import VARIABLE, covered, tables

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask itself for every route
OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def any_url(rule) -> str:
    """The rule with every variable filled: 1 for a number, the first choice of an ``any(...)``."""
    return VARIABLE.sub(lambda match: match.group(0).split("(")[1].split(",")[0] if "any(" in match.group(0)
                        else "1", rule.rule)


def routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - IGNORED_METHODS}


def test_every_route_has_a_row(app):
    missing = routes(app) - covered(tables().values())
    assert not missing, "routes without a row in tests/security/access:\n" + "\n".join(
        f"  {method} {rule}" for method, rule in sorted(missing, key=lambda route: route[1]))


def test_every_row_names_a_route(app):
    unknown = covered(tables().values()) - routes(app)
    assert not unknown, f"rows for routes the portal does not have: {sorted(unknown)}"


@pytest.mark.parametrize("actor", ["anonymous", "coordinator"])
def test_a_method_a_route_does_not_take_answers_405(app, visitor_for, actor):
    visitor = visitor_for(actor)
    wrong = []
    for rule in app.url_map.iter_rules():
        url = any_url(rule)
        for method in set(OTHER_METHODS) - rule.methods:
            got = visitor.play(method, url, {})
            if got != "405":
                wrong.append(f"{method} {url}: {got}")
    assert not wrong, "\n".join(wrong)
