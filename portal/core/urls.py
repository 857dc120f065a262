"""Redirect targets taken from the request must stay on this site."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """A local path, or None: refuses //host, /\\host, schemes and anything with a network location."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
