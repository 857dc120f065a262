"""Reading a past compte rendu written as Markdown, for ``portal import-report``.

Two header forms are understood, alone or together:

1. a YAML front matter, as other tools export it (Jekyll, Hugo, Pandoc, Obsidian...)::

       ---
       titre: Isolement            # or theme / thème
       rencontre: 2                # its ordinal; or "2ème rencontre"
       rencontre_titre: Agir ensemble contre l'isolement
       date: 2013-05-16            # the rencontre's date (16/05/2013, 16 mai 2013 and a time are read too)
       lieu: Bourg-en-Bresse
       atelier: 2
       co-animation: [Fouzia Zahar, Claudy Debaix]   # or "Fouzia Zahar et Claudy Debaix"
       témoignages:
         - CS Belley projet Entracte                 # or {structure: CS Belley, projet: Entracte}
       public: false
       ---

2. the seed's own header, above the first horizontal rule: the federation's name, "## 2<sup>ème</sup>
   RENCONTRE", "### COMPTE RENDU Atelier n°2 : Isolement", "*Co-animation : … et …*",
   "*Témoignage n°1 : CS Belley projet Entracte*".

What the front matter says wins over the seed header. Keys the portal does not use (``layout``,
``tags``...) are listed in ``ignored_keys`` and otherwise left alone. Every error is a
``ReportFileError`` whose French message starts with the line at fault, as an editor numbers it.

This module is pure: no database, no Flask. The command (``portal.meetings.archives.service``)
matches what it reads with the portal's rencontres, ateliers and projects.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

import yaml

from portal.core.partial_dates import PartialDateError, Precision, parse_partial_date
from portal.core.text import fold, tidy

MAX_FILE_BYTES = 2 * 1024 * 1024  # far beyond any real compte rendu (the seed is 5 kB)


class ReportFileError(ValueError):
    """The file cannot be imported; ``str(error)`` is French and starts with « ligne N : »."""

    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(f"ligne {line} : {message}" if line else message)


@dataclass(frozen=True)
class ImportedTestimony:
    structure: str  # "CS Belley"
    project: str  # "Entracte"
    line: int


@dataclass
class ImportedReport:
    """What a compte rendu file says about itself; ``lines`` holds the line of each field read."""

    body: str  # the Markdown body, without its header
    body_line: int  # first line of the body in the file
    network_name: str = ""
    rencontre_ordinal: int | None = None
    rencontre_title: str = ""
    rencontre_date: date | None = None
    rencontre_time: time | None = None
    place: str = ""
    atelier_number: int | None = None
    theme: str = ""
    co_facilitators: list[str] = field(default_factory=list)
    testimonies: list[ImportedTestimony] = field(default_factory=list)
    public: bool | None = None
    note: str = ""  # "what changed", for a version published from the file
    ignored_keys: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int | None:
        return self.lines.get(name)


# --- reading the file ------------------------------------------------------------------------------------

def decode_report(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as old word processors write it."""
    if len(data) > MAX_FILE_BYTES:
        raise ReportFileError(None, f"fichier trop gros ({len(data) // 1024} ko ; au plus "
                                    f"{MAX_FILE_BYTES // (1024 * 1024)} Mo pour un compte rendu).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ReportFileError(_line_at(text, text.index("\x00")), "ce fichier n'est pas du texte (octet nul).")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_report(text: str) -> ImportedReport:
    """Read a compte rendu file: its front matter, its seed-style header, its body."""
    lines = text.split("\n")
    values, fm_lines, ignored, start = _front_matter(lines)
    header, start = _seed_header(lines, start)
    report = ImportedReport(body="", body_line=start + 1, ignored_keys=ignored)
    _apply(report, header)
    _apply(report, values)
    report.lines.update(header.get("lines", {}))
    report.lines.update(fm_lines)
    body = "\n".join(lines[start:]).strip("\n")
    if not body.strip():
        raise ReportFileError(max(start, 1), "le compte rendu est vide : aucun texte après l'en-tête, qui finit "
                                             "à cette ligne.")
    report.body = body + "\n"
    report.body_line = start + 1 + _leading_blank_lines(lines[start:])
    return report


def _apply(report: ImportedReport, values: dict) -> None:
    for name, value in values.items():
        if name != "lines" and value not in (None, "", []):
            setattr(report, name, value)


def _leading_blank_lines(lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


# --- YAML front matter -----------------------------------------------------------------------------------

FENCE = re.compile(r"^(---|\.\.\.)\s*$")
YAML_KEY = re.compile(r"^[\w'\"][\w\s'\"-]*:(\s|$)")

# Each key the portal reads, under the names exporting tools and French writers use (folded: no accents).
KEY_ALIASES = {
    "rencontre": "rencontre", "rencontre_numero": "rencontre", "numero_rencontre": "rencontre",
    "rencontre_titre": "rencontre_title", "titre_rencontre": "rencontre_title", "rencontre_title": "rencontre_title",
    "date": "date", "heure": "time", "time": "time", "lieu": "place", "place": "place",
    "atelier": "atelier", "atelier_numero": "atelier", "numero_atelier": "atelier",
    "theme": "theme", "titre": "theme", "title": "theme",
    "co-animation": "co_facilitators", "co_animation": "co_facilitators", "coanimation": "co_facilitators",
    "animation": "co_facilitators", "co-animateurs": "co_facilitators", "co_animateurs": "co_facilitators",
    "facilitators": "co_facilitators",
    "temoignages": "testimonies", "temoignage": "testimonies", "testimonies": "testimonies",
    "federation": "network_name", "reseau": "network_name", "network": "network_name",
    "public": "public", "note": "note", "changements": "note",
}


def _front_matter(lines: list[str]) -> tuple[dict, dict[str, int], list[str], int]:
    """(values, line of each value, ignored keys, index of the first line after the front matter)."""
    first = _leading_blank_lines(lines)
    if first >= len(lines) or lines[first].strip() != "---" or first + 1 >= len(lines):
        return {}, {}, [], 0
    if _looks_like_rule_under_nothing(lines, first):
        return {}, {}, [], 0
    try:
        end = next(index for index in range(first + 1, len(lines)) if FENCE.match(lines[index]))
    except StopIteration:
        raise ReportFileError(first + 1, "l'en-tête YAML ouvert ici (« --- ») n'est jamais fermé : ajoutez une "
                                         "ligne « --- » après ses dernières valeurs.") from None
    offset = first + 2  # file line of the front matter's first line
    source = "\n".join(lines[first + 1:end])
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = offset + mark.line if mark else first + 1
        problem = getattr(error, "problem", None) or str(error)
        raise ReportFileError(line, f"en-tête YAML illisible ({_french_yaml_problem(problem)}).") from None
    if data is None:
        return {}, {}, [], end + 1
    if not isinstance(data, dict):
        raise ReportFileError(offset, "l'en-tête YAML doit être une liste de « clé: valeur ».")
    key_lines = {key.value: offset + key.start_mark.line for key, _ in node.value}
    values, lines_of, ignored = {}, {}, []
    for key, value in data.items():
        line = key_lines.get(key, offset)
        name = KEY_ALIASES.get(fold(str(key)).replace(" ", "_"))
        if name is None:
            ignored.append(str(key))
            continue
        for field_name, field_value in _read_value(name, value, line).items():
            values[field_name] = field_value
            lines_of[field_name] = line
    return values, lines_of, ignored, end + 1


def _looks_like_rule_under_nothing(lines: list[str], first: int) -> bool:
    """A file that opens on "---" is a front matter only when its first line that is not a comment is a
    "key: value" line: Markdown editors put rules at the top too, above a header like the seed's."""
    following = next((line for line in lines[first + 1:] if line.strip() and not line.lstrip().startswith("#")), "")
    return not YAML_KEY.match(following)


def _french_yaml_problem(problem: str) -> str:
    known = {
        "mapping values are not allowed here": "un « : » en trop ; mettez la valeur entre guillemets",
        "could not find expected ':'": "un « : » manque après la clé",
        "found character '\\t' that cannot start any token": "une tabulation ; indentez avec des espaces",
        "found undefined alias": "un alias « * » inconnu",
        "expected <block end>, but found '<block mapping start>'": "une indentation incohérente",
        "found unexpected end of stream": "un guillemet jamais refermé",
    }
    for english, french in known.items():
        if problem.startswith(english):
            return french
    return problem


def _read_value(name: str, value, line: int) -> dict:
    """One front-matter value, checked and converted; the field names of ImportedReport it sets."""
    if value is None or value == "":
        return {}
    if name == "rencontre":
        return _read_rencontre(value, line)
    if name == "atelier":
        return {"atelier_number": _positive_int(value, line, "le numéro de l'atelier")}
    if name == "date":
        return _read_date(value, line)
    if name == "time":
        return {"rencontre_time": _read_time(str(value), line)}
    if name == "co_facilitators":
        names = value if isinstance(value, list) else split_names(_text(value, line, "la co-animation"))
        return {"co_facilitators": [_text(item, line, "un nom de la co-animation") for item in names]}
    if name == "testimonies":
        items = value if isinstance(value, list) else [value]
        return {"testimonies": [_read_testimony(item, line) for item in items]}
    if name == "public":
        if not isinstance(value, bool):
            raise ReportFileError(line, "« public » vaut true ou false (oui : true).")
        return {"public": value}
    return {name: _text(value, line, name)}


def _text(value, line: int, what: str) -> str:
    if isinstance(value, (dict, list)):
        raise ReportFileError(line, f"{what} doit être un texte, pas une liste.")
    return tidy(str(value))


def _positive_int(value, line: int, what: str) -> int:
    text = str(value).strip().lstrip("nN°o. ")
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 1000:
        raise ReportFileError(line, f"{what} doit être un nombre entier (par exemple 2), pas « {value} ».")
    return int(text)


def _read_rencontre(value, line: int) -> dict:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"rencontre_ordinal": _positive_int(value, line, "le numéro de la rencontre")}
    match = RENCONTRE.match(_text(value, line, "la rencontre"))
    if match:
        return {"rencontre_ordinal": int(match["ordinal"]), "rencontre_title": tidy(match["title"] or "")}
    return {"rencontre_ordinal": _positive_int(value, line, "le numéro de la rencontre")}


def _read_date(value, line: int) -> dict:
    if isinstance(value, datetime):
        return {"rencontre_date": value.date(), "rencontre_time": value.time().replace(second=0, microsecond=0)}
    if isinstance(value, date):
        return {"rencontre_date": value}
    text = _text(value, line, "la date")
    match = re.match(r"^(?P<day>.+?)(?:\s+(?:a|à)?\s*(?P<time>\d{1,2}\s*[h:]\s*\d{0,2}))?$", text)
    try:
        parsed = parse_partial_date(match["day"] if match else text)
    except PartialDateError as error:
        raise ReportFileError(line, f"date de la rencontre : {str(error)[0].lower()}{str(error)[1:]}") from None
    if parsed.precision != Precision.DAY:
        raise ReportFileError(line, "la date de la rencontre doit donner le jour (par exemple 16/05/2013).")
    values = {"rencontre_date": parsed.start}
    if match and match["time"]:
        values["rencontre_time"] = _read_time(match["time"], line)
    return values


def _read_time(text: str, line: int) -> time:
    match = re.fullmatch(r"\s*(\d{1,2})\s*[h:]\s*(\d{2})?\s*", text)
    if not match or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise ReportFileError(line, f"heure illisible « {text} » : écrivez par exemple 14h00 ou 14:00.")
    return time(int(match[1]), int(match[2] or 0))


def _read_testimony(item, line: int) -> ImportedTestimony:
    if isinstance(item, dict):
        folded = {fold(str(key)): value for key, value in item.items()}
        structure = tidy(str(folded.get("structure") or ""))
        project = tidy(str(folded.get("projet") or folded.get("project") or ""))
        if not structure or not project:
            raise ReportFileError(line, "un témoignage donne « structure » et « projet ».")
        return ImportedTestimony(structure, project, line)
    testimony = read_testimony_text(_text(item, line, "un témoignage"), line)
    if testimony is None:
        raise ReportFileError(line, f"témoignage illisible « {item} » : écrivez « CS Belley projet Entracte ».")
    return testimony


# --- the seed's header -------------------------------------------------------------------------------------

RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
EMPHASIS = re.compile(r"^\s*([*_]{1,2})(?P<text>.+?)\1\s*$")
TAGS = re.compile(r"</?(?:sup|sub|strong|em|b|i)>", re.IGNORECASE)
RENCONTRE = re.compile(
    r"^(?P<ordinal>\d{1,3})\s*(?:e|eme|ieme|er|ere|re|è|ème|ième|ère)?\s+rencontre\b\s*[:—–-]?\s*(?P<title>.*)$",
    re.IGNORECASE)
COMPTE_RENDU = re.compile(
    r"^compte[\s-]+rendu\b[\s:—–-]*(?:de\s+l'|de\s+la\s+|du\s+)?"
    r"(?:(?P<atelier>atelier)\s*(?:n\s*[°o]?\.?\s*|no\.?\s*|numero\s*|#)?(?P<number>\d{1,3})?)?"
    r"\s*[:—–-]?\s*(?P<theme>.*)$", re.IGNORECASE)
CO_ANIMATION = re.compile(r"^co[\s-]?anim\w*\s*:\s*(?P<names>.+)$", re.IGNORECASE)
TESTIMONY = re.compile(r"^t[ée]moignage\s*(?:n\s*[°o]\s*\d+|\d+)?\s*:\s*(?P<text>.+)$", re.IGNORECASE)
TESTIMONY_PARTS = re.compile(r"^(?P<structure>.+?)\s*(?:[—–-]\s*)?\bprojet\b\s*[:«\"]?\s*(?P<project>.+?)[»\"]?$",
                             re.IGNORECASE)
HEADER_SEARCH_LINES = 40  # the seed's header is 17 lines long


def _seed_header(lines: list[str], start: int) -> tuple[dict, int]:
    """The seed-style header found from ``start``, and the index where the body begins.

    The header is recognised by its "COMPTE RENDU" or "RENCONTRE" heading: plain lines above it are the
    federation's name; co-animation and testimony lines follow it; a horizontal rule may close it.
    """
    index = start + _leading_blank_lines(lines[start:])
    while index < len(lines) and RULE.match(lines[index]):  # a rule above the header, as some editors put
        index += 1 + _leading_blank_lines(lines[index + 1:])
    window = lines[index:index + HEADER_SEARCH_LINES]
    rule_at = next((offset for offset, line in enumerate(window) if RULE.match(line)), None)
    heading_at = next((offset for offset, line in enumerate(window)
                       if _header_heading(line) and (rule_at is None or offset < rule_at)), None)
    if heading_at is None:
        return {}, start
    values: dict = {"lines": {}}
    network = [tidy(TAGS.sub("", line)) for line in window[:heading_at] if line.strip()]
    if any(HEADING.match(line) for line in window[:heading_at]) and not _all_headings(window[:heading_at]):
        network = []
    if network:
        values["network_name"] = tidy(" ".join(_strip_heading(line) for line in network))
        values["lines"]["network_name"] = index + 1
    offset = heading_at
    while offset < len(window):
        line = window[offset]
        line_number = index + offset + 1
        if RULE.match(line):
            return values, index + offset + 1
        if line.strip() and not _read_header_line(line, line_number, values):
            if rule_at is not None and offset < rule_at:
                raise ReportFileError(line_number, f"ligne d'en-tête non reconnue « {line.strip()} » : l'en-tête "
                                                   "(avant le trait « --- ») ne contient que la rencontre, "
                                                   "l'atelier, la co-animation et les témoignages.")
            return values, index + offset
        offset += 1
    return values, index + offset


def _all_headings(lines: list[str]) -> bool:
    return all(HEADING.match(line) for line in lines if line.strip())


def _strip_heading(line: str) -> str:
    match = HEADING.match(line)
    return match["text"] if match else line


def _header_heading(line: str) -> str | None:
    """The text of a "RENCONTRE" or "COMPTE RENDU" heading or emphasised line, else None."""
    text = _plain(line)
    if text and (RENCONTRE.match(text) or COMPTE_RENDU.match(text)):
        return text
    return None


def _plain(line: str) -> str:
    """A header line without its Markdown: heading marks, emphasis, bold, <sup>."""
    text = TAGS.sub("", line).strip()
    match = HEADING.match(text)
    if match:
        text = match["text"]
    while True:
        match = EMPHASIS.match(text)
        if not match:
            break
        text = match["text"]
    return tidy(text.replace("\\", ""))


def _read_header_line(line: str, line_number: int, values: dict) -> bool:
    text = _plain(line)
    if match := RENCONTRE.match(text):
        values["rencontre_ordinal"] = int(match["ordinal"])
        values["lines"]["rencontre_ordinal"] = line_number
        if match["title"]:
            values["rencontre_title"] = tidy(match["title"])
        return True
    if match := COMPTE_RENDU.match(text):
        if match["atelier"] and not match["number"]:
            raise ReportFileError(line_number, "le numéro de l'atelier manque : écrivez « COMPTE RENDU Atelier n°2 "
                                               ": Isolement ».")
        if match["number"]:
            values["atelier_number"] = int(match["number"])
            values["lines"]["atelier_number"] = line_number
        if match["theme"]:
            values["theme"] = tidy(match["theme"])
            values["lines"]["theme"] = line_number
        return True
    if match := CO_ANIMATION.match(text):
        values["co_facilitators"] = split_names(match["names"])
        values["lines"]["co_facilitators"] = line_number
        return True
    if match := TESTIMONY.match(text):
        testimony = read_testimony_text(match["text"], line_number)
        if testimony is None:
            raise ReportFileError(line_number, f"témoignage illisible « {match['text']} » : écrivez « Témoignage "
                                               "n°1 : CS Belley projet Entracte ».")
        values.setdefault("testimonies", []).append(testimony)
        values["lines"].setdefault("testimonies", line_number)
        return True
    return False


def read_testimony_text(text: str, line: int) -> ImportedTestimony | None:
    """"CS Belley projet Entracte", "CS Belley — projet « Entracte »" → (CS Belley, Entracte)."""
    match = TESTIMONY_PARTS.match(tidy(text))
    if not match or not match["structure"].strip(" —–-:") or not match["project"].strip():
        return None
    return ImportedTestimony(match["structure"].strip(" —–-:"), match["project"].strip(" «»\""), line)


def split_names(text: str) -> list[str]:
    """"Fouzia Zahar et Claudy Debaix", "A, B et C", "A; B" → the names."""
    parts = re.split(r"\s*(?:,|;|\bet\b|&)\s*", tidy(text))
    return [part for part in parts if part]
