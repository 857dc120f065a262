"""The accounts pages, one blueprint over three modules: logging in and out (``login``), one's own
account (``account``), the second factor (``second_factor``). Session rules run before every request
of the whole portal."""

from portal.accounts import portability, sessions  # noqa: F401  (portability: its part of network exports)
from portal.accounts.views import account, login, second_factor  # noqa: F401  (each adds its routes)
from portal.accounts.views.blueprint import bp

bp.before_app_request(sessions.enforce_session_rules)

__all__ = ["bp"]
