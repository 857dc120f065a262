"""Text as people type it, made comparable: case, accents and spacing do not matter."""

import re
import unicodedata


def fold(text: str | None) -> str:
    """Lower case, no accents, single spaces: « Écoute  Active » and « ecoute active » read alike."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().casefold())
    return re.sub(r"\s+", " ", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def tidy(text: str | None) -> str:
    """Trimmed, with inner runs of spaces collapsed (names typed with a stray double space)."""
    return re.sub(r"\s+", " ", (text or "").strip())


def multiline(text: str | None) -> str:
    """A text area's value with Unix line breaks: browsers post CRLF, and a page saved unchanged from a
    browser must compare equal to the text it showed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
