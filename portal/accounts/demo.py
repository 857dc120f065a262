"""Demo organisations and accounts: the partners named in the seed's compte rendu."""

from portal.accounts.models import Organisation, OrganisationKind, Role, Territory, User
from portal.accounts.passwords import hash_password
from portal.core.db import db

# name, short name, kind, commune, territory, SIRET (Luhn-valid, made up for the demo)
ORGANISATIONS = [
    ("Fédération départementale des Centres Sociaux de l'Ain", "Fédération", OrganisationKind.FEDERATION,
     "Bourg-en-Bresse", Territory.URBAIN, "44306184100013"),
    ("CAF de l'Ain", "CAF", OrganisationKind.CAF, "Bourg-en-Bresse", Territory.URBAIN, "77956478000012"),
    ("Conseil départemental de l'Ain", "Département", OrganisationKind.DEPARTEMENT, "Bourg-en-Bresse",
     Territory.URBAIN, "22010001700015"),
    ("Centre social de Belley", "CS Belley", OrganisationKind.CENTRE_SOCIAL, "Belley", Territory.RURAL,
     "31048745600017"),
    ("Centre social de Jassans-Riottier", "CS Jassans", OrganisationKind.CENTRE_SOCIAL, "Jassans-Riottier",
     Territory.PERIURBAIN, "39879123400014"),
    ("Association Les Voisins du Bugey", "Voisins du Bugey", OrganisationKind.ASSOCIATION, "Belley",
     Territory.RURAL, "80295470200014"),
]

# e-mail, full name, organisation short name, role
ACCOUNTS = [
    ("admin@demo.passerelle.example", "Camille Administration", "Fédération", Role.ADMIN),
    ("coordination@demo.passerelle.example", "Fouzia Zahar", "Fédération", Role.COORDINATOR),
    ("caf@demo.passerelle.example", "Claudy Debaix", "CAF", Role.MEMBER),
    ("departement@demo.passerelle.example", "Martine Perrin", "Département", Role.MEMBER),
    ("cs-belley@demo.passerelle.example", "Sophie Garnier", "CS Belley", Role.MEMBER),
    ("cs-jassans@demo.passerelle.example", "Karim Benali", "CS Jassans", Role.MEMBER),
    ("association@demo.passerelle.example", "Lucie Morel", "Voisins du Bugey", Role.MEMBER),
]


def load_organisations() -> dict[str, Organisation]:
    by_short_name = {}
    for name, short_name, kind, commune, territory, siret in ORGANISATIONS:
        organisation = db.session.execute(db.select(Organisation).filter_by(name=name)).scalar_one_or_none()
        if organisation is None:
            organisation = Organisation(name=name, short_name=short_name, kind=kind, commune=commune,
                                        territory=territory, siret=siret)
            db.session.add(organisation)
        by_short_name[short_name] = organisation
    db.session.flush()
    return by_short_name


def load_accounts(password: str) -> list[User]:
    organisations = load_organisations()
    password_hash = hash_password(password)
    users = []
    for email, full_name, short_name, role in ACCOUNTS:
        user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, full_name=full_name, organisation=organisations[short_name], role=role)
            db.session.add(user)
        user.password_hash = password_hash
        user.active = True
        user.rotate_session_token()
        users.append(user)
    db.session.flush()
    return users
