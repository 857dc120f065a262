"""Organisations and people: a federation, a CAF and a departmental council, then social centres,
associations and communes; ten people each, a few coordinators at the federation."""

from datetime import UTC, datetime

from argon2 import PasswordHasher

from portal.accounts.models import Organisation, OrganisationKind, Role, Territory, User
from tests.perf.generator import World, bulk_insert, step

PASSWORD = "mot-de-passe-perf"
COMMUNES = ["Belley", "Bourg-en-Bresse", "Oyonnax", "Ambérieu-en-Bugey", "Jassans-Riottier", "Gex", "Nantua",
            "Trévoux", "Montluel", "Miribel", "Hauteville-Lompnes", "Bellegarde", "Châtillon-sur-Chalaronne",
            "Pont-de-Vaux", "Lagnieu", "Meximieux", "Divonne-les-Bains", "Ferney-Voltaire", "Thoiry", "Culoz"]
FIRST = ["Ana", "Bernard", "Chloé", "Driss", "Élise", "Fatou", "Gilles", "Hélène", "Inès", "Jules"]
LAST = ["Martin", "Bernard", "Dubois", "Haddad", "Lefèvre", "Moreau", "N'Diaye", "Petit", "Roux", "Vidal"]
KINDS = [OrganisationKind.CENTRE_SOCIAL, OrganisationKind.ASSOCIATION, OrganisationKind.COMMUNE,
         OrganisationKind.CENTRE_SOCIAL, OrganisationKind.AUTRE]
CREATED = datetime(2019, 1, 1, tzinfo=UTC)


def password_hash() -> str:
    """One cheap argon2id hash for everybody: verifying reads its parameters from the hash itself."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@step("accounts", order=10)
def organisations_and_people(connection, world: World) -> None:
    scale, rng = world.scale, world.rng
    org_ids = world.next_ids("organisations", scale.organisations)
    heads = [(OrganisationKind.FEDERATION, "Fédération des centres sociaux"), (OrganisationKind.CAF, "CAF de l'Ain"),
             (OrganisationKind.DEPARTEMENT, "Conseil départemental de l'Ain")]
    rows = []
    for index, org_id in enumerate(org_ids):
        kind, name = heads[index] if index < len(heads) else (KINDS[index % len(KINDS)], None)
        commune = COMMUNES[index % len(COMMUNES)]
        rows.append({"id": org_id, "name": name or f"{kind.label} {commune} n°{org_id}", "short_name": None,
                     "kind": kind.value, "commune": commune, "territory": list(Territory)[index % 3].value,
                     "siret": None, "created_at": CREATED})
    bulk_insert(connection, Organisation.__table__, rows)
    federation, caf, departement = org_ids[:3]
    world.facts.update(federation=federation, caf=caf, departement=departement)

    hashed = password_hash()
    user_ids = world.next_ids("users", scale.users)
    users, members_by_org = [], {}
    for index, user_id in enumerate(user_ids):
        org_id = org_ids[index % len(org_ids)]
        role = Role.COORDINATOR if org_id == federation and index < 5 * len(org_ids) else Role.MEMBER
        users.append({"id": user_id, "email": f"perf-{user_id}@exemple.fr",
                      "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {user_id}", "organisation_id": org_id,
                      "role": role.value, "password_hash": hashed, "active": True,
                      "session_token": f"perf-session-{user_id}", "created_at": CREATED,
                      "notify_comments": False})
        members_by_org.setdefault(org_id, []).append(user_id)
    bulk_insert(connection, User.__table__, users)
    world.facts.update(coordinator=user_ids[0], caf_member=members_by_org[caf][0],
                       member=members_by_org[org_ids[3]][0], member_organisation=org_ids[3])
    world.facts["people_by_organisation"] = {str(k): v[:3] for k, v in members_by_org.items()}
