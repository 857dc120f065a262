"""Counting the SQL statements a piece of code runs (the N+1 detector of the query-count tests)."""

import contextlib

from sqlalchemy import event
from sqlalchemy.engine import Engine


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextlib.contextmanager
def count_queries():
    counter = QueryCounter()
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", counter)
