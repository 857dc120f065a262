"""Reading and changing the network's name and logo."""

import hashlib
from dataclasses import dataclass

from flask import current_app

from portal.core import audit
from portal.core.db import db, utcnow
from portal.network.models import NetworkIdentity
from portal.pdf import STORED_FILES_PATH, StoredImage

IDENTITY_ID = 1
MAX_LOGO_BYTES = 1024 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
STORED_LOGO_ID = "logo-reseau"  # the PDF links the stored logo as fichiers/logo-reseau
DEFAULT_PDF_LOGO = "static/img/logo.svg"


class LogoError(ValueError):
    """The uploaded file is not a logo the portal keeps; ``message`` is French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    name: str
    logo_sha256: str | None

    @property
    def has_logo(self) -> bool:
        return self.logo_sha256 is not None

    @property
    def pdf_logo_url(self) -> str:
        return STORED_FILES_PATH + STORED_LOGO_ID if self.has_logo else DEFAULT_PDF_LOGO


def _row() -> NetworkIdentity | None:
    return db.session.get(NetworkIdentity, IDENTITY_ID)


def identity() -> Identity:
    row = _row()
    name = (row.name if row and row.name else None) or current_app.config["NETWORK_NAME"]
    return Identity(name=name, logo_sha256=row.logo_sha256 if row else None)


def update_identity(actor, name: str | None, logo: bytes | None = None, remove_logo: bool = False) -> NetworkIdentity:
    """Change the name (empty: back to the configured one) and, if given, the logo (PNG or JPEG, 1 Mo at most)."""
    row = _row() or NetworkIdentity(id=IDENTITY_ID)
    db.session.add(row)
    row.name = (name or "").strip()[:200] or None
    if logo is not None:
        row.logo_mime_type = logo_type(logo)
        row.logo, row.logo_sha256 = logo, hashlib.sha256(logo).hexdigest()
    elif remove_logo:
        row.logo = row.logo_mime_type = row.logo_sha256 = None
    row.updated_at, row.updated_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    audit.record("network.identity_updated", actor=actor, target="network",
                 logo=row.logo_sha256[:12] if row.logo_sha256 else None)
    return row


def logo_type(data: bytes) -> str:
    """The MIME type read from the bytes themselves (never from the browser's word)."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError("Le logo pèse plus de 1 Mo : réduisez-le.")
    for magic, mime in LOGO_TYPES.items():
        if data.startswith(magic):
            return mime
    raise LogoError("Le logo doit être une image PNG ou JPEG.")


def logo() -> tuple[bytes, str, str] | None:
    """(bytes, MIME type, sha256) of the stored logo, or None."""
    row = _row()
    if row is None or row.logo_sha256 is None:
        return None
    return row.logo, row.logo_mime_type, row.logo_sha256


def stored_image(identifier: str) -> StoredImage | None:
    """``image_resolver`` for portal.pdf: the stored logo under ``fichiers/logo-reseau``."""
    if identifier != STORED_LOGO_ID:
        return None
    stored = logo()
    return StoredImage(data=stored[0], mime_type=stored[1]) if stored else None




audit.label_actions({"network.identity_updated": "Nom ou logo du réseau modifié"}, details={"logo": "logo"})
