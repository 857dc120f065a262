"""Field-level differences of a revision, as the history page shows them: long texts word by word (only
around what changed), lists as what was added and removed, other values as before → after."""

import difflib
import re
from dataclasses import dataclass, field

from portal.core.text import fold

FIELD_LABELS = {
    "title": "Titre",
    "summary": "Résumé",
    "description": "Description",
    "carrier": "Organisation porteuse",
    "status": "État",
    "start": "Début",
    "end": "Fin",
    "territory_kind": "Type de territoire",
    "communes": "Communes",
    "visibility": "Visibilité",
    "partners": "Partenaires",
    "themes": "Thèmes",
    "publics": "Publics",
    "member_role": "Rôle dans le projet",
    "milestone_date": "Date du jalon",
    "milestone_kind": "Type de jalon",
    "milestone_title": "Titre du jalon",
    "milestone_text": "Texte du jalon",
}
FIELD_ORDER = list(FIELD_LABELS)
LONG_TEXTS = {"description", "milestone_text"}  # shown word by word; shorter texts as before → after
REWRITE_RATIO = 0.5  # below this likeness, a changed passage reads better as "removed" then "added"
CONTEXT_CHARS = 90  # unchanged text kept on each side of a change


@dataclass
class Segment:
    kind: str  # "same", "removed", "added", "gap"
    text: str = ""


@dataclass
class FieldChange:
    field: str
    label: str
    kind: str  # "text", "list", "value"
    before: object = None
    after: object = None
    segments: list[Segment] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def _merge(segments: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1].text += text
    else:
        segments.append(Segment(kind, text))


def _likeness(before: list[str], after: list[str]) -> float:
    """How much of the wording stayed (spaces do not count: every sentence shares them)."""
    def words(tokens):
        return [token for token in tokens if not token.isspace()]

    return difflib.SequenceMatcher(None, words(before), words(after), autojunk=False).ratio()


def _diff_words(before: list[str], after: list[str], segments: list[Segment]) -> None:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    if _likeness(before, after) < REWRITE_RATIO:  # a rewritten passage: interleaved fragments would be unreadable
        _merge(segments, "removed", "".join(before))
        _merge(segments, "added", "".join(after))
        return
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _merge(segments, "same", "".join(before[i1:i2]))
            continue
        _merge(segments, "removed", "".join(before[i1:i2]))
        _merge(segments, "added", "".join(after[j1:j2]))


def text_segments(before: str, after: str) -> list[Segment]:
    """Lines first (fast on long texts), then words inside the lines that changed."""
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _merge(segments, "same", "".join(old_lines[i1:i2]))
        else:
            _diff_words(_words("".join(old_lines[i1:i2])), _words("".join(new_lines[j1:j2])), segments)
    return _fold_unchanged(segments)


def _fold_unchanged(segments: list[Segment]) -> list[Segment]:
    """Long unchanged stretches shrink to their ends around the changes, with a gap mark between."""
    folded = []
    for index, segment in enumerate(segments):
        text = segment.text
        if segment.kind != "same" or len(text) <= 2 * CONTEXT_CHARS + 20:
            folded.append(segment)
            continue
        first, last = index == 0, index == len(segments) - 1
        if not first:
            folded.append(Segment("same", text[:CONTEXT_CHARS]))
        folded.append(Segment("gap"))
        if not last:
            folded.append(Segment("same", text[-CONTEXT_CHARS:]))
    return folded


def _as_list(value) -> list[str]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list) else [str(value)]


def field_change(name: str, before, after) -> FieldChange:
    change = FieldChange(field=name, label=FIELD_LABELS.get(name, name), kind="value", before=before, after=after)
    if isinstance(before, list) or isinstance(after, list):
        old, new = _as_list(before), _as_list(after)
        change.kind = "list"
        change.removed = [item for item in old if item not in new]
        change.added = [item for item in new if item not in old]
    elif name in LONG_TEXTS and before and after:
        change.kind = "text"
        change.segments = text_segments(str(before), str(after))
    return change


def revision_changes(revision) -> list[FieldChange]:
    """The changes of a revision in the page's order of fields (unknown fields last, alphabetically)."""
    names = sorted(revision.changed_fields,
                   key=lambda name: (FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER), fold(name)))
    # A field empty before and after (a milestone added without text: None → "") changed nothing a reader
    # could see: no row for it.
    return [field_change(name, revision.before.get(name), revision.after.get(name)) for name in names
            if not (_is_empty(revision.before.get(name)) and _is_empty(revision.after.get(name)))]


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []
