"""Reading CSV files as people and spreadsheets really write them, and writing CSV that French
spreadsheets open as they are.

Reading is lenient where the meaning is certain (encoding, delimiter, letter case and accents of the
column titles, French numbers and dates, spaces in SIRETs) and strict where it is not: a cell that
cannot be read is reported with its row number and the reason, never guessed.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from portal.core.formatting import AmountError, parse_amount
from portal.core.siret import clean_siret, is_valid_siret

BOM = "\ufeff"
DELIMITERS = (";", ",", "\t")


class CellError(ValueError):
    """One cell cannot be read; the message (French) says why."""


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not a table, a required column missing...)."""


@dataclass(frozen=True)
class Column:
    """A column of a known format: its name, the titles people give it, whether a value is required."""

    name: str
    titles: tuple[str, ...] = ()
    required: bool = False


@dataclass
class RowProblem:
    """Every reason why one row cannot be read. ``line`` is the row's number as a spreadsheet shows it
    (the header is row 1)."""

    line: int
    messages: list[str]

    def __str__(self) -> str:
        return f"ligne {self.line} : " + " ; ".join(self.messages)


@dataclass
class Table:
    """A decoded file: its rows as {column name: raw text}, with what was learnt on the way."""

    encoding: str
    delimiter: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str] = field(default_factory=list)
    renamed_columns: list[tuple[str, str]] = field(default_factory=list)  # (title in the file, name read)


@dataclass
class Reading:
    """What a file gave: the rows read as records, the rows that could not be read, and how it was read."""

    records: list
    problems: list[RowProblem]
    encoding: str
    delimiter: str
    ignored_columns: list[str]
    renamed_columns: list[tuple[str, str]]


