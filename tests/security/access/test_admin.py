"""Who reaches the administration: accounts, organisations and the audit journal are the admins'
(DESIGN.md); coordinators invite people, and read the lists of people and organisations they invite
into. user_id is an account nobody here is; organisation_id a third organisation."""

from tests.security.access.matrix import Row


def target(network, obj, actor):
    return network.target_user


def third(network, obj, actor):
    return network.organisations["third"]


USER = {"user_id": target}
ORGANISATION = {"organisation_id": third}

TABLE = [
    #                  anonymous carrier partner funder outsider coordinator admin deactivated
    Row("GET", "/admin/invitations/nouvelle",
        any=          "login     403     403     403    403      200         200   login"),
    Row("POST", "/admin/invitations/nouvelle",
        any=          "login     403     403     403    403      200         200   login"),
    Row("GET", "/admin/journal",
        any=          "login     403     403     403    403      403         200   login"),
    Row("GET", "/admin/organisations",
        any=          "login     403     403     403    403      200         200   login"),
    Row("GET", "/admin/organisations/<int:organisation_id>", values=ORGANISATION,
        any=          "login     403     403     403    403      403         200   login"),
    Row("POST", "/admin/organisations/<int:organisation_id>", values=ORGANISATION,
        any=          "login     403     403     403    403      403         302   login"),
    Row("GET", "/admin/organisations/<int:organisation_id>", values={"organisation_id": 999_999},
        any=          "login     403     403     403    403      403         404   login"),
    Row("GET", "/admin/organisations/nouvelle",
        any=          "login     403     403     403    403      403         200   login"),
    Row("POST", "/admin/organisations/nouvelle",
        any=          "login     403     403     403    403      403         200   login"),
    Row("GET", "/admin/utilisateurs",
        any=          "login     403     403     403    403      200         200   login"),
    Row("POST", "/admin/utilisateurs/<int:user_id>/activation", values=USER,
        any=          "login     403     403     403    403      403         302   login"),
    Row("GET", "/admin/utilisateurs/<int:user_id>/anonymisation", values=USER,
        any=          "login     403     403     403    403      403         200   login"),
    Row("POST", "/admin/utilisateurs/<int:user_id>/anonymisation", values=USER,
        any=          "login     403     403     403    403      403         200   login"),
    Row("GET", "/admin/utilisateurs/<int:user_id>/anonymisation", values={"user_id": 999_999},
        any=          "login     403     403     403    403      403         404   login"),
    Row("POST", "/admin/utilisateurs/<int:user_id>/double-authentification", values=USER,
        any=          "login     403     403     403    403      403         302   login"),
    Row("POST", "/admin/utilisateurs/<int:user_id>/role", values=USER,
        any=          "login     403     403     403    403      403         400   login"),
]


def test_admin_routes(visitor):
    visitor.check(TABLE)
