"""Reading HTML back as a browser would, to assert nothing executable reached a page."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

FORBIDDEN_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
                  "link", "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")

    handle_startendtag = handle_starttag

    def _check_attribute(self, tag, name, value):
        if name.startswith("on"):
            self.problems.append(f"<{tag} {name}>")
        if name in ("style", "srcdoc", "formaction"):
            self.problems.append(f"<{tag} {name}>")
        if name in URL_ATTRIBUTES:
            # Browsers ignore control characters and spaces inside a scheme ("jav\tascript:").
            cleaned = "".join(ch for ch in value if ord(ch) > 32).lower()
            if urlsplit(cleaned).scheme not in SAFE_SCHEMES:
                self.problems.append(f"<{tag} {name}={value!r}>")


def executable_parts(html: str) -> list[str]:
    """Every tag, attribute or URL in ``html`` that could run script or pull in active content."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems
