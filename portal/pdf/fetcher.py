"""The only way WeasyPrint may read anything: the portal's static files and the stored images handed in.

No code path here opens a socket or a file outside ``static/``: ``file://``, remote and loopback
``http(s)``, other schemes and large ``data:`` URLs are refused. WeasyPrint then logs the failure and
renders without the resource, so a bad link in a compte rendu never stops its publication.
"""

import base64
import binascii
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.pdf.document import IMAGE_TYPES, STORED_FILES_PATH, StoredImage

STORED_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_DATA_URL_BYTES = 256 * 1024  # a pasted icon or signature, not a photo album


class ResourceRefused(ValueError):
    """The URL is outside what a PDF may read."""


class RestrictedFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``static/`` from disk and stored images from memory.

    ``base_url`` is the portal's public root: relative links in the report resolve against it (so
    links in the PDF point to the real portal), and only its ``static/`` and ``fichiers/`` paths are
    served, from disk and from ``stored_images``, never over the network.
    """

    def __init__(self, *, base_url: str, static_root: str | Path, stored_images: dict[str, StoredImage]):
        # Nothing may go through urllib: no protocol is allowed there, should anything call it.
        super().__init__(allowed_protocols=(), allow_redirects=False)
        root = urlsplit(base_url)
        self._origin = (root.scheme.lower(), root.netloc.lower())
        self._static_path = urlsplit(urljoin(base_url, "static/")).path
        self._stored_path = urlsplit(urljoin(base_url, STORED_FILES_PATH)).path
        self._static_root = Path(static_root).resolve()
        self._stored_images = stored_images
        self.skipped: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            return self._resolve(url)
        except ResourceRefused as refusal:
            self.skipped.append(f"{_shorten(url)} ({refusal})")
            raise

    def _resolve(self, url: str) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return _data_url(url)
        try:
            parts = urlsplit(url)
        except ValueError:
            raise ResourceRefused("adresse illisible") from None
        if (parts.scheme.lower(), parts.netloc.lower()) != self._origin:
            raise ResourceRefused(_foreign_reason(parts.scheme.lower()))
        if parts.path.startswith(self._static_path):
            return self._static_file(parts.path[len(self._static_path):], url)
        if parts.path.startswith(self._stored_path):
            return self._stored_image(parts.path[len(self._stored_path):], url)
        raise ResourceRefused("seuls les fichiers statiques et les images du portail sont lus")

    def _static_file(self, relative: str, url: str) -> URLFetcherResponse:
        try:
            path = (self._static_root / unquote(relative)).resolve()
        except (ValueError, OSError):
            raise ResourceRefused("chemin illisible") from None
        if not path.is_relative_to(self._static_root) or not path.is_file():
            raise ResourceRefused("fichier absent de static/")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    def _stored_image(self, identifier: str, url: str) -> URLFetcherResponse:
        image = self._stored_images.get(identifier) if STORED_ID.fullmatch(identifier) else None
        if image is None:
            raise ResourceRefused("image introuvable dans le portail")
        return URLFetcherResponse(url, image.data, {"Content-Type": image.mime_type})


def _data_url(url: str) -> URLFetcherResponse:
    """Small inline images only; their bytes are decoded here, not by urllib."""
    if len(url) > MAX_DATA_URL_BYTES * 4 // 3 + 200:
        raise ResourceRefused("image intégrée trop lourde")
    header, comma, payload = url[5:].partition(",")
    media_type, _, parameters = header.partition(";")
    if not comma or media_type.strip().lower() not in IMAGE_TYPES:
        raise ResourceRefused("seules les petites images peuvent être intégrées")
    try:
        data = base64.b64decode(payload, validate=False) if "base64" in parameters.lower() \
            else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise ResourceRefused("image intégrée illisible") from None
    if len(data) > MAX_DATA_URL_BYTES:
        raise ResourceRefused("image intégrée trop lourde")
    return URLFetcherResponse(url, data, {"Content-Type": media_type.strip().lower()})


def _foreign_reason(scheme: str) -> str:
    if scheme == "file":
        return "fichier local refusé"
    if scheme in ("http", "https"):
        return "adresse extérieure au portail refusée"
    return f"protocole « {scheme or '?'} » refusé"


def _shorten(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[:limit] + "…"
