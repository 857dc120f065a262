"""Extensions created once at import, bound to each app by ``init_app`` in the factory."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from portal.core.db import include_schema_name


def render_migration_type(type_: str, obj, autogen_context):
    """Write the portal's own column types as plain SQLAlchemy ones, so migrations never import the app."""
    from portal.core.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

csrf = CSRFProtect()
migrate = Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_type,
                  include_name=include_schema_name)
