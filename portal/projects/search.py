"""French full-text search over projects' titles, summaries and descriptions, on both engines.

- PostgreSQL: a GIN expression index on the text read twice, by the ``french`` configuration (its stemmer
  needs the accents: « isolées » and « isolement » both become « isol ») and by ``french_unaccent`` (accents
  removed first, so « agees » finds « âgées »); the words typed are read both ways too (``||`` of the two
  ``websearch_to_tsquery``: quotes, ``-mot`` and ``ou``/``or`` work as on a search engine).
- SQLite: an FTS5 table ``project_search`` over the same columns (``unicode61 remove_diacritics 2``: accents
  and case do not matter), kept in sync with ``projects`` by triggers. FTS5 has no French stemmer: each word
  is searched as a prefix instead (« isol » finds « isolement » and « isolées »).

Both are created by the migration ``full-text search of projects`` with dialect-guarded SQL; the expression
below must stay identical to the one indexed there, or PostgreSQL stops using the index (a test checks the
query plan).
"""

import re

from sqlalchemy import Integer, bindparam, column, text

from portal.core.db import UNMANAGED_INDEXES, UNMANAGED_TABLE_PREFIXES, db
from portal.projects.models import Project

SQLITE_TABLE = "project_search"
POSTGRESQL_INDEX = "ix_projects_search"
_TEXT = "projects.title || ' ' || projects.summary || ' ' || projects.description"
POSTGRESQL_DOCUMENT = f"(to_tsvector('french', {_TEXT}) || to_tsvector('french_unaccent', {_TEXT}))"

POSTGRESQL_MATCH = POSTGRESQL_DOCUMENT + " @@ (websearch_to_tsquery('french', :search_words) || " \
                                         "websearch_to_tsquery('french_unaccent', :search_words))"

UNMANAGED_TABLE_PREFIXES.add(SQLITE_TABLE)
UNMANAGED_INDEXES.add(POSTGRESQL_INDEX)

MAX_QUERY_LENGTH = 200
_TERM = re.compile(r'(?P<neg>-?)"(?P<phrase>[^"]*)"|(?P<neg2>-?)(?P<word>[^\s"]+)')
_WORD_CHARS = re.compile(r"\w+")


def _quote(words: list[str], prefix: bool) -> str:
    phrase = " ".join(words)
    return f'"{phrase}"' + ("*" if prefix else "")


def sqlite_match_expression(query: str) -> str | None:
    """The person's words as an FTS5 expression: every word required (as a prefix), "phrases" kept whole,
    ``-mot`` excluded, ``ou``/``or`` between two terms. Only word characters reach FTS5, each quoted, so no
    input can be an FTS5 syntax error. None when nothing searchable is left."""
    included, excluded = [], []
    for match in _TERM.finditer(query[:MAX_QUERY_LENGTH]):
        negative = bool(match["neg"] or match["neg2"])
        words = _WORD_CHARS.findall(match["phrase"] if match["phrase"] is not None else match["word"])
        if not words:
            continue
        if match["word"] and match["word"].lower() in ("or", "ou") and included:
            included.append("OR")
            continue
        term = _quote(words, prefix=match["word"] is not None)
        (excluded if negative else included).append(term)
    while included and included[-1] == "OR":
        included.pop()
    if not included:
        return None
    expression = " ".join(_join_with_and(included))
    for term in excluded:
        expression = f"({expression}) NOT {term}"
    return expression


def _join_with_and(terms: list[str]) -> list[str]:
    """FTS5 needs AND spelt out where OR is also used: ``a b OR c`` → ``a AND b OR c``."""
    joined = []
    for term in terms:
        if joined and term != "OR" and joined[-1] != "OR":
            joined.append("AND")
        joined.append(term)
    return joined


def search_clause(query: str):
    """A WHERE clause keeping the projects whose title, summary or description match the words typed;
    None when the words hold nothing searchable."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        # « ou » between two words means OR, as on SQLite (websearch_to_tsquery knows only the English "or").
        query = re.sub(r"(?<=\S)\s+ou\s+(?=\S)", " or ", query, flags=re.IGNORECASE)
        # The ids the GIN index finds, computed once (OFFSET 0 keeps PostgreSQL from pulling the subquery
        # up into a join): written inline, PostgreSQL walked the directory's title index and computed both
        # tsvectors of each project until a page was full (a member's search over the benchmark's 10,000
        # projects: 1.2 s; see tests/perf). What remains is the index's recheck, which computes the
        # tsvectors of the matching projects: a stored tsvector column would remove it.
        matching = text(f"SELECT id FROM projects WHERE {POSTGRESQL_MATCH} OFFSET 0").bindparams(  # noqa: S608 (constants; the words are bound)
            bindparam("search_words", query))
        return Project.id.in_(matching.columns(column("id", Integer)))
    expression = sqlite_match_expression(query)
    if expression is None:
        return None
    matching = text("SELECT rowid FROM project_search WHERE project_search MATCH :search_words") \
        .bindparams(bindparam("search_words", expression))
    return Project.id.in_(matching.columns(column("rowid", Integer)))
