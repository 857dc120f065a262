"""Factory helpers: the smallest valid objects, with whatever a test wants to say about them."""

import itertools
from functools import cache

from portal.accounts import second_factor
from portal.accounts.models import Organisation, OrganisationKind, Role, Territory, User
from portal.accounts.passwords import hash_password
from portal.core.db import db, utcnow
from tests.support.totp import TOTP_SECRET

PASSWORD = "mot-de-passe-de-test"


@cache
def password_hash() -> str:
    """PASSWORD hashed once (argon2 is slow on purpose), lazily: after the tests chose the hasher's cost."""
    return hash_password(PASSWORD)


_counter = itertools.count(1)


def make_organisation(name: str | None = None, kind: str = OrganisationKind.CENTRE_SOCIAL, **fields) -> Organisation:
    number = next(_counter)
    organisation = Organisation(name=name or f"Organisation {number}", kind=kind,
                                territory=fields.pop("territory", Territory.URBAIN), **fields)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(role: str = Role.MEMBER, organisation: Organisation | None = None, email: str | None = None,
              second_factor: bool | None = None, **fields) -> User:
    """A user whose password is PASSWORD. Admins get a second factor (the portal requires one) on the
    key TOTP_SECRET unless ``second_factor=False``; anyone gets one with ``second_factor=True``."""
    number = next(_counter)
    user = User(
        email=(email or f"personne{number}@exemple.fr").lower(),
        full_name=fields.pop("full_name", f"Personne {number}"),
        organisation=organisation or make_organisation(),
        role=role,
        password_hash=fields.pop("password_hash", None) or password_hash(),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    if second_factor if second_factor is not None else role == Role.ADMIN:
        give_second_factor(user)
    return user


def give_second_factor(user: User, secret: str = TOTP_SECRET) -> None:
    second_factor.store_secret(user, secret)
    user.totp_enabled_at = utcnow()
    db.session.flush()


# --- projects ------------------------------------------------------------------------------------------

def make_theme(name: str | None = None):
    from portal.projects.models import Theme

    theme = Theme(name=name or f"Thème {next(_counter)}")
    db.session.add(theme)
    db.session.flush()
    return theme


def make_public(name: str | None = None):
    from portal.projects.models import Public

    public = Public(name=name or f"Public {next(_counter)}")
    db.session.add(public)
    db.session.flush()
    return public


def make_project(carrier: Organisation | None = None, author: User | None = None, *, partners=(), **fields):
    """A project created through the service (so it has its revision 1). ``partners``: (organisation, role)."""
    from portal.projects.services.pages import PartnerChoice, ProjectData, create_project

    carrier = carrier or (author.organisation if author else make_organisation())
    author = author or make_user(organisation=carrier)
    data = ProjectData(title=fields.pop("title", f"Projet {next(_counter)}"), carrier_id=carrier.id,
                       summary=fields.pop("summary", "Un résumé."),
                       partners=[PartnerChoice(org.id, role) for org, role in partners], **fields)
    return create_project(author, data)
