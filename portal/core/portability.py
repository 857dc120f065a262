"""Moving a whole network between installations: ``portal export-network DIR`` and ``import-network DIR``.

Each module contributes the kinds of rows it owns, at import (the module is imported when its blueprint
is registered), as it contributes integrity verifiers:

    portability.register(portability.Kind(
        "organisations", "accounts", Organisation.__table__,
        "The organisations of the network.",
        fields={"id": "Identifier, kept on import: every other file refers to it.", ...},
        omitted={"secret_column": "why it stays behind"},
    ))

and names the tables it deliberately leaves behind (``not_exported``), with the reason. A test checks
that every table of the models is one or the other, and that every column of an exported table is
either documented or omitted with a reason: a new table or column cannot silently stay behind.

One kind is one table, exported whole: every row, ids and relations as stored, so that an import
gives back the same network (the funding ledger's hash chains cover ids, so they verify again).
Columns left out (password hashes, second-factor keys, session tokens) take their default on import.
Binary columns (published PDFs) are written as files beside the JSON, named in the row with their
sha256. The export directory holds a ``manifest.json`` (format version, counts, sha256 of every file)
and ``FORMAT.md``, the field-by-field documentation built from the registrations (``documentation``);
``portal/NETWORK_FORMAT.md`` is the same text, kept in the repository.

An import goes into an empty portal only (an import that merged two networks would have to renumber
everything, and two organisations of one name would collide), checks every file against the manifest
before reading any, and writes everything in one transaction: a bad file leaves nothing behind.
"""

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import Date, Integer, LargeBinary, Table, false, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from portal.core.db import UTCDateTime, db
from portal.core.schema import migration_state

FORMAT = "passerelle-network"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTATION = "FORMAT.md"
BATCH = 1000


class PortabilityError(Exception):
    """The export or import cannot be done; ``message`` tells the operator why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Kind:
    """One kind of row of the network: one table, one JSON file ``<module>/<name>.json``."""

    name: str  # "organisations": the file's name and the kind's key in the manifest
    module: str  # "accounts": the folder of its files
    table: Table
    description: str  # what one row is (English, for the format documentation)
    fields: dict[str, str]  # exported column -> what it holds
    omitted: dict[str, str] = field(default_factory=dict)  # column left behind -> why
    # Binary column -> name of its files, formatted with the row's fields: "{report_id}-v{number}.pdf".
    # It must name each row apart; without one, "<primary key>-<column>.bin".
    file_names: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"{self.module}/{self.name}.json"

    def file_path(self, column: str, row: dict) -> str:
        """Where a binary value is written: in ``<module>/<name>/``, beside the kind's JSON file."""
        key = "-".join(str(row[c.name]) for c in self.table.primary_key.columns)
        name = self.file_names[column].format(**row) if column in self.file_names else f"{key}-{column}.bin"
        return f"{self.module}/{self.name}/{name}"


_kinds: dict[str, Kind] = {}
_not_exported: dict[str, str] = {}
_after_import: list[Callable[[], None]] = []


def register(kind: Kind) -> Kind:
    """Add a kind to every export and import (registering a name again replaces it)."""
    _kinds[kind.name] = kind
    return kind


def not_exported(table: str, reason: str) -> None:
    """Declare that a table deliberately stays behind, and why (shown in the format documentation)."""
    _not_exported[table] = reason


def after_import(rebuild: Callable[[], None]) -> Callable[[], None]:
    """Run ``rebuild()`` once every row of an import is in, in its transaction: how a table left behind
    because it is computed from others (the funding totals) is computed again in the new portal."""
    if rebuild not in _after_import:
        _after_import.append(rebuild)
    return rebuild


def kinds() -> list[Kind]:
    """The registered kinds, parents before children (the order an import inserts them in), ties broken
    by name: the same order in every process, whatever order the modules were imported in (the
    manifest and FORMAT.md list kinds in it, and two exports of one network must be the same files)."""
    waiting = {kind.table.name: kind for kind in _kinds.values()}
    parents = {name: {key.column.table.name for key in kind.table.foreign_keys} & set(waiting) - {name}
               for name, kind in waiting.items()}
    ordered: list[Kind] = []
    while waiting:
        placed = {kind.table.name for kind in ordered}
        ready = sorted(name for name in waiting if parents[name] <= placed)
        if not ready:
            raise RuntimeError(f"circular references between {sorted(waiting)}")
        ordered.append(waiting.pop(ready[0]))
    return ordered


