"""Markdown for everything people write (project descriptions, comments, comptes rendus): one renderer, one
sanitiser, so no module can forget a step.

Two layers, on purpose:
1. markdown-it-py in CommonMark mode with tables and strikethrough, ``html=False``: raw HTML typed by a person
   is shown as text, never interpreted; its link validator already drops ``javascript:``/``vbscript:``/
   ``data:`` targets.
2. nh3 (ammonia) on the HTML produced, with an allow-list of tags, attributes and URL schemes: whatever slips
   through layer 1 (a parser bug, a future plugin) still cannot carry a script, an event handler, a frame,
   a style or a dangerous URL. Links get ``rel="noopener noreferrer"``.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "abbr": {"title"},
}
# Relative URLs (a link to another page of the portal, a stored image) have no scheme and are kept.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Table alignment arrives as style="text-align:..." which is never allowed; it becomes one of these classes.
ALIGN_CLASSES = {"left": "align-left", "center": "align-center", "right": "align-right"}
# Removed together with their content (the others are unwrapped: their text stays, as text).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template",
                                  "textarea", "select", "svg", "math"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])


def _place_headings(tokens, top_heading: int) -> None:
    """Fit the text's headings under the page's: its highest heading becomes ``h{top_heading}``, the others
    keep their depth below it. People start with "#" or with "##" alike; the page's outline stays in order."""
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    if not headings:
        return
    highest = min(int(token.tag[1]) for token in headings)
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) - highest + top_heading, 6)}"


def _alignment_as_class(tokens) -> None:
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style") or ""
            token.attrs.pop("style", None)
            align = style.removeprefix("text-align:").strip()
            if align in ALIGN_CLASSES:
                token.attrSet("class", ALIGN_CLASSES[align])


def sanitise_html(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes of an HTML fragment."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={"th": set(ALIGN_CLASSES.values()), "td": set(ALIGN_CLASSES.values())},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# A page shows the same descriptions and comments at each request: their HTML is kept per process (the
# rendering is a pure function of the text). Bounded: at most CACHED_RENDERINGS texts, each short enough.
CACHED_RENDERINGS = 512
CACHED_TEXT_MAX_LENGTH = 10_000


def render_markdown(text: str | None, top_heading: int | None = None) -> Markup:
    """Markdown typed by a person → safe HTML, ready for a template or a PDF. ``top_heading``: the level the
    text's highest heading takes (e.g. 3 under the page's <h2>); None keeps the levels as written."""
    if not text:
        return Markup("")
    if len(text) <= CACHED_TEXT_MAX_LENGTH:
        return _cached_rendering(str(text), top_heading)
    return _rendering(text, top_heading)


@lru_cache(maxsize=CACHED_RENDERINGS)
def _cached_rendering(text: str, top_heading: int | None) -> Markup:
    return _rendering(text, top_heading)


def _rendering(text: str, top_heading: int | None) -> Markup:
    parser = _parser()
    tokens = parser.parse(text)
    if top_heading:
        _place_headings(tokens, top_heading)
    _alignment_as_class(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    return Markup(sanitise_html(html))  # noqa: S704 - sanitised just above by nh3's allow-list
