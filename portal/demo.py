"""The demo network, drawn from the real compte rendu in shared/seed. Each module adds its part.

Every loader finds what exists before creating it, so the command can run again safely.
"""

from portal.accounts.demo import load_accounts
from portal.funding.demo import load_funding
from portal.meetings.demo import load_meetings
from portal.projects.demo import load_projects


def load_demo(password: str) -> list[tuple[str, str]]:
    """Load every module's demo data; return the accounts to print (e-mail, description)."""
    accounts = load_accounts(password)
    accounts += load_projects(password, accounts)
    load_funding(accounts)
    load_meetings(accounts)
    return [(user.email, f"{user.role_label}, {user.organisation.display_name}") for user in accounts]