def left_behind() -> dict[str, str]:
    return dict(sorted(_not_exported.items()))


# --- values: columns to JSON and back ------------------------------------------------------------------

def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _utc_from_text(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Field:
    """How one exported column's values go to JSON and back, decided once per kind (a ledger of
    300,000 rows is converted field by field)."""

    name: str
    binary: bool
    to_json: Callable | None  # None: the value is written as it is
    from_json: Callable | None


def _fields(kind: Kind) -> list[_Field]:
    plan = []
    for column in _exported_columns(kind):
        if isinstance(column.type, UTCDateTime):
            plan.append(_Field(column.name, False, utc_text, _utc_from_text))
        elif isinstance(column.type, Date):
            plan.append(_Field(column.name, False, date.isoformat, date.fromisoformat))
        else:
            plan.append(_Field(column.name, _is_binary(column), None, None))
    return plan


def _is_binary(column) -> bool:
    return isinstance(column.type, LargeBinary)


def _exported_columns(kind: Kind) -> list:
    return [column for column in kind.table.columns if column.name in kind.fields]


# --- files written with their sha256 -------------------------------------------------------------------

@dataclass
class FileRecord:
    path: str
    sha256: str
    size: int


class _Folder:
    """The export being written: every file goes through here, so the manifest knows its sha256."""

    def __init__(self, root: Path):
        self.root = root
        self.records: dict[str, FileRecord] = {}

    def write_bytes(self, path: str, data: bytes) -> FileRecord:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._create(target) as file:
            file.write(data)
        record = FileRecord(path, hashlib.sha256(data).hexdigest(), len(data))
        self.records[path] = record
        return record

    @staticmethod
    def _create(target: Path):
        """A new file for the exporting user only (personal data, as in backups); never one written
        already, so two rows whose files would share a name fail instead of losing one."""
        return os.fdopen(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb")

    def write_lines(self, path: str, lines: Iterator[str]) -> FileRecord:
        """Stream a text file (a kind's rows, one per line) and hash it on the way."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        digest, size = hashlib.sha256(), 0
        with self._create(target) as file:
            for line in lines:
                data = line.encode()
                file.write(data)
                digest.update(data)
                size += len(data)
        record = FileRecord(path, digest.hexdigest(), size)
        self.records[path] = record
        return record


def _json_text(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- export ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportReport:
    path: Path
    counts: dict[str, int]
    files: int
    size: int


def export_network(directory: Path) -> ExportReport:
    """Write the whole network into ``directory`` (absent or empty), read in one snapshot.

    The files are written in a hidden folder beside it and moved into place once complete: an
    interrupted export never leaves a half-written network under the expected name."""
    target = Path(directory).resolve()
    _check_export_target(target)
    partial = target.with_name(f".{target.name}.partiel-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        folder = _Folder(partial)
        revision = _begin_snapshot()
        counts = {kind.name: _export_kind(kind, folder) for kind in kinds()}
        folder.write_bytes(DOCUMENTATION, documentation().encode())
        manifest = _manifest(counts, revision, folder.records.values())
        (partial / MANIFEST).write_text(_json_text(manifest), encoding="utf-8")
        (partial / MANIFEST).chmod(0o600)
        os.replace(partial, target)  # an empty directory is replaced whole
    finally:
        db.session.rollback()
        shutil.rmtree(partial, ignore_errors=True)
    return ExportReport(target, counts, len(folder.records) + 1, sum(r.size for r in folder.records.values()))


def _check_export_target(target: Path) -> None:
    if not target.parent.is_dir():
        raise PortabilityError(f"Le dossier {target.parent} n'existe pas.")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PortabilityError(f"{target} existe et n'est pas un dossier vide : un export ne remplace jamais "
                               "des fichiers. Donnez un nouveau dossier.")


def _begin_snapshot() -> str | None:
    """Start the read transaction every file is read in: one state of the network, whatever is written
    meanwhile (repeatable read on PostgreSQL; SQLite's read transaction in WAL mode)."""
    db.session.rollback()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return migration_state(db.session.connection()).database


def _export_kind(kind: Kind, folder: _Folder) -> int:
    count, plan = 0, _fields(kind)

    def lines() -> Iterator[str]:
        nonlocal count
        yield _header(kind)
        for row in _rows(kind):
            yield ("," if count else "") + "\n" + json.dumps(_export_row(kind, plan, row, folder), ensure_ascii=False)
            count += 1
        yield "\n]}\n"

    folder.write_lines(kind.path, lines())
    return count


def _rows(kind: Kind) -> Iterator:
    columns = _exported_columns(kind)
    query = select(*columns).order_by(*kind.table.primary_key.columns)
    for row in db.session.execute(query, execution_options={"yield_per": _batch_size(kind)}):
        yield row._mapping


def _export_row(kind: Kind, plan: list[_Field], row, folder: _Folder) -> dict:
    document = {}
    for field_ in plan:
        value = row[field_.name]
        if value is None:
            document[field_.name] = None
        elif field_.binary:
            record = folder.write_bytes(kind.file_path(field_.name, row), bytes(value))
            document[field_.name] = {"file": record.path, "sha256": record.sha256, "size": record.size}
        else:
            document[field_.name] = field_.to_json(value) if field_.to_json else value
    return document


def _manifest(counts: dict[str, int], revision: str | None, records) -> dict:
    registered = {kind.name: kind for kind in kinds()}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": utc_text(datetime.now(UTC)),
        "schema_revision": revision,
        "kinds": [{"name": name, "module": registered[name].module, "file": registered[name].path, "count": count}
                  for name, count in counts.items()],
        "files": [{"path": r.path, "sha256": r.sha256, "size": r.size}
                  for r in sorted(records, key=lambda record: record.path)],
    }


# --- import ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportReport:
    counts: dict[str, int]
    exported_at: str | None
    schema_revision: str | None


def import_network(directory: Path) -> ImportReport:
    """Load an export into this portal, which must be empty and at the code's schema revision.

    Everything is checked before the first row is written, and written in the session's transaction:
    the caller commits, or rolls back and nothing stays."""
    root = Path(directory).resolve()
    manifest = _read_manifest(root)
    _check_files(root, manifest)
    entries = _check_kinds(manifest)
    connection = db.session.connection()
    _check_schema(connection)
    _check_empty(connection)
    counts = {}
    for kind in kinds():
        entry = entries.get(kind.name)
        counts[kind.name] = _insert(connection, kind, _read_rows(root, kind, entry)) if entry else 0
    if connection.dialect.name == "postgresql":
        _move_sequences_past_imported_ids(connection)
    for rebuild in _after_import:
        rebuild()
    return ImportReport(counts, manifest.get("exported_at"), manifest.get("schema_revision"))


def _insert(connection: Connection, kind: Kind, rows: Iterator[dict]) -> int:
    """Insert in batches, as the rows are read (a ledger of 300,000 entries or a thousand PDFs are never
    in memory at once); return how many. A row the database refuses (a relation to a missing row, a
    duplicate) stops the import with the database's reason; the caller's rollback takes back the rest."""
    count = 0
    try:
        while batch := list(islice(rows, _batch_size(kind))):
            connection.execute(kind.table.insert(), batch)
            count += len(batch)
    except DBAPIError as error:
        raise PortabilityError(f"{kind.path} : la base refuse ces lignes ({str(error.orig).strip()}).") from None
    return count


def _batch_size(kind: Kind) -> int:
    """Rows held at once: few when each carries a file (a published PDF can weigh megabytes)."""
    return 20 if any(_is_binary(column) for column in _exported_columns(kind)) else BATCH


def _read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        raise PortabilityError(f"{root} ne contient pas de {MANIFEST} : ce n'est pas un export de réseau "
                               "de Passerelle (portal export-network).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PortabilityError(f"{MANIFEST} est illisible : {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PortabilityError(f"{MANIFEST} ne décrit pas un export de réseau de Passerelle.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise PortabilityError(f"Cet export est au format {version} ; cette version de Passerelle lit le format "
                               f"{FORMAT_VERSION}. Importez-le avec la version qui l'a écrit, ou une plus récente.")
    if not (_records(manifest, "kinds", {"name", "file", "count"})
            and _records(manifest, "files", {"path", "sha256", "size"})):
        raise PortabilityError(f"{MANIFEST} est incomplet : chaque type de données y a son nom, son fichier et son "
                               "nombre de lignes, chaque fichier son chemin, sa taille et son sha256.")
    return manifest


def _records(manifest: dict, key: str, fields: set[str]) -> bool:
    records = manifest.get(key)
    return isinstance(records, list) and all(isinstance(r, dict) and fields <= set(r) for r in records)


def _check_files(root: Path, manifest: dict) -> None:
    """Every file the manifest lists, present, of its size and sha256, before anything is read."""
    for record in manifest.get("files", []):
        path = (root / record["path"]).resolve()
        if not path.is_relative_to(root):
            raise PortabilityError(f"Le manifeste nomme un fichier hors du dossier : {record['path']}.")
        if not path.is_file():
            raise PortabilityError(f"Fichier manquant : {record['path']}.")
        if _sha256(path) != record["sha256"] or path.stat().st_size != record["size"]:
            raise PortabilityError(f"{record['path']} ne correspond pas à son empreinte (sha256) du manifeste : "
                                   "le fichier a été modifié ou abîmé depuis l'export. Rien n'a été importé.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_kinds(manifest: dict) -> dict[str, dict]:
    entries = {entry["name"]: entry for entry in manifest.get("kinds", [])}
    listed = {record["path"] for record in manifest.get("files", [])}
    unknown = sorted(set(entries) - set(_kinds))
    if unknown:
        raise PortabilityError(f"Cet export contient des données que cette version de Passerelle ne connaît pas "
                               f"({', '.join(unknown)}) : mettez le code à jour avant d'importer.")
    for entry in entries.values():
        if entry["file"] not in listed:
            raise PortabilityError(f"Le manifeste ne donne pas l'empreinte de {entry['file']}.")
    return entries


def _check_schema(connection: Connection) -> None:
    state = migration_state(connection)
    if not state.current:
        raise PortabilityError(f"La base est en révision {state.database or 'aucune'}, le code attend {state.code} : "
                               "lancez « flask --app wsgi db upgrade » avant d'importer.")


def _check_empty(connection: Connection) -> None:
    filled = [kind.table.name for kind in kinds()
              if connection.execute(select(kind.table).limit(1)).first() is not None]
    if filled:
        raise PortabilityError(
            f"Ce portail n'est pas vide ({', '.join(filled)}) : un réseau s'importe dans un portail neuf, "
            "dont la base vient d'être créée par « flask --app wsgi db upgrade ».")


def _read_rows(root: Path, kind: Kind, entry: dict) -> Iterator[dict]:
    """The rows of a kind's file, checked and converted, one at a time; then their number against the
    manifest's."""
    count, plan, expected = 0, _fields(kind), set(kind.fields)
    for count, row in enumerate(_parsed_rows(root / entry["file"], kind, entry["file"]), start=1):
        yield _import_row(root, kind, plan, expected, row, count)
    if count != entry["count"]:
        raise PortabilityError(f"{entry['file']} contient {count} lignes, le manifeste en annonce {entry['count']}.")


def _header(kind: Kind) -> str:
    return f'{{"format_version": {FORMAT_VERSION}, "kind": {json.dumps(kind.name)}, "rows": ['


def _parsed_rows(path: Path, kind: Kind, name: str) -> Iterator[dict]:
    """Rows parsed line by line when the file is laid out as the export writes it (header, one row per
    line, ``]}``); a file of another layout (edited by hand) is read whole."""
    try:
        with path.open(encoding="utf-8", newline="\n") as file:
            if file.readline().rstrip("\n") != _header(kind):
                yield from _rows_of_document(path, kind, name)
                return
            for line in file:
                line = line.rstrip("\n")
                if line == "]}":
                    break
                yield json.loads(line.removesuffix(","))
            if file.read().strip():
                raise PortabilityError(f"{name} : du texte suit la fin des lignes.")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PortabilityError(f"{name} est illisible : {error}.") from None


def _rows_of_document(path: Path, kind: Kind, name: str) -> list:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("kind") != kind.name or not isinstance(
            document.get("rows"), list):
        raise PortabilityError(f"{name} ne contient pas les lignes « {kind.name} ».")
    return document["rows"]


def _import_row(root: Path, kind: Kind, plan: list[_Field], expected: set[str], row, number: int) -> dict:
    if not isinstance(row, dict) or row.keys() != expected:
        found = set(row) if isinstance(row, dict) else set()
        differences = sorted((found - expected) | (expected - found))
        raise PortabilityError(f"{kind.path}, ligne {number} : champs inattendus ou manquants "
                               f"({', '.join(differences) or 'ligne illisible'}).")
    values = {}
    for field_ in plan:
        value = row[field_.name]
        try:
            if value is None:
                values[field_.name] = None
            elif field_.binary:
                values[field_.name] = _read_attached_file(root, kind, value, number)
            else:
                values[field_.name] = field_.from_json(value) if field_.from_json else value
        except (TypeError, ValueError, AttributeError):
            raise PortabilityError(f"{kind.path}, ligne {number} : valeur illisible pour {field_.name} "
                                   f"({value!r}).") from None
    return values


def _read_attached_file(root: Path, kind: Kind, reference, number: int) -> bytes:
    path = (root / str(reference.get("file", ""))).resolve() if isinstance(reference, dict) else None
    if path is None or not path.is_relative_to(root) or not path.is_file():
        raise PortabilityError(f"{kind.path}, ligne {number} : fichier joint introuvable ({reference!r}).")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != reference.get("sha256"):
        raise PortabilityError(f"{reference['file']} ne correspond pas à l'empreinte donnée par {kind.path}.")
    return data


def _move_sequences_past_imported_ids(connection: Connection) -> None:
    """Rows came with their ids: the next id PostgreSQL hands out must come after them."""
    for kind in kinds():
        key = list(kind.table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer) or key[0].autoincrement is False:
            continue
        sequence = func.pg_get_serial_sequence(kind.table.name, key[0].name)
        connection.execute(select(func.setval(sequence, func.coalesce(func.max(key[0]), 0) + 1, false())))


# --- the format's documentation -------------------------------------------------------------------------

def documentation() -> str:
    """The format, field by field, from the registrations: written into every export as FORMAT.md and
    kept in the repository as portal/NETWORK_FORMAT.md (a test keeps the two equal)."""
    lines = [
        f"# Passerelle network export — format {FORMAT_VERSION}",
        "",
        "Written by `flask --app wsgi portal export-network DIR`, read by "
        "`flask --app wsgi portal import-network DIR`.",
        "Text files are UTF-8 JSON.",
        "",
        f"## `{MANIFEST}`",
        "",
        f"- `format`: always `{FORMAT}`; `format_version`: `{FORMAT_VERSION}` (a reader refuses a version it does "
        "not know).",
        "- `exported_at`: when the export was read (UTC); `schema_revision`: the database's migration revision.",
        "- `kinds`: for each kind of row, its `name`, the `module` that owns it, its `file` and its row `count`.",
        "- `files`: every other file of the export (`path`, `sha256` in hexadecimal, `size` in bytes); an import "
        "checks them all before reading any.",
        "",
        "## Kind files",
        "",
        "`<module>/<kind>.json` is an object `{\"format_version\": 1, \"kind\": \"<kind>\", \"rows\": [...]}` with one "
        "row per line, ordered by primary key. Each row holds exactly the fields listed below. Ids are the "
        "source portal's and are kept on import, so the relations between files hold as they are. Times are UTC, "
        "`YYYY-MM-DDTHH:MM:SS.ffffffZ`; dates `YYYY-MM-DD`; amounts integer euro cents; `null` is an absent value. "
        "A binary field (a stored PDF) is an object `{\"file\": \"<path>\", \"sha256\": ..., \"size\": ...}` naming a "
        "file of the export, in the folder `<module>/<kind>/`. Fields listed as *not exported* take their default "
        "on import.",
        "",
        "Kinds in the order an import loads them (parents first):",
        "",
    ]
    for kind in kinds():
        lines += _kind_documentation(kind)
    lines += ["## Tables not exported", ""]
    lines += [f"- `{table}`: {reason}" for table, reason in left_behind().items()]
    return "\n".join(lines) + "\n"


def _kind_documentation(kind: Kind) -> list[str]:
    lines = [f"### `{kind.path}` ({kind.name})", "", kind.description, "", "| field | meaning |", "|---|---|"]
    lines += [f"| `{column.name}` | {kind.fields[column.name]} |" for column in _exported_columns(kind)]
    if kind.omitted:
        lines += ["", "Not exported: " + "; ".join(f"`{name}` ({why})" for name, why in kind.omitted.items()) + "."]
    return [*lines, ""]
