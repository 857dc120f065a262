"""Profile one page of the generated network with pyinstrument (``pip install pyinstrument``)::

    .venv/bin/python -m tests.perf.profile /projets/123/financements [--who coordinator] [--quick]
        [--database URL] [--runs 20]

Prints the call tree of ``--runs`` warm requests and the SQL statements of one, each with its time.
"""

import argparse
import logging
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal import create_app
from portal.accounts import passwords
from tests.perf import generator, suite
from tests.perf.pages import logged_in_client


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.profile")
    parser.add_argument("path")
    parser.add_argument("--who", default="coordinator")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args(argv)
    from pyinstrument import Profiler

    logging.basicConfig(filename=suite.OUTPUT / "portal.log", level=logging.INFO)
    passwords.use_hasher(passwords.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    scale = generator.QUICK if options.quick else generator.FULL
    app = create_app({"SQLALCHEMY_DATABASE_URI": suite.database_url(options, scale), "SECRET_KEY": suite.SECRET_KEY})
    facts = generator.ensure_network(app, scale)
    client = logged_in_client(app, facts[options.who])
    client.get(options.path)
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append(((time.perf_counter() - conn.info["started"]) * 1000, statement))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    client.get(options.path)
    event.remove(Engine, "before_cursor_execute", before)
    event.remove(Engine, "after_cursor_execute", after)
    for ms, statement in statements:
        print(f"--- {ms:.1f} ms\n{statement[:600]}")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(options.runs):
        client.get(options.path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
