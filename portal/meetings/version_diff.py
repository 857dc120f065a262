"""What changed between two published versions of a compte rendu: difflib on their stored Markdown sources.

Lines first (a compte rendu's paragraphs are lines), grouped into passages with a little unchanged
context around each change, as ``diff -u`` does; a line that was corrected rather than replaced shows its
words removed and added. The page (``templates/meetings/compare.html``) says each change in words as
well as in colour, so it reads the same with a screen reader.
"""

import difflib
import re
from dataclasses import dataclass, field

CONTEXT_LINES = 2  # unchanged lines kept around each change
REWRITE_RATIO = 0.5  # below this likeness, a changed line reads better as removed, then added
MAX_LINES = 20_000  # a longer source is compared line by line only (no word detail)


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "removed", "added"
    text: str


@dataclass
class DiffLine:
    kind: str  # "same", "removed", "added", "changed"
    old_number: int | None
    new_number: int | None
    pieces: list[Piece]

    @property
    def label(self) -> str:
        return {"same": "inchangée", "removed": "supprimée", "added": "ajoutée", "changed": "modifiée"}[self.kind]


@dataclass
class Passage:
    lines: list[DiffLine]

    @property
    def heading(self) -> str:
        """"Lignes 12 à 18 de la version 1, 12 à 19 de la version 2" without the versions (the page adds them)."""
        old = [line.old_number for line in self.lines if line.old_number]
        new = [line.new_number for line in self.lines if line.new_number]
        return f"{_span(old)} → {_span(new)}"


@dataclass
class VersionDiff:
    passages: list[Passage] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    changed: int = 0

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def summary(self) -> str:
        if self.identical:
            return "Les deux versions ont le même texte."
        parts = [_count(self.changed, "ligne modifiée", "lignes modifiées"),
                 _count(self.added, "ligne ajoutée", "lignes ajoutées"),
                 _count(self.removed, "ligne supprimée", "lignes supprimées")]
        return ", ".join(part for part in parts if part) + "."


def _count(number: int, one: str, many: str) -> str:
    return "" if not number else f"{number} {one if number == 1 else many}"


def _span(numbers: list[int]) -> str:
    if not numbers:
        return "aucune ligne"
    if numbers[0] == numbers[-1]:
        return f"ligne {numbers[0]}"
    return f"lignes {numbers[0]} à {numbers[-1]}"


def diff_sources(old: str, new: str, context: int = CONTEXT_LINES) -> VersionDiff:
    """The differences between two Markdown texts, in passages with ``context`` unchanged lines around."""
    old_lines, new_lines = _lines(old), _lines(new)
    result = VersionDiff()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    detailed = len(old_lines) + len(new_lines) <= MAX_LINES
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", i + 1, j + 1, [Piece("same", old_lines[i])])
                          for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
                continue
            lines += _changed_block(old_lines, new_lines, i1, i2, j1, j2, detailed, result)
        result.passages.append(Passage(lines))
    return result


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").split("\n")


def _changed_block(old_lines, new_lines, i1, i2, j1, j2, detailed: bool, result: VersionDiff) -> list[DiffLine]:
    """A replaced block: lines paired one to one become "changed" (word detail) when they still look alike."""
    lines, paired = [], 0
    if detailed:
        while paired < min(i2 - i1, j2 - j1):
            before, after = old_lines[i1 + paired], new_lines[j1 + paired]
            pieces = word_pieces(before, after)
            if pieces is None:
                break
            lines.append(DiffLine("changed", i1 + paired + 1, j1 + paired + 1, pieces))
            result.changed += 1
            paired += 1
    for i in range(i1 + paired, i2):
        lines.append(DiffLine("removed", i + 1, None, [Piece("removed", old_lines[i])]))
        result.removed += 1
    for j in range(j1 + paired, j2):
        lines.append(DiffLine("added", None, j + 1, [Piece("added", new_lines[j])]))
        result.added += 1
    return lines


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def word_pieces(before: str, after: str) -> list[Piece] | None:
    """The words removed and added in a corrected line; None when it was rewritten rather than corrected."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    words = difflib.SequenceMatcher(None, [t for t in old if not t.isspace()], [t for t in new if not t.isspace()],
                                    autojunk=False)
    if words.ratio() < REWRITE_RATIO:
        return None
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, "same", "".join(old[i1:i2]))
        else:
            _append(pieces, "removed", "".join(old[i1:i2]))
            _append(pieces, "added", "".join(new[j1:j2]))
    return pieces


def _append(pieces: list[Piece], kind: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))