# --- decoding ------------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with: UTF-8 (with or without a byte-order mark),
    else Windows-1252, else Latin-1 (which reads any byte, so the last resort)."""
    if data.startswith(BOM.encode("utf-8")):
        data = data[3:]
        # A BOM in front of cp1252 text happens when a tool adds one without re-encoding.
        try:
            return data.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def simplify(text: str) -> str:
    """« Nom de l'Attribuant » and « NOM_ATTRIBUANT » both become « nomdelattribuant » / « nomattribuant »:
    lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def simplify_words(text: str) -> str:
    """Lower case, no accents, words kept apart by single spaces (for matching words in names)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _header_index(columns: Sequence[Column]) -> dict[str, str]:
    index = {}
    for column in columns:
        for alias in (column.name, *column.titles):
            index[simplify(alias)] = column.name
    return index


def _split_header(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _header_score(header_line: str, columns: Sequence[Column], delimiter: str) -> tuple[int, int]:
    """(known columns named, cells) of the header split by ``delimiter``."""
    index = _header_index(columns)
    cells = _split_header(header_line, delimiter)
    return len({index[simplify(cell)] for cell in cells if simplify(cell) in index}), len(cells)


def sniff_delimiter(header_line: str, columns: Sequence[Column]) -> str:
    """The delimiter under which the header names the most known columns (then: gives the most cells)."""
    return max(DELIMITERS, key=lambda delimiter: _header_score(header_line, columns, delimiter))


def recognised_columns(header_line: str, columns: Sequence[Column]) -> int:
    """How many of ``columns`` the header names, whatever its delimiter (to tell formats apart)."""
    return max(_header_score(header_line, columns, delimiter)[0] for delimiter in DELIMITERS)


def read_table(data: bytes, columns: Sequence[Column]) -> Table:
    """Decode ``data``, find its delimiter and map its header onto ``columns``; FileFormatError when
    the file is empty or a required column is missing."""
    text, encoding = decode(data)
    text = text.lstrip(BOM)
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        raise FileFormatError("Le fichier est vide : la première ligne doit donner les titres des colonnes.")
    delimiter = sniff_delimiter(first_line, columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    mapping, ignored = _map_header(header, columns)
    rows = []
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                rows.append((number, {name: cells[i] if i < len(cells) else "" for i, name in mapping.items()}))
    except csv.Error as error:
        raise FileFormatError(f"Ligne {number + 1} : le fichier n'est pas un tableau lisible ({error}).") from None
    renamed = [(header[i].strip(), name) for i, name in mapping.items() if header[i].strip() != name]
    return Table(encoding, delimiter, sorted(set(mapping.values())), rows, ignored, renamed)


def read_records(data: bytes, columns: Sequence[Column],
                 parse_row: Callable[[int, dict[str, str]], tuple[object, list[str]]]) -> Reading:
    """Read a file of a known format; ``parse_row(line, raw cells)`` gives a record or its problems."""
    table = read_table(data, columns)
    records, problems = [], []
    for line, raw in table.rows:
        record, messages = parse_row(line, raw)
        if messages:
            problems.append(RowProblem(line, messages))
        else:
            records.append(record)
    return Reading(records, problems, table.encoding, table.delimiter, table.ignored_columns,
                   table.renamed_columns)


def _map_header(header: list[str], columns: Sequence[Column]) -> tuple[dict[int, str], list[str]]:
    index = _header_index(columns)
    mapping: dict[int, str] = {}
    ignored = []
    for position, title in enumerate(header):
        name = index.get(simplify(title))
        if name is None or name in mapping.values():
            ignored.append(title.strip() or f"colonne {position + 1} sans titre")
        else:
            mapping[position] = name
    missing = [c.name for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        raise FileFormatError("Colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing)
                              + ". Vérifiez la première ligne du fichier et son séparateur.")
    return mapping, ignored


# --- cells -----------------------------------------------------------------------------------------

def text_cell(value: str, label: str, *, required: bool = False, max_length: int | None = None) -> str | None:
    value = " ".join((value or "").split())  # spreadsheets leave doubled and trailing spaces
    if not value:
        if required:
            raise CellError(f"{label} manquant")
        return None
    if max_length and len(value) > max_length:
        raise CellError(f"{label} trop long ({len(value)} caractères, {max_length} au plus)")
    return value


def text_reader(label: str, *, required: bool = False, max_length: int | None = None):
    """A cell reader for free text (for ``read_cells``)."""
    return lambda value: text_cell(value, label, required=required, max_length=max_length)


def amount_cell(value: str, label: str) -> int:
    """« 100 000,00 », « 100 000,00 » (non-breaking), « 47800.20 », « 1 234,56 € » as cents."""
    try:
        return parse_amount(value)
    except AmountError:
        raise CellError(f"{label} illisible : « {value.strip()} »" if value.strip() else f"{label} manquant") from None


def decimal_cell(value: str, label: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", value or "").replace(",", ".")
    if not cleaned:
        raise CellError(f"{label} manquant")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"{label} illisible : « {value.strip()} »") from None
    if not number.is_finite():
        raise CellError(f"{label} illisible : « {value.strip()} »")
    return number


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_FRENCH = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
# Spreadsheets add a midnight time to dates they exported: « 2017-06-27 00:00:00 ».
_MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")


def parse_day(value: str) -> date:
    """« 2018-01-30 », « 2018/01/30 » or the French « 30/01/2018 »; ValueError otherwise."""
    value = _MIDNIGHT.sub("", (value or "").strip())
    match = _ISO.fullmatch(value)
    if match:
        year, month, day = match.groups()
    else:
        match = _FRENCH.fullmatch(value)
        if not match:
            raise ValueError(value)
        day, month, year = match.groups()
    return date(int(year), int(month), int(day))


def date_cell(value: str, label: str, *, required: bool = True) -> date | None:
    if not (value or "").strip():
        if required:
            raise CellError(f"{label} manquante")
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise CellError(f"{label} illisible : « {value.strip()} » (attendu : 2018-01-30 ou 30/01/2018)") from None


def siret_cell(value: str, label: str, *, required: bool = False) -> str | None:
    """A SIRET as spreadsheets damage it (« 21860194600000.0 », « 224 900 019 000 15 »), checked by its key."""
    if not (value or "").strip():
        if required:
            raise CellError(f"{label} manquant")
        return None
    siret = clean_siret(value)
    if not re.fullmatch(r"\d{14}", siret):
        raise CellError(f"{label} « {value.strip()} » : un SIRET a 14 chiffres")
    if not is_valid_siret(siret):
        raise CellError(f"{label} « {siret} » : la clé de contrôle ne correspond pas (SIRET mal recopié ?)")
    return siret


def read_cells(raw: dict[str, str], readers: dict[str, Callable[[str], object]]) -> tuple[dict, list[str]]:
    """Apply each column's reader; collect every cell's problem rather than stopping at the first, so a
    person fixes a row in one go."""
    values, problems = {}, []
    for name, reader in readers.items():
        try:
            values[name] = reader(raw.get(name, ""))
        except CellError as error:
            problems.append(str(error))
    return values, problems


# --- writing -------------------------------------------------------------------------------------

def french_decimal(cents: int | None) -> str:
    """12345678 -> « 123456,78 »: a number a French spreadsheet reads, without grouping spaces that
    would turn it into text."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def french_day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def french_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Lines of a CSV for French spreadsheets: UTF-8 byte-order mark (else Excel reads cp1252),
    semicolons (the comma is the decimal mark), CRLF line ends. Yielded line by line so a large
    export streams."""
    yield BOM + _csv_line(header, ";")
    for row in rows:
        yield _csv_line(row, ";")


def _csv_line(cells: Sequence[object], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(
        ["" if cell is None else cell for cell in cells])
    return buffer.getvalue()


def plain_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Lines of a standard CSV (commas, UTF-8 without byte-order mark), as open-data schemas expect."""
    yield _csv_line(header, ",")
    for row in rows:
        yield _csv_line(row, ",")
