"""Redirect targets taken from the request must stay on this site."""

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter


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


# --- numbers taken from the request -------------------------------------------------------------------

# Ids, page numbers and years fit in a 32-bit signed integer (the columns' INTEGER on PostgreSQL). A
# longer number typed in an address would reach SQLite as an OverflowError and PostgreSQL as an
# "integer out of range" error: a 500 instead of "not found".
LARGEST_NUMBER = 2**31 - 1


def request_int(text) -> int:
    """``int`` for ``request.args.get(name, type=request_int)``: a number outside the 32-bit range raises
    ValueError like any other non-number, so get() answers its default."""
    value = int(text)
    if not -LARGEST_NUMBER <= value <= LARGEST_NUMBER:
        raise ValueError(f"{text!r} is out of range")
    return value


class BoundedIntegerConverter(IntegerConverter):
    """The ``<int:...>`` of every route: a number past LARGEST_NUMBER matches no route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_NUMBER)
        super().__init__(map, *args, **kwargs)
