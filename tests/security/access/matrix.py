"""The access matrix's rows and how one is played.

A row names a route as the URL map spells it (``"/projets/<int:project_id>"``), a method and, for each
object (``own``, ``other``, ``restricted``; ``any`` for a route about no object), the answer each actor
gets, in the order of ``ACTORS``::

    Row("GET", "/projets/<int:project_id>/historique",
        #        anonymous carrier partner funder outsider coordinator admin deactivated
        own=       "login    200     200     200    200      200         200   login",
        restricted="login    200     200     200    404      200         200   login")

``login`` is a 302 to the login page; any other word is the exact HTTP status. The URL's variables come
from the network (``project_id`` is the object's project, ``milestone_id`` its milestone...; another
blueprint's objects are in ``network.extras[object]``, read by the variable's name) unless the row fixes
them (``values={"kind": "budget"}``). Forms are posted empty (with their CSRF token): the row
says whether the person got past the permission check (a form re-shown with its errors, 422) or not.
Each request runs in a savepoint rolled back after it, so no row sees another's effects.
"""

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.security.access.network import ACTORS, Network

OBJECTS = ("own", "other", "restricted", "public", "draft", "any")
VARIABLE = re.compile(r"<(?:[^>]*:)?(\w+)>")
OBJECT_VALUES = {
    "project_id": lambda ids: ids.project,
    "milestone_id": lambda ids: ids.milestone,
    "comment_id": lambda ids: ids.comment,
    "member_id": lambda ids: ids.member,
    "entry_id": lambda ids: ids.entry,
}


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    own: str | None = None
    other: str | None = None
    restricted: str | None = None
    public: str | None = None  # objects of other blueprints' tables (a public report, a draft...)
    draft: str | None = None
    any: str | None = None
    values: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def expectations(self) -> dict[str, list[str]]:
        """object → the expected answer of each actor, checked to have one column per actor."""
        table = {name: words.split() for name in OBJECTS
                 if (words := getattr(self, name)) is not None}
        assert table, f"{self.method} {self.rule}: a row says what at least one object answers"
        for name, words in table.items():
            assert len(words) == len(ACTORS), f"{self.method} {self.rule} [{name}]: {len(words)} columns"
        return table

    @property
    def name(self) -> str:
        fixed = ",".join(f"{key}={getattr(value, '__name__', value)}"
                         for key, value in {**self.values, **self.query}.items())
        return f"{self.method} {self.rule}" + (f" [{fixed}]" if fixed else "")

    def url(self, network: Network, obj: str, actor: str) -> str:
        ids = network.projects.get(obj if obj in network.projects else "own")

        def given(value):
            return value(network, obj, actor) if callable(value) else value

        def value(match):
            name = match.group(1)
            if name in self.values:
                return str(given(self.values[name]))
            if name in OBJECT_VALUES:
                return str(OBJECT_VALUES[name](ids))
            return str(getattr(network.extras[obj], name))  # another blueprint's objects

        query = {name: given(value) for name, value in self.query.items()}
        return VARIABLE.sub(value, self.rule) + (f"?{urlencode(query)}" if query else "")


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.split("?")[0].endswith("/connexion"):
        return "login"
    return str(response.status_code)


def covered(tables) -> set[tuple[str, str]]:
    return {(row.method, row.rule) for table in tables for row in table}


def tables() -> dict[str, list]:
    """The ``TABLE`` of every ``test_<blueprint>.py`` of this folder (importing them also registers their
    network extensions)."""
    import tests.security.access as package

    found = {}
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("test_"):
            imported = importlib.import_module(f"{package.__name__}.{module.name}")
            if hasattr(imported, "TABLE"):
                found[module.name] = imported.TABLE
    return found
