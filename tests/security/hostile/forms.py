"""Finding a form's fields the way a browser does: in the page that shows it."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

FIELD_TAGS = {"input", "select", "textarea", "button"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, set[str]]] = []  # (action, field names)
        self._current: set[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = set()
            self.forms.append((attributes.get("action") or "", self._current))
        elif tag in FIELD_TAGS and self._current is not None and attributes.get("name"):
            self._current.add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def fields_of(html: str, page_url: str, action_url: str) -> list[str] | None:
    """The names of the fields of the form in ``html`` that posts to ``action_url`` (CSRF token left out),
    or None when the page has no such form."""
    parser = _Forms()
    parser.feed(html)
    wanted = urlsplit(action_url).path
    names = None
    for action, fields in parser.forms:
        target = urlsplit(action).path if action else urlsplit(page_url).path
        if target == wanted:
            names = (names or set()) | fields
    return sorted(names - {"csrf_token"}) if names is not None else None


class _GetForms(_Forms):
    def handle_starttag(self, tag, attrs):
        if tag == "form" and (dict(attrs).get("method") or "get").lower() != "get":
            self._current = None
            return
        super().handle_starttag(tag, attrs)


def get_forms(html: str, page_url: str) -> list[tuple[str, list[str]]]:
    """The (action, field names) of the page's GET forms (searches and filters)."""
    parser = _GetForms()
    parser.feed(html)
    return [(urlsplit(action).path if action else urlsplit(page_url).path, sorted(fields))
            for action, fields in parser.forms if fields]
