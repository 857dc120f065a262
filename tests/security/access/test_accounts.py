"""Who reaches the account pages. Logging in, a forgotten password and the links mailed to a person
(invitation, password reset, new e-mail address) are open to anyone holding the link; the rest is one's
own account, for whoever is logged in. A deactivated account's cookie counts for nothing: its holder is
treated as logged out. The tokens here are valid ones (made for an account nobody here is)."""

from tests.security.access.matrix import Row


def token(kind):
    def of_network(network, obj, actor):
        return network.tokens[kind]

    of_network.__name__ = f"{kind}-token"
    return of_network


TABLE = [
    #                  anonymous carrier partner funder outsider coordinator admin deactivated
    Row("GET", "/compte",
        any=          "login     200     200     200    200      200         200   login"),
    Row("GET", "/compte/adresse-e-mail",
        any=          "login     200     200     200    200      200         200   login"),
    Row("POST", "/compte/adresse-e-mail",
        any=          "login     200     200     200    200      200         200   login"),
    # The link itself proves the address, whoever opens it (then the login page, or one's account).
    Row("GET", "/compte/adresse-e-mail/<token>", values={"token": token("email")},
        any=          "200       200     200     200    200      200         200   200"),
    Row("POST", "/compte/adresse-e-mail/<token>", values={"token": token("email")},
        any=          "login     302     302     302    302      302         302   login"),
    Row("GET", "/compte/confirmer-identite",
        any=          "login     200     200     200    200      200         200   login"),
    Row("POST", "/compte/confirmer-identite",
        any=          "login     200     200     200    200      200         200   login"),
    Row("GET", "/compte/double-authentification",
        any=          "login     200     200     200    200      200         200   login"),
    Row("POST", "/compte/double-authentification",
        any=          "login     200     200     200    200      200         200   login"),
    # Without a second factor there are no codes to renew (back to the page); the admin has one and is
    # asked its password first.
    Row("POST", "/compte/double-authentification/codes-de-secours",
        any=          "login     302     302     302    302      302         200   login"),
    Row("POST", "/compte/double-authentification/desactiver",
        any=          "login     302     302     302    302      302         302   login"),
    Row("GET", "/compte/mot-de-passe",
        any=          "login     200     200     200    200      200         200   login"),
    Row("POST", "/compte/mot-de-passe",
        any=          "login     200     200     200    200      200         200   login"),
    Row("POST", "/compte/notifications",
        any=          "login     302     302     302    302      302         302   login"),
    Row("POST", "/compte/sessions",
        any=          "login     302     302     302    302      302         302   login"),
    # Logged in already: straight to the dashboard.
    Row("GET", "/connexion",
        any=          "200       302     302     302    302      302         302   200"),
    Row("POST", "/connexion",
        any=          "200       302     302     302    302      302         302   200"),
    Row("GET", "/connexion/verification",
        any=          "login     302     302     302    302      302         302   login"),
    Row("POST", "/connexion/verification",
        any=          "login     302     302     302    302      302         302   login"),
    Row("POST", "/deconnexion",
        any=          "login     login   login   login  login    login       login login"),
    Row("GET", "/invitation/<token>", values={"token": token("invitation")},
        any=          "200       200     200     200    200      200         200   200"),
    Row("POST", "/invitation/<token>", values={"token": token("invitation")},
        any=          "200       200     200     200    200      200         200   200"),
    # A link that is not one (or expired, or already used) is a bad request, explained on the page.
    Row("GET", "/invitation/<token>", values={"token": "faux-jeton"},
        any=          "400       400     400     400    400      400         400   400"),
    Row("GET", "/mot-de-passe-oublie",
        any=          "200       200     200     200    200      200         200   200"),
    Row("POST", "/mot-de-passe-oublie",
        any=          "200       200     200     200    200      200         200   200"),
    Row("GET", "/mot-de-passe/<token>", values={"token": token("reset")},
        any=          "200       200     200     200    200      200         200   200"),
    Row("POST", "/mot-de-passe/<token>", values={"token": token("reset")},
        any=          "200       200     200     200    200      200         200   200"),
    Row("GET", "/mot-de-passe/<token>", values={"token": "faux-jeton"},
        any=          "400       400     400     400    400      400         400   400"),
]


def test_account_routes(visitor):
    visitor.check(TABLE)
