"""Who reaches the dashboard, the statement and what monitoring and browsers fetch."""

from tests.security.access.matrix import Row

TABLE = [
    #                  anonymous carrier partner funder outsider coordinator admin deactivated
    Row("GET", "/",
        any=          "login     302     302     302    302      302         302   login"),
    Row("GET", "/accessibilite",
        any=          "200       200     200     200    200      200         200   200"),
    Row("GET", "/healthz",
        any=          "200       200     200     200    200      200         200   200"),
    Row("GET", "/tableau-de-bord",
        any=          "login     200     200     200    200      200         200   login"),
    Row("GET", "/static/<path:filename>", values={"filename": "css/portal.css"},
        any=          "200       200     200     200    200      200         200   200"),
    Row("GET", "/static/<path:filename>", values={"filename": "../portal/config.py"},
        any=          "404       404     404     404    404      404         404   404"),
]


def test_dashboard_routes(visitor):
    visitor.check(TABLE)
