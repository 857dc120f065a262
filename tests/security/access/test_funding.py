"""Who reaches the funding pages (DESIGN.md: the funding of projects one's organisation carries, partners
or funds; the carrier records budgets and demandes, a funder its accords and versements). The outsider
sees the "own" project but not its money: the tab answers 404, as for a project it cannot see."""

from tests.security.access.matrix import Row


def funder(network, obj, actor):
    return network.organisations["funder"]


def accord(network, obj, actor):
    return network.projects[obj].accord


TABLE = [
    #                  anonymous carrier partner funder outsider coordinator admin deactivated
    Row("GET", "/financements",
        any=          "login     403     403     200    403      200         200   login"),
    Row("GET", "/financements.<any(csv, json):fmt>", values={"fmt": "csv"},
        any=          "login     403     403     200    403      200         200   login"),
    Row("GET", "/financements.<any(csv, json):fmt>", values={"fmt": "json"},
        any=          "login     403     403     200    403      200         200   login"),
    Row("GET", "/financements.<any(csv, json):fmt>", values={"fmt": "xml"},  # no such route
        any=          "404       404     404     404    404      404         404   404"),
    Row("GET", "/financements/scdl", query={"financeur": funder, "exercice": 2024},
        any=          "login     403     403     200    403      200         200   login"),
    Row("GET", "/financements/scdl",  # no funder or year named
        any=          "login     404     404     404    404      404         404   login"),
    Row("GET", "/projets/<int:project_id>/financements",
        own=          "login     200     200     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     200     200     200    404      200         200   login"),
    Row("GET", "/projets/<int:project_id>/financements.csv",
        own=          "login     200     200     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     200     200     200    404      200         200   login"),
    Row("GET", "/projets/<int:project_id>/financements.json",
        own=          "login     200     200     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     200     200     200    404      200         200   login"),
    # entry_id: the carrier's demande (the carrier side annuls it), then the funder's accord.
    Row("GET", "/projets/<int:project_id>/financements/<int:entry_id>/annuler",
        own=          "login     200     403     403    404      200         200   login",
        other=        "login     404     404     403    404      200         200   login",
        restricted=   "login     200     403     403    404      200         200   login"),
    Row("POST", "/projets/<int:project_id>/financements/<int:entry_id>/annuler",
        own=          "login     200     403     403    404      200         200   login",
        other=        "login     404     404     403    404      200         200   login",
        restricted=   "login     200     403     403    404      200         200   login"),
    Row("GET", "/projets/<int:project_id>/financements/<int:entry_id>/annuler", values={"entry_id": accord},
        own=          "login     403     403     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     403     403     200    404      200         200   login"),
    Row("POST", "/projets/<int:project_id>/financements/<int:entry_id>/annuler", values={"entry_id": accord},
        own=          "login     403     403     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     403     403     200    404      200         200   login"),
    Row("GET", "/projets/<int:project_id>/financements/nouveau/<kind>", values={"kind": "budget"},
        own=          "login     200     403     403    404      200         200   login",
        other=        "login     404     404     403    404      200         200   login",
        restricted=   "login     200     403     403    404      200         200   login"),
    Row("POST", "/projets/<int:project_id>/financements/nouveau/<kind>", values={"kind": "budget"},
        own=          "login     200     403     403    404      200         200   login",
        other=        "login     404     404     403    404      200         200   login",
        restricted=   "login     200     403     403    404      200         200   login"),
    # A funder records its accords; the carrier side may record one too, for its own funds.
    Row("GET", "/projets/<int:project_id>/financements/nouveau/<kind>", values={"kind": "accord"},
        own=          "login     200     403     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     200     403     200    404      200         200   login"),
    Row("POST", "/projets/<int:project_id>/financements/nouveau/<kind>", values={"kind": "accord"},
        own=          "login     200     403     200    404      200         200   login",
        other=        "login     404     404     200    404      200         200   login",
        restricted=   "login     200     403     200    404      200         200   login"),
    Row("GET", "/projets/<int:project_id>/financements/nouveau/<kind>", values={"kind": "annulation"},
        own=          "login     404     404     404    404      404         404   login"),
]


def test_funding_routes(visitor):
    visitor.check(TABLE)
