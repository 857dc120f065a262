"""One row (id 1) holding the network's name and logo; absent until an admin changes either."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, db, utcnow


class NetworkIdentity(db.Model):
    __tablename__ = "network_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))  # None: the configured NETWORK_NAME
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mime_type: Mapped[str | None] = mapped_column(String(40))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
