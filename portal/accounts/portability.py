"""What the accounts module puts in a network export: organisations, and people without their secrets.

An imported person has no password: they choose one through « Mot de passe oublié ? » on the login
page (``services.request_password_reset`` accepts an active account without a password for this).
"""

from portal.accounts.models import Invitation, Organisation, RecoveryCode, ThrottleBucket, User
from portal.core import portability

portability.register(portability.Kind(
    "organisations", "accounts", Organisation.__table__,
    "An organisation of the network: federation, CAF, departmental council, social centre, association, "
    "commune, State, other.",
    fields={
        "id": "Identifier; the other files refer to organisations by it.",
        "name": "Full name, unique in the network.",
        "short_name": "Short name shown in lists (\"CS Belley\"), or null.",
        "kind": "`federation`, `caf`, `departement`, `centre_social`, `association`, `commune`, `etat` or `autre`.",
        "commune": "Commune of its seat, or null.",
        "territory": "`urbain`, `periurbain`, `rural`, or null.",
        "siret": "SIRET number (14 digits, Luhn key checked), or null.",
        "created_at": "When it was created in the portal.",
    },
))

portability.register(portability.Kind(
    "users", "accounts", User.__table__,
    "A person who logs in, for one organisation. Anonymised accounts (departed people) are exported as "
    "they are: their row stays so that what they wrote keeps its author.",
    fields={
        "id": "Identifier; projects, revisions, comments and ledger entries refer to people by it.",
        "email": "E-mail address, lower case, unique (`anonyme-<id>@invalid` once anonymised).",
        "full_name": "Name as shown in the portal.",
        "organisation_id": "Their organisation (`accounts/organisations.json`).",
        "role": "`admin`, `coordinator` or `member`.",
        "active": "false when an admin deactivated the account.",
        "created_at": "When the account was created.",
        "last_login_at": "Last successful login, or null.",
        "notify_comments": "Whether they are mailed each new comment on their projects.",
        "notify_reports": "Whether they are mailed when a compte rendu is published.",
        "anonymised_at": "When an admin anonymised the account, or null.",
    },
    omitted={
        "password_hash": "a secret: imported people choose a new password through « Mot de passe oublié ? »",
        "password_changed_at": "no password is imported",
        "session_token": "a secret of the source installation's sessions; a new one is drawn",
        "totp_secret": "a secret (second-factor key); admins set up their second factor again",
        "totp_enabled_at": "goes with the second-factor key",
        "totp_last_step": "goes with the second-factor key",
    },
))

portability.not_exported(Invitation.__tablename__, "pending invitations are links of the source installation; "
                                                   "invite again from the new one")
portability.not_exported(RecoveryCode.__tablename__, "second-factor recovery codes are secrets")
portability.not_exported(ThrottleBucket.__tablename__, "login-failure counters of the source installation")
